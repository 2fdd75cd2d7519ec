// The Chat Completions response and its streamed chunks, as plain structs (the wire schema; codec.h
// writes them as JSON).
//
// A response's message carries content (null when the choice only calls tools), the reasoning text
// (written as both "reasoning_content" and "reasoning", the two names clients read) and the tool calls.
// A stream is a sequence of ChatCompletionChunk with the same id, created and model: a role-first
// chunk per choice (role "assistant", content ""), content / reasoning / tool-call deltas, a finish
// chunk per choice (empty delta, finish_reason), and with stream_options.include_usage a last chunk
// with no choices and the usage ("usage": null on all the others). A tool call streams as a first
// delta with index, id, type and name and "" arguments, then argument fragments with only the index.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vela/openai/chat_request.h"

namespace vela::openai {

/// Why a choice ended, as OpenAI reports it.
enum class ChoiceFinishReason : uint8_t {
    Stop,           // end of turn, a stop string or a stop token
    Length,         // max_tokens or the context limit
    ToolCalls,      // the choice called tools
    ContentFilter,  // never produced by vela; parsed for completeness
    FunctionCall,   // deprecated; never produced by vela; parsed for completeness
};

/// The wire name of a finish reason ("stop", "length", "tool_calls", ...).
const char* to_string(ChoiceFinishReason reason);

/// One alternative token at a position.
struct TopLogprobEntry {
    std::string token;           // the token's text (invalid UTF-8 replaced by U+FFFD)
    double logprob = 0.0;        // natural-log probability
    std::vector<uint8_t> bytes;  // the token's exact bytes
    /// Equal in every field.
    bool operator==(const TopLogprobEntry&) const = default;
};

/// The log-probability of one generated token.
struct LogprobEntry {
    std::string token;                          // the token's text (invalid UTF-8 replaced by U+FFFD)
    double logprob = 0.0;                       // natural-log probability
    std::vector<uint8_t> bytes;                 // the token's exact bytes
    std::vector<TopLogprobEntry> top_logprobs;  // the most likely alternatives, most likely first
    /// Equal in every field.
    bool operator==(const LogprobEntry&) const = default;
};

/// A choice's logprobs ({"content":[...],"refusal":null}).
struct ChoiceLogprobs {
    std::vector<LogprobEntry> content;  // one entry per generated token, in order
    /// Equal in every field.
    bool operator==(const ChoiceLogprobs&) const = default;
};

/// Token counts and timings of a request (OpenAI's fields plus candle-vllm's extras).
struct Usage {
    int64_t prompt_tokens = 0;                    // tokens in the prompt
    int64_t completion_tokens = 0;                // generated tokens, summed over all choices
    int64_t total_tokens = 0;                     // prompt_tokens + completion_tokens
    std::optional<int64_t> cached_tokens;         // prompt_tokens_details.cached_tokens (prefix cache)
    std::optional<int64_t> reasoning_tokens;      // completion_tokens_details.reasoning_tokens
    std::optional<std::string> request_id;        // candle-vllm: the response id
    std::optional<int64_t> created;               // candle-vllm: creation time, Unix seconds
    std::optional<double> prompt_time_costs;      // candle-vllm: ms until the first token
    std::optional<double> completion_time_costs;  // candle-vllm: ms from the first token to the end
    /// Equal in every field.
    bool operator==(const Usage&) const = default;
};

/// The assistant message of a non-streamed choice.
struct AssistantMessage {
    std::optional<std::string> content;  // null when the choice only calls tools
    std::optional<std::string>
        reasoning_content;             // reasoning text; written as reasoning_content and reasoning
    std::vector<ToolCall> tool_calls;  // the calls, in order (omitted when empty)
    /// Equal in every field.
    bool operator==(const AssistantMessage&) const = default;
};

/// One choice of a response.
struct ChatChoice {
    int32_t index = 0;                                            // 0 .. n-1
    AssistantMessage message;                                     // what the model said
    std::optional<ChoiceLogprobs> logprobs;                       // null unless logprobs was asked
    ChoiceFinishReason finish_reason = ChoiceFinishReason::Stop;  // why it ended
    /// Equal in every field.
    bool operator==(const ChatChoice&) const = default;
};

/// A complete chat completion ("object": "chat.completion").
struct ChatCompletionResponse {
    std::string id;                                 // "chatcmpl-" + random
    int64_t created = 0;                            // Unix seconds
    std::string model;                              // the request's model, echoed
    std::vector<ChatChoice> choices;                // in index order
    Usage usage;                                    // counts over all choices
    std::optional<std::string> system_fingerprint;  // "fp_" + 16 hex digits of the model's shape
    std::optional<std::string> conversation_id;     // echoed from the request
    std::optional<std::string> resource_id;         // echoed from the request
    /// Equal in every field.
    bool operator==(const ChatCompletionResponse&) const = default;
};

/// One streamed piece of a tool call.
struct ToolCallDelta {
    int32_t index = 0;                     // which call of the choice
    std::optional<std::string> id;         // first delta of a call only (type "function" goes with it)
    std::optional<std::string> name;       // first delta of a call only
    std::optional<std::string> arguments;  // "" on the first delta, then fragments to concatenate
    /// Equal in every field.
    bool operator==(const ToolCallDelta&) const = default;
};

/// What one chunk adds to a choice.
struct ChatDelta {
    bool role = false;                   // carries "role": "assistant" (first chunk of a choice)
    std::optional<std::string> content;  // content text ("" on the role chunk)
    std::optional<std::string>
        reasoning_content;                  // reasoning text; written as reasoning_content and reasoning
    std::vector<ToolCallDelta> tool_calls;  // tool-call pieces
    /// Equal in every field.
    bool operator==(const ChatDelta&) const = default;
};

/// One choice's part of a chunk.
struct ChunkChoice {
    int32_t index = 0;                                // the choice
    ChatDelta delta;                                  // what this chunk adds
    std::optional<ChoiceLogprobs> logprobs;           // logprobs of the tokens behind this delta
    std::optional<ChoiceFinishReason> finish_reason;  // set on the choice's last chunk
    /// Equal in every field.
    bool operator==(const ChunkChoice&) const = default;
};

/// One streamed chunk ("object": "chat.completion.chunk").
struct ChatCompletionChunk {
    std::string id;                                   // the same on every chunk of a stream
    int64_t created = 0;                              // the same on every chunk of a stream
    std::string model;                                // the same on every chunk of a stream
    std::optional<std::string> system_fingerprint;    // as in the response
    std::vector<ChunkChoice> choices;                 // empty on the usage chunk
    bool include_usage = false;                       // write a "usage" key ("usage": null while unset)
    std::optional<Usage> usage;                       // the final usage chunk's counts
    std::optional<std::string> conversation_id;       // echoed on the first chunk
    std::optional<std::string> resource_id;           // echoed on the first chunk
    std::optional<std::string> candle_metadata_json;  // the server's queue-status object, as JSON text
    /// Equal in every field.
    bool operator==(const ChatCompletionChunk&) const = default;
};

}  // namespace vela::openai
