// GenerationParams: how one request generates (sampling, stopping, logprobs, n, token constraints).
//
// Sampling runs per sequence and never depends on what else is in the batch. The order is: logit_bias,
// repetition/presence/frequency penalties, the token constraint (disallowed tokens get -inf); logprobs
// are taken from this distribution (before temperature); then temperature, min_p, top_k, top_p, and a
// draw from the request's own random generator (or the argmax when temperature is 0).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "vela/core/error.h"
#include "vela/core/token_constraint.h"
#include "vela/core/types.h"

namespace vela {

/// The most alternatives per token that logprobs can report (OpenAI's limit).
inline constexpr int32_t kMaxTopLogprobs = 20;

/// The parameters of one generation request.
struct GenerationParams {
    int32_t max_tokens = 256;         // most tokens generated per choice, >= 1; reaching it finishes Length
    float temperature = 1.0f;         // >= 0; 0 (below 1e-5) = greedy argmax
    float top_p = 1.0f;               // nucleus mass in (0, 1]; 1 = off
    int32_t top_k = 0;                // keep only the k most likely tokens; 0 = off
    float min_p = 0.0f;               // in [0, 1]: drop tokens less likely than min_p * p(best); 0 = off
    float repetition_penalty = 1.0f;  // > 0; tokens in prompt or output: positive logits / it, negative * it
    float presence_penalty = 0.0f;    // in [-2, 2]; subtracted once from each already generated token
    float frequency_penalty = 0.0f;   // in [-2, 2]; subtracted per occurrence in the generated tokens
    std::map<TokenId, float> logit_bias{};  // added to the logits of these tokens, each in [-100, 100]
    std::optional<uint64_t> seed{};         // seeds this request's own generator; unset = nondeterministic
    std::vector<std::string> stop{};  // stop strings (non-empty), matched across tokens, trimmed from text
    std::vector<TokenId> stop_token_ids{};  // tokens that finish with Stop (even with ignore_eos)
    bool ignore_eos = false;                // end-of-generation tokens do not finish generation
    bool skip_special_tokens = true;        // leave special (control) tokens out of the text
    int32_t n = 1;                          // independent choices sharing the prompt's KV blocks, >= 1
    bool logprobs = false;                  // report each generated token's log-probability
    int32_t top_logprobs = 0;               // with logprobs: also the most likely alternatives, 0..20
    TokenConstraintFactory constraint{};    // makes each choice's token mask; empty = unconstrained
};

/// Checks the ranges documented on each field (model-dependent checks happen at submit).
Result<void> validate(const GenerationParams& params);

}  // namespace vela
