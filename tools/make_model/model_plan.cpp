#include "model_plan.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numbers>

#include "model/family_registry.h"
#include "model/tensor_names.h"

namespace vela::tools {
namespace {

// SplitMix64: a small, portable generator, so generated models are identical on every platform.
class SplitMix64 {
  public:
    explicit SplitMix64(uint64_t seed) : state_(seed) {}
    uint64_t next() {
        uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    // Uniform in (0, 1).
    double uniform() { return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53; }
    // Standard normal (Box-Muller).
    double normal() {
        const double u1 = uniform();
        const double u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
    }

  private:
    uint64_t state_;
};

uint64_t fnv1a(const std::string& text) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char c : text)
        h = (h ^ c) * 0x100000001b3ull;
    return h;
}

}  // namespace

Result<ModelPlan> make_model_plan(const ModelPlanOptions& o, int32_t vocab_size,
                                  std::vector<int32_t> special_token_ids) {
    const FamilySpec* family = find_family(o.family);
    if (family == nullptr) {
        return Error{Errc::InvalidArgument,
                     "unknown family '" + o.family + "'; choose one of " + supported_families_text()};
    }
    const int32_t head_dim = o.head_dim > 0 ? o.head_dim : (o.heads > 0 ? o.hidden / o.heads : 0);
    if (o.hidden <= 0 || o.layers <= 0 || o.heads <= 0 || o.kv_heads <= 0 || o.ffn <= 0 || head_dim <= 0 ||
        head_dim % 2 != 0 || o.heads % o.kv_heads != 0 || vocab_size <= 0) {
        return Error{
            Errc::InvalidArgument,
            "impossible model shape: hidden, layers, heads, kv-heads, ffn and the vocabulary must be "
            "positive, kv-heads must divide heads and the head dimension must be even"};
    }
    ModelPlan plan;
    plan.seed = o.seed;
    plan.special_token_ids = std::move(special_token_ids);
    ModelConfig& c = plan.config;
    c.family = o.family;
    c.vocab_size = vocab_size;
    c.hidden_size = o.hidden;
    c.n_layers = o.layers;
    c.n_heads = o.heads;
    c.n_kv_heads = o.kv_heads;
    c.head_dim = head_dim;
    c.ffn_size = o.ffn;
    c.max_context = o.context;
    c.rms_eps = 1e-6f;
    c.rope_theta = o.rope_theta;
    c.rope_dim = head_dim;
    c.rope_scaling = o.rope_scaling;
    c.sliding_window = family->sliding_window ? o.sliding_window : 0;
    c.qkv_bias = family->qkv_bias;
    c.qk_norm = family->qk_norm;

    using Init = TensorPlan::Init;
    const int64_t q_width = int64_t{o.heads} * head_dim;
    const int64_t kv_width = int64_t{o.kv_heads} * head_dim;
    auto add = [&](std::string name, std::vector<int64_t> shape, Init init) {
        plan.tensors.push_back(TensorPlan{std::move(name), std::move(shape), init});
    };
    add("token_embd.weight", {vocab_size, o.hidden}, Init::Embedding);
    for (int32_t i = 0; i < o.layers; ++i) {
        add(layer_tensor(i, "attn_norm.weight"), {o.hidden}, Init::Norm);
        add(layer_tensor(i, "attn_q.weight"), {q_width, o.hidden}, Init::Matrix);
        add(layer_tensor(i, "attn_k.weight"), {kv_width, o.hidden}, Init::Matrix);
        add(layer_tensor(i, "attn_v.weight"), {kv_width, o.hidden}, Init::Matrix);
        if (c.qkv_bias) {
            add(layer_tensor(i, "attn_q.bias"), {q_width}, Init::Bias);
            add(layer_tensor(i, "attn_k.bias"), {kv_width}, Init::Bias);
            add(layer_tensor(i, "attn_v.bias"), {kv_width}, Init::Bias);
        }
        if (c.qk_norm) {
            add(layer_tensor(i, "attn_q_norm.weight"), {head_dim}, Init::Norm);
            add(layer_tensor(i, "attn_k_norm.weight"), {head_dim}, Init::Norm);
        }
        add(layer_tensor(i, "attn_output.weight"), {o.hidden, q_width}, Init::Matrix);
        add(layer_tensor(i, "ffn_norm.weight"), {o.hidden}, Init::Norm);
        add(layer_tensor(i, "ffn_gate.weight"), {o.ffn, o.hidden}, Init::Matrix);
        add(layer_tensor(i, "ffn_up.weight"), {o.ffn, o.hidden}, Init::Matrix);
        add(layer_tensor(i, "ffn_down.weight"), {o.hidden, o.ffn}, Init::Matrix);
    }
    add("output_norm.weight", {o.hidden}, Init::Norm);
    if (!o.tied) add("output.weight", {vocab_size, o.hidden}, Init::Embedding);
    return plan;
}

Tensor generate_tensor(const ModelPlan& plan, const TensorPlan& t) {
    Tensor out(DType::F32, std::span<const int64_t>(t.shape));
    SplitMix64 rng(plan.seed ^ fnv1a(t.name));
    const int64_t n = out.n_elements();
    float* data = out.f32();
    using Init = TensorPlan::Init;
    // Matrices keep activations at unit scale (std 1/sqrt(fan_in)). An untied output matrix is unit
    // normal, so logits spread by about sqrt(hidden). A tied embedding is scaled down to 1/4: at unit
    // scale each token's own embedding would dominate the final hidden state and the model would only
    // ever repeat its last token.
    const bool tied = std::none_of(plan.tensors.begin(), plan.tensors.end(),
                                   [](const TensorPlan& p) { return p.name == "output.weight"; });
    double scale = 1.0;
    double offset = 0.0;
    switch (t.init) {
        case Init::Matrix:
            scale = 1.0 / std::sqrt(static_cast<double>(t.shape.back()));
            break;
        case Init::Embedding:
            scale = tied ? 0.25 : 1.0;
            break;
        case Init::Norm:
            scale = 0.1;
            offset = 1.0;
            break;
        case Init::Bias:
            scale = 0.1;
            break;
    }
    for (int64_t i = 0; i < n; ++i)
        data[i] = static_cast<float>(offset + scale * rng.normal());

    const bool is_output = t.name == "output.weight" || (t.name == "token_embd.weight" && tied);
    if (is_output) {
        const int64_t row = t.shape.back();
        for (int32_t id : plan.special_token_ids) {
            if (id >= 0 && id < t.shape.front())
                std::memset(data + id * row, 0, sizeof(float) * static_cast<size_t>(row));
        }
    }
    return out;
}

Tensor permute_for_interleaved_rope(const Tensor& weight, int32_t n_heads) {
    const int64_t rows = weight.shape()[0];
    const int64_t cols = weight.shape()[1];
    const int64_t head_dim = rows / n_heads;
    const int64_t half = head_dim / 2;
    Tensor out(DType::F32, weight.shape());
    // Row (h, j, i) of the HF layout [head][half j][i < half] becomes row (h, i, j): pairs (i, i + half)
    // end up adjacent as (2i, 2i + 1).
    for (int64_t h = 0; h < n_heads; ++h) {
        for (int64_t j = 0; j < 2; ++j) {
            for (int64_t i = 0; i < half; ++i) {
                const int64_t src = h * head_dim + j * half + i;
                const int64_t dst = h * head_dim + i * 2 + j;
                std::memcpy(out.f32() + dst * cols, weight.f32() + src * cols,
                            sizeof(float) * static_cast<size_t>(cols));
            }
        }
    }
    return out;
}

}  // namespace vela::tools
