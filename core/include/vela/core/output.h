// What a request produces: per-step events while it runs, and the collected output of each choice.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vela/core/types.h"

namespace vela {

/// Why a choice stopped generating.
struct FinishReason {
    /// The kinds of ending.
    enum class Kind : uint8_t {
        Stop,          // an end-of-generation token, a stop token id, or a constraint that completed
        Length,        // max_tokens, or the model context / KV cache capacity, was reached
        StopSequence,  // a stop string matched; `detail` holds it
        Cancelled,     // the caller cancelled the request (or dropped its handle), or the engine shut down
        Error,         // the request failed; `detail` holds the message
    };

    Kind kind = Kind::Stop;  // the kind of ending
    std::string detail;      // the matched stop string (StopSequence) or the error message (Error)

    /// Ended by an end-of-generation or stop token.
    static FinishReason stop() { return {Kind::Stop, {}}; }
    /// Ended by max_tokens or the context limit.
    static FinishReason length() { return {Kind::Length, {}}; }
    /// Ended by stop string `text`.
    static FinishReason stop_sequence(std::string text) { return {Kind::StopSequence, std::move(text)}; }
    /// Ended by cancellation.
    static FinishReason cancelled() { return {Kind::Cancelled, {}}; }
    /// Ended by a failure described by `message`.
    static FinishReason error(std::string message) { return {Kind::Error, std::move(message)}; }
    /// Equal kind and detail.
    bool operator==(const FinishReason&) const = default;
};

/// "stop", "length", "stop_sequence", "cancelled" or "error".
const char* to_string(FinishReason::Kind kind);

/// One alternative token and its log-probability.
struct TopLogprob {
    TokenId token = 0;     // the alternative
    float logprob = 0.0f;  // its natural-log probability
};

/// The log-probability of a generated token, from the distribution after logit_bias, penalties and the
/// token constraint, before temperature, min_p, top_k and top_p (so it does not depend on them).
struct TokenLogprob {
    TokenId token = 0;            // the generated token
    float logprob = 0.0f;         // its natural-log probability in that distribution
    std::vector<TopLogprob> top;  // the top_logprobs most likely tokens, most likely first
};

/// Timings and counts of one choice.
struct GenerationStats {
    int32_t prompt_tokens = 0;            // tokens in the prompt
    int32_t generated_tokens = 0;         // tokens generated (a final stop token included)
    int32_t cached_tokens = 0;            // prompt tokens whose K/V came from the prefix cache
    double total_time_ms = 0.0;           // from submit to finish
    double time_to_first_token_ms = 0.0;  // from submit to the first generated token
    double tokens_per_second = 0.0;       // generated_tokens / total time
};

/// A piece of a running request, sent as soon as a step produces it.
struct GenerationEvent {
    int32_t choice = 0;                         // which of the n choices this belongs to
    std::vector<TokenId> token_ids;             // tokens generated since the last event of this choice
    std::string text;                           // text released since the last event (stop-string safe)
    std::vector<TokenLogprob> logprobs;         // one per token in token_ids when logprobs was asked
    std::optional<FinishReason> finish_reason;  // set on the last event of the choice
    std::optional<GenerationStats> stats;       // set with finish_reason
};

/// The complete result of one choice.
struct GenerationOutput {
    int32_t choice = 0;                  // which of the n choices this is
    std::vector<TokenId> token_ids;      // every generated token (a final stop token included)
    std::string text;                    // the generated text, stop string and stop tokens excluded
    FinishReason finish_reason;          // why generation ended
    std::vector<TokenLogprob> logprobs;  // one per generated token when logprobs was asked
    GenerationStats stats;               // counts and timings
};

}  // namespace vela
