// The model families vela runs: one table row each. A Llama-like family is one row here; config keys
// and tensor names are shared by all rows (gguf_config.cpp, hf_config.cpp, tensor_names.cpp).
#pragma once

#include <span>
#include <string_view>

#include "kernels/ops.h"

namespace vela {

/// What distinguishes one decoder family from another.
struct FamilySpec {
    std::string_view name;                                 // vela's name, e.g. "qwen3"
    std::span<const std::string_view> hf_architectures;    // config.json "architectures" values
    std::span<const std::string_view> gguf_architectures;  // GGUF general.architecture values
    bool qkv_bias;                                         // Q/K/V projections carry biases
    bool qk_norm;                                          // per-head RMSNorm on Q and K
    bool sliding_window;                                   // honours config.json "sliding_window"
    kernels::RopeStyle gguf_rope_style;                    // pair layout of Q/K rows in GGUF files
};

/// Every supported family.
std::span<const FamilySpec> family_table();

/// The family whose Hugging Face architecture list contains `architecture`, if any.
const FamilySpec* find_family_by_hf_architecture(std::string_view architecture);

/// The family whose GGUF architecture list contains `architecture`, if any.
const FamilySpec* find_family_by_gguf_architecture(std::string_view architecture);

/// The family named `name`, if any.
const FamilySpec* find_family(std::string_view name);

/// "llama, mistral, qwen2, qwen3", for error messages.
std::string supported_families_text();

}  // namespace vela
