#include "model/rope_table.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace vela {
namespace {

// Llama 3.1: long wavelengths are divided by `factor`, short ones kept, and the band between them is
// blended smoothly (Meta's reference formula, also in Hugging Face's rope utilities).
void apply_llama3(const RopeScaling& s, std::vector<float>& inv_freq) {
    const double original = s.original_context;
    const double low_wavelen = original / s.low_freq_factor;
    const double high_wavelen = original / s.high_freq_factor;
    for (float& f : inv_freq) {
        const double wavelen = 2.0 * std::numbers::pi / f;
        if (wavelen < high_wavelen) continue;
        if (wavelen > low_wavelen) {
            f = static_cast<float>(f / s.factor);
            continue;
        }
        const double smooth =
            (original / wavelen - s.low_freq_factor) / (s.high_freq_factor - s.low_freq_factor);
        f = static_cast<float>((1.0 - smooth) * f / s.factor + smooth * f);
    }
}

// YaRN (Peng et al. 2023): dimensions that rotate fewer than beta_slow times over the original context
// are interpolated (divided by factor), those rotating more than beta_fast times are kept, with a linear
// ramp between; cos/sin are scaled by the attention factor.
float apply_yarn(const RopeScaling& s, float theta, int32_t rope_dim, std::vector<float>& inv_freq) {
    const double original = s.original_context;
    auto correction_dim = [&](double n_rotations) {
        return rope_dim * std::log(original / (n_rotations * 2.0 * std::numbers::pi)) /
               (2.0 * std::log(theta));
    };
    const double low = std::max(0.0, std::floor(correction_dim(s.beta_fast)));
    const double high = std::min(rope_dim - 1.0, std::ceil(correction_dim(s.beta_slow)));
    const double span = std::max(high - low, 0.001);
    for (size_t i = 0; i < inv_freq.size(); ++i) {
        const double ramp = std::clamp((static_cast<double>(i) - low) / span, 0.0, 1.0);
        const double extrapolation_weight = 1.0 - ramp;
        const double extrapolated = inv_freq[i];
        const double interpolated = extrapolated / s.factor;
        inv_freq[i] = static_cast<float>(interpolated * (1.0 - extrapolation_weight) +
                                         extrapolated * extrapolation_weight);
    }
    if (s.attention_factor > 0.0f) return s.attention_factor;
    return s.factor <= 1.0f ? 1.0f : static_cast<float>(0.1 * std::log(s.factor) + 1.0);
}

}  // namespace

RopeTable compute_rope_table(const ModelConfig& config, std::span<const float> freq_factors) {
    RopeTable table;
    const int32_t n_pairs = config.rope_dim / 2;
    table.inv_freq.resize(static_cast<size_t>(n_pairs));
    for (int32_t i = 0; i < n_pairs; ++i) {
        const double exponent = 2.0 * i / config.rope_dim;
        table.inv_freq[static_cast<size_t>(i)] =
            static_cast<float>(1.0 / std::pow(config.rope_theta, exponent));
    }
    const RopeScaling& s = config.rope_scaling;
    switch (s.kind) {
        case RopeScalingKind::None:
            break;
        case RopeScalingKind::Linear:
            for (float& f : table.inv_freq)
                f /= s.factor;
            break;
        case RopeScalingKind::Llama3:
            apply_llama3(s, table.inv_freq);
            break;
        case RopeScalingKind::Yarn:
            table.mscale = apply_yarn(s, config.rope_theta, config.rope_dim, table.inv_freq);
            break;
    }
    for (size_t i = 0; i < freq_factors.size() && i < table.inv_freq.size(); ++i) {
        table.inv_freq[i] /= freq_factors[i];
    }
    return table;
}

}  // namespace vela
