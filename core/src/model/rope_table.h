// The effective rotary frequencies of a model: base frequencies with llama3, linear or YaRN scaling
// (and GGUF's per-dimension rope_freqs factors) folded in, so the RoPE kernel only multiplies
// positions by one inverse frequency per rotated pair.
#pragma once

#include <span>
#include <vector>

#include "model/model_config.h"

namespace vela {

/// Inverse frequencies and the cos/sin multiplier for a model's RoPE.
struct RopeTable {
    std::vector<float> inv_freq;  // rope_dim / 2 entries
    float mscale = 1.0f;          // YaRN attention factor (1 otherwise)
};

/// Computes the RoPE table of `config`; `freq_factors` (GGUF rope_freqs.weight, rope_dim / 2 entries,
/// empty when absent) divide the frequencies after scaling.
RopeTable compute_rope_table(const ModelConfig& config, std::span<const float> freq_factors);

}  // namespace vela
