// The legacy Completions API (POST /v1/completions): request, response and chunks as plain structs.
//
// A prompt is a string, a list of strings, a list of token ids or a list of token-id lists; each prompt
// gets n choices, numbered prompt_index * n + choice. `echo` puts the prompt text before each choice's
// text; `logprobs` (an integer here, 0..20) gives the legacy logprobs object (tokens, token_logprobs,
// top_logprobs as token -> logprob maps, text_offset). `suffix` (insertion) is refused.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vela/core/types.h"
#include "vela/openai/chat_request.h"
#include "vela/openai/chat_response.h"
#include "vela/openai/error.h"

namespace vela::openai {

/// One prompt: text, or token ids.
struct CompletionPrompt {
    std::string text;             // the text, when !is_tokens
    std::vector<TokenId> tokens;  // the token ids, when is_tokens
    bool is_tokens = false;       // the prompt was sent as token ids
    /// Equal in every field.
    bool operator==(const CompletionPrompt&) const = default;
};

/// A Completions request.
struct CompletionRequest {
    std::string model;                              // model id or alias
    std::vector<CompletionPrompt> prompts;          // "prompt": one or more prompts
    std::optional<std::string> suffix;              // refused by validate() (no insertion support)
    std::optional<float> temperature;               // [0, 2]
    std::optional<float> top_p;                     // [0, 1]
    std::optional<int32_t> top_k;                   // >= -1; -1 and 0 = off
    std::optional<float> min_p;                     // [0, 1]
    std::optional<float> repetition_penalty;        // > 0
    std::optional<float> presence_penalty;          // [-2, 2]
    std::optional<float> frequency_penalty;         // [-2, 2]
    std::optional<int32_t> repeat_last_n;           // accepted for compatibility
    std::map<TokenId, float> logit_bias;            // token id -> bias in [-100, 100]
    std::optional<int64_t> seed;                    // per-request random seed
    std::optional<int32_t> n;                       // choices per prompt, [1, 128]
    std::optional<int32_t> best_of;                 // >= n; only best_of == n is supported
    std::optional<bool> use_beam_search;            // true is refused
    std::optional<int32_t> max_tokens;              // most generated tokens per choice (OpenAI default 16)
    std::vector<std::string> stop;                  // stop strings
    std::vector<TokenId> stop_token_ids;            // tokens that end a choice
    std::optional<bool> ignore_eos;                 // keep generating past end-of-generation tokens
    std::optional<bool> skip_special_tokens;        // leave special tokens out of the text (default true)
    bool stream = false;                            // answer with chunks
    std::optional<StreamOptions> stream_options;    // include_usage
    std::optional<int32_t> logprobs;                // legacy: this many alternatives per token, [0, 20]
    std::optional<bool> echo;                       // prepend the prompt to each choice's text
    std::optional<ResponseFormat> response_format;  // vLLM extension: json_object / json_schema
    std::optional<std::string> user;                // accepted, ignored
    std::optional<std::string> conversation_id;     // echoed
    std::optional<std::string> resource_id;         // echoed
    /// Equal in every field.
    bool operator==(const CompletionRequest&) const = default;
};

/// Legacy logprobs of one choice.
struct CompletionLogprobs {
    std::vector<std::string> tokens;                    // each token's text
    std::vector<std::optional<double>> token_logprobs;  // each token's logprob (null for echoed first token)
    std::vector<std::optional<std::vector<std::pair<std::string, double>>>>
        top_logprobs;                  // per token:
                                       // alternative text -> logprob (null where none)
    std::vector<int32_t> text_offset;  // byte offset of each token in the choice's text
    /// Equal in every field.
    bool operator==(const CompletionLogprobs&) const = default;
};

/// One choice of a completion or chunk.
struct CompletionChoice {
    int32_t index = 0;                                // prompt_index * n + choice
    std::string text;                                 // the generated text (after the echoed prompt)
    std::optional<CompletionLogprobs> logprobs;       // with the logprobs parameter
    std::optional<ChoiceFinishReason> finish_reason;  // always set in a response; last chunk only in a stream
    /// Equal in every field.
    bool operator==(const CompletionChoice&) const = default;
};

/// A complete completion ("object": "text_completion").
struct CompletionResponse {
    std::string id;                                 // "cmpl-" + random
    int64_t created = 0;                            // Unix seconds
    std::string model;                              // the request's model, echoed
    std::vector<CompletionChoice> choices;          // in index order
    Usage usage;                                    // counts over all prompts and choices
    std::optional<std::string> system_fingerprint;  // "fp_" + 16 hex digits of the model's shape
    /// Equal in every field.
    bool operator==(const CompletionResponse&) const = default;
};

/// One streamed chunk of a completion ("object": "text_completion", as OpenAI streams it).
struct CompletionChunk {
    std::string id;                                 // the same on every chunk of a stream
    int64_t created = 0;                            // the same on every chunk of a stream
    std::string model;                              // the same on every chunk of a stream
    std::optional<std::string> system_fingerprint;  // as in the response
    std::vector<CompletionChoice> choices;          // text pieces; empty on the usage chunk
    bool include_usage = false;                     // write a "usage" key ("usage": null while unset)
    std::optional<Usage> usage;                     // the final usage chunk's counts
    /// Equal in every field.
    bool operator==(const CompletionChunk&) const = default;
};

/// Checks everything about `request` that does not depend on the model (as validate() for chat);
/// `suffix`, beam search and best_of > n are refused as unsupported.
ApiResult<void> validate(const CompletionRequest& request);

}  // namespace vela::openai
