// ModelInfo: what an engine tells its users about the model it serves and the limits it enforces.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vela/core/types.h"

namespace vela {

/// The served model and the engine's limits for it.
struct ModelInfo {
    std::string model_path;                           // where the model was loaded from
    std::string name;                                 // display name (file stem or folder name)
    std::string architecture;                         // "llama", "mistral", "qwen2", "qwen3", ...
    std::string weight_dtype;                         // "q8_0", "f16", "mixed", ...
    int32_t vocab_size = 0;                           // logits per token
    int32_t context_length = 0;                       // the model's own context (or the configured override)
    int32_t max_sequence_length = 0;                  // longest prompt + generated tokens a request may reach
    int32_t max_num_seqs = 0;                         // sequences batched per step
    int32_t block_size = 0;                           // token slots per KV block
    int32_t n_kv_blocks = 0;                          // KV blocks in the cache
    int64_t kv_cache_bytes = 0;                       // memory of the KV cache
    std::string kv_cache_dtype;                       // "f16" or "f32"
    std::vector<TokenId> eog_token_ids;               // tokens that end generation
    std::optional<float> default_temperature;         // from the model's generation_config, if any
    std::optional<float> default_top_p;               // from the model's generation_config, if any
    std::optional<int32_t> default_top_k;             // from the model's generation_config, if any
    std::optional<float> default_min_p;               // from the model's generation_config, if any
    std::optional<float> default_repetition_penalty;  // from the model's generation_config, if any
    std::optional<int32_t> default_max_tokens;        // from the model's generation_config, if any
};

}  // namespace vela
