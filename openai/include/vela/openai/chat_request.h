// The Chat Completions request (POST /v1/chat/completions) as plain structs: these ARE the wire schema
// (codec.h converts them to and from JSON), so embedders and the HTTP server see the same API.
//
// Every OpenAI field is here, plus the common extras of vLLM / llama.cpp / candle-vllm (top_k, min_p,
// repetition_penalty, chat_template_kwargs, thinking, stop_token_ids, ignore_eos, skip_special_tokens,
// conversation_id, resource_id, ...). Optional fields are std::optional so "absent" stays distinct
// from a value; the adapter then falls back to the server's and the model's defaults. Arbitrary JSON
// (tool parameter schemas, template kwargs, metadata) is carried as JSON text. The deprecated
// `functions` / `function_call` are mapped onto tools / tool_choice by the parser, so they do not
// appear here. validate() checks everything that does not depend on the model; parse (codec.h)
// calls it, and the adapter calls it again for structs built in code.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vela/core/types.h"
#include "vela/openai/error.h"

namespace vela::openai {

/// Who wrote a message. Developer is treated as System; Function is the deprecated form of Tool.
enum class Role : uint8_t { System, Developer, User, Assistant, Tool, Function };

/// One part of an array-form message content.
struct ContentPart {
    std::string type;       // wire type: "text", "image_url", "input_audio", "file", ...
    std::string text;       // the text of a "text" part
    std::string data_json;  // other parts: the whole part object as JSON text (kept for round trips)
    /// Equal in every field.
    bool operator==(const ContentPart&) const = default;
};

/// A function call made by the assistant (in a request's history or a response).
struct ToolCall {
    std::string id;         // call id, echoed back by the tool message's tool_call_id
    std::string name;       // function name
    std::string arguments;  // the arguments as JSON text (exactly as generated)
    /// Equal in every field.
    bool operator==(const ToolCall&) const = default;
};

/// One message of the conversation.
struct ChatMessage {
    Role role = Role::User;                                 // author
    std::optional<std::string> content;                     // string content (unset: null, absent or parts)
    std::optional<std::vector<ContentPart>> content_parts;  // array content, when sent as parts
    std::optional<std::string> name;                        // optional participant / function name
    std::vector<ToolCall> tool_calls;                       // assistant: the calls it made
    std::optional<std::string> tool_call_id;                // tool: the call this answers
    std::optional<std::string> reasoning_content;  // assistant: earlier reasoning (templates may use it)

    /// A system message.
    static ChatMessage system(std::string text);
    /// A user message.
    static ChatMessage user(std::string text);
    /// An assistant message with text content.
    static ChatMessage assistant(std::string text);
    /// An assistant message that only calls tools (content null).
    static ChatMessage assistant_tool_calls(std::vector<ToolCall> calls);
    /// A tool result answering call `tool_call_id`.
    static ChatMessage tool(std::string tool_call_id, std::string text);
    /// The text of the content: the string, or the text parts joined with "\n" (other parts skipped).
    std::string text() const;
    /// Equal in every field.
    bool operator==(const ChatMessage&) const = default;
};

/// A function tool the model may call ({"type":"function","function":{...}}).
struct Tool {
    std::string name;                            // function name
    std::optional<std::string> description;      // what it does, for the model
    std::optional<std::string> parameters_json;  // JSON Schema of the arguments as JSON text; unset = none
    std::optional<bool> strict;                  // OpenAI strict mode: arguments must match the schema
    /// Equal in every field.
    bool operator==(const Tool&) const = default;
};

/// Which tools the model may or must call.
struct ToolChoice {
    /// The kinds of choice.
    enum class Mode : uint8_t {
        None,      // never call a tool (tools are not rendered, output is not parsed)
        Auto,      // the model decides
        Required,  // at least one call, enforced by constrained decoding
        Function,  // exactly this function (`function_name`), enforced by constrained decoding
    };
    /// How the choice was written on the wire (kept so a request round-trips).
    enum class Form : uint8_t {
        String,            // "none" | "auto" | "required"
        Function,          // {"type":"function","function":{"name":...}}
        FlatFunction,      // {"type":"function","name":...} (Responses style)
        AllowedTools,      // {"type":"allowed_tools","allowed_tools":{"mode":...,"tools":[...]}}
        FlatAllowedTools,  // {"type":"allowed_tools","mode":...,"tools":[...]} (Responses style)
    };

    Mode mode = Mode::Auto;                                 // None, Auto, Required or Function
    Form form = Form::String;                               // wire form
    std::string function_name;                              // Mode::Function: the forced function
    std::optional<std::vector<std::string>> allowed_tools;  // allowed_tools form: the tools that may be
                                                            // called (mode Auto or Required)
    /// Equal in every field.
    bool operator==(const ToolChoice&) const = default;
};

/// The shape the answer must take.
struct ResponseFormat {
    /// The kinds of format.
    enum class Type : uint8_t { Text, JsonObject, JsonSchema };

    Type type = Type::Text;                  // text (no constraint), json_object or json_schema
    std::string name;                        // json_schema.name ([a-zA-Z0-9_-], at most 64)
    std::optional<std::string> description;  // json_schema.description
    std::optional<std::string> schema_json;  // json_schema.schema as JSON text; unset = any JSON object
    std::optional<bool> strict;              // json_schema.strict
    /// Equal in every field.
    bool operator==(const ResponseFormat&) const = default;
};

/// stream_options.
struct StreamOptions {
    std::optional<bool> include_usage;        // a final chunk with the usage, "usage": null on the others
    std::optional<bool> include_obfuscation;  // accepted and ignored (no obfuscation padding is sent)
    /// Equal in every field.
    bool operator==(const StreamOptions&) const = default;
};

/// A Chat Completions request.
struct ChatCompletionRequest {
    std::string model;                      // model id or alias (the server resolves it)
    std::vector<ChatMessage> messages;      // the conversation (at least one message)
    std::optional<std::string> raw_prompt;  // `messages` sent as a plain string: used verbatim, no template

    // Sampling (unset: the server's default, then the model's generation_config, then vela's).
    std::optional<float> temperature;         // [0, 2]
    std::optional<float> top_p;               // [0, 1]
    std::optional<int32_t> top_k;             // >= -1; -1 and 0 = off
    std::optional<float> min_p;               // [0, 1]
    std::optional<float> repetition_penalty;  // > 0; 1 = off
    std::optional<float> presence_penalty;    // [-2, 2]
    std::optional<float> frequency_penalty;   // [-2, 2]
    std::optional<int32_t> repeat_last_n;     // accepted for compatibility; penalties see the whole history
    std::map<TokenId, float> logit_bias;      // token id -> bias in [-100, 100]
    std::optional<int64_t> seed;              // per-request random seed
    std::optional<int32_t> n;                 // choices, [1, 128]
    std::optional<int32_t> best_of;           // >= n; only best_of == n is supported
    std::optional<bool> use_beam_search;      // true is rejected (no beam search)

    // Length and stopping.
    std::optional<int32_t> max_tokens;             // deprecated name of max_completion_tokens
    std::optional<int32_t> max_completion_tokens;  // most generated tokens per choice, >= 1
    std::vector<std::string> stop;                 // stop strings ("stop" as a string or a list)
    std::vector<TokenId> stop_token_ids;           // tokens that end a choice
    std::optional<bool> ignore_eos;                // keep generating past end-of-generation tokens
    std::optional<bool> skip_special_tokens;       // leave special tokens out of the text (default true)

    // Output shape.
    bool stream = false;                            // answer with chunks
    std::optional<StreamOptions> stream_options;    // include_usage
    std::optional<bool> logprobs;                   // report token log-probabilities
    std::optional<int32_t> top_logprobs;            // [0, 20] alternatives per token; needs logprobs
    std::optional<ResponseFormat> response_format;  // text, json_object or json_schema

    // Tools.
    std::optional<std::vector<Tool>> tools;   // function tools (unset: none; [] is kept as sent)
    std::optional<ToolChoice> tool_choice;    // unset: auto with tools, none without
    std::optional<bool> parallel_tool_calls;  // false: at most one call (default true)

    // Templates and reasoning.
    std::optional<bool> thinking;  // enable_thinking for the template
    std::vector<std::pair<std::string, std::string>> chat_template_kwargs;  // name -> JSON text, in order
    std::optional<std::string> reasoning_effort;  // none|minimal|low|medium|high|xhigh|max (see adapter.h)
    std::optional<std::string> chat_template;     // a Jinja template replacing the model's for this request

    // Identity and bookkeeping (echoed or ignored; they never change the result).
    std::optional<std::string> user;               // deprecated end-user id
    std::optional<std::string> safety_identifier;  // end-user id
    std::optional<std::string> prompt_cache_key;   // caching hint
    std::optional<std::string> conversation_id;    // echoed in responses
    std::optional<std::string> resource_id;        // echoed in responses
    std::optional<std::string> cache_control;      // "ephemeral" | "ephemeral_user" (accepted, ignored)
    std::optional<std::string> metadata_json;      // metadata as JSON text (accepted, ignored)
    std::optional<bool> store;                     // accepted, ignored
    std::optional<std::string> service_tier;       // accepted, ignored

    /// Equal in every field.
    bool operator==(const ChatCompletionRequest&) const = default;
};

/// The wire name of a role ("system", "developer", ...).
const char* to_string(Role role);

/// Checks everything about `request` that does not depend on the model: required fields, roles and
/// their fields, ranges (temperature, top_p, penalties, n, logprobs, logit_bias), tools and
/// tool_choice (a named or allowed tool must exist; custom tools are refused at parse time),
/// response_format names, and features vela cannot honour (beam search, best_of > n). Errors are 400
/// with `param` set.
ApiResult<void> validate(const ChatCompletionRequest& request);

}  // namespace vela::openai
