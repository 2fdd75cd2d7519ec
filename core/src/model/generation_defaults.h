// GenerationDefaults: the sampling defaults a model ships (generation_config.json).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "vela/core/types.h"

namespace vela {

/// Sampling defaults a model ships; unset fields mean "no opinion".
struct GenerationDefaults {
    std::optional<float> temperature;  // 0 when the model asks for greedy (do_sample false)
    std::optional<float> top_p;
    std::optional<int32_t> top_k;
    std::optional<float> min_p;
    std::optional<float> repetition_penalty;
    std::optional<int32_t> max_new_tokens;
    std::vector<TokenId> eos_token_ids;  // extra end-of-generation ids
};

}  // namespace vela
