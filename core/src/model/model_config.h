// ModelConfig: the hyperparameters of a decoder-only transformer, independent of the file format.
//
// GGUF metadata (gguf_config.cpp) and Hugging Face config.json (hf_config.cpp) both convert to this
// struct; the decoder is configured from it alone. The family (llama, mistral, qwen2, qwen3) decides
// the optional parts (QKV bias, QK-norm, sliding window) through the family registry.
#pragma once

#include <cstdint>
#include <string>

#include "kernels/ops.h"

namespace vela {

/// How rotary frequencies are stretched for long contexts.
enum class RopeScalingKind {
    None,
    Linear,  // positions divided by factor
    Llama3,  // Llama 3.1 piecewise scaling by wavelength
    Yarn,    // YaRN: ramp between interpolation and extrapolation, plus an attention factor
};

/// Rotary-embedding scaling parameters (meaningful fields depend on kind).
struct RopeScaling {
    RopeScalingKind kind = RopeScalingKind::None;
    float factor = 1.0f;            // context extension factor
    float low_freq_factor = 1.0f;   // llama3
    float high_freq_factor = 4.0f;  // llama3
    int32_t original_context = 0;   // llama3, yarn: the context the model was trained with
    float beta_fast = 32.0f;        // yarn: rotations where extrapolation starts to fade
    float beta_slow = 1.0f;         // yarn: rotations where interpolation takes over
    float attention_factor = 0.0f;  // yarn: cos/sin multiplier; 0 = 0.1 * ln(factor) + 1
};

/// Everything the decoder needs to know about a model's shape and arithmetic.
struct ModelConfig {
    std::string family;           // registry name: "llama", "mistral", "qwen2", "qwen3"
    int32_t vocab_size = 0;       // rows of the embedding and output matrices
    int32_t hidden_size = 0;      // width of the residual stream
    int32_t n_layers = 0;         // transformer blocks
    int32_t n_heads = 0;          // query heads
    int32_t n_kv_heads = 0;       // key/value heads (GQA when < n_heads)
    int32_t head_dim = 0;         // dimensions per head (Qwen3 sets it apart from hidden/heads)
    int32_t ffn_size = 0;         // inner width of the SwiGLU MLP
    int32_t max_context = 0;      // longest sequence the model was configured for
    float rms_eps = 1e-6f;        // RMSNorm epsilon
    float rope_theta = 10000.0f;  // rotary base frequency
    int32_t rope_dim = 0;         // rotated dimensions per head (= head_dim unless partial)
    kernels::RopeStyle rope_style = kernels::RopeStyle::Neox;  // pair layout of the stored Q/K weights
    RopeScaling rope_scaling;                                  // long-context scaling
    int32_t sliding_window = 0;  // attention window in tokens; 0 = full attention
    bool qkv_bias = false;       // Q, K, V projections have biases (Qwen2)
    bool qk_norm = false;        // per-head RMSNorm on Q and K before RoPE (Qwen3)
};

}  // namespace vela
