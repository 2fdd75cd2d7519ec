// Request -> GenerationParams: the sampling and stopping fields of a chat or completion request, with
// the fallback chain request value, then the server's AdapterConfig, then the model's
// generation_config.json (ModelInfo), then GenerationParams' own default.
//
// max_tokens: the request's (max_completion_tokens before the deprecated max_tokens), else the server's,
// else the model's, else 1/5 of the context clamped to [128, 16384]; a default never exceeds what fits
// after the prompt, while an explicit value that does not fit is a 400 context_length_exceeded (as at
// OpenAI), and so is a prompt that leaves no room at all. OpenAI's spellings map onto the engine's:
// top_k -1 means off (0), top_p 0 means "only the most likely token" (top_k 1), logprobs and
// top_logprobs become the engine's, and token ids (logit_bias, stop_token_ids) must be in the vocabulary.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "vela/core/model_info.h"
#include "vela/core/params.h"
#include "vela/openai/adapter.h"

namespace vela::openai {

/// The request fields GenerationParams is made from (chat and completion requests share them).
struct SamplingFields {
    std::optional<float> temperature;
    std::optional<float> top_p;
    std::optional<int32_t> top_k;
    std::optional<float> min_p;
    std::optional<float> repetition_penalty;
    std::optional<float> presence_penalty;
    std::optional<float> frequency_penalty;
    std::map<TokenId, float> logit_bias;
    std::optional<int64_t> seed;
    std::optional<int32_t> n;
    std::optional<int32_t> max_tokens;  // the request's limit (already resolved between the two names)
    std::vector<std::string> stop;
    std::vector<TokenId> stop_token_ids;
    std::optional<bool> ignore_eos;
    std::optional<bool> skip_special_tokens;
    int32_t top_logprobs = -1;  // -1: no logprobs; else logprobs with this many alternatives
};

/// The GenerationParams for `fields` with a prompt of `n_prompt_tokens`; 400 errors name the field.
ApiResult<GenerationParams> make_generation_params(const SamplingFields& fields, const AdapterConfig& config,
                                                   const ModelInfo& model, int32_t n_prompt_tokens);

/// The default max_tokens for a context of `context_length` tokens: 1/5 of it, clamped to [128, 16384].
int32_t default_max_tokens(int32_t context_length);

}  // namespace vela::openai
