// OpenAIAdapter: the OpenAI Chat Completions and Completions APIs over one InferenceEngine, in
// process. The HTTP server is a thin layer over it (parse with codec.h, call the adapter, write JSON
// or SSE); embedders call it directly with the same structs, so both see identical behaviour.
//
// A request becomes: a prompt (ConversationManager: template, tools, thinking flags), GenerationParams
// (each field from the request, else AdapterConfig, else the model's generation_config.json, else
// vela's default; max_tokens defaults to 1/5 of the context clamped to [128, 16384] and never more
// than what fits), and a token constraint when the request needs one (response_format json_object /
// json_schema; tool_choice required / named function (exactly one call of it), which is enforced by a
// grammar of the model's tool-call format, after an optional reasoning block; strict tools under auto,
// enforced once a call's start marker appears). The engine's text goes through one OutputParser per choice,
// which splits reasoning, content and tool calls; a stream turns its events into chunks and a non-streamed
// response folds the very same events, so the two cannot differ. Errors before generation starts (validation,
// context too long, an unenforceable tool_choice, an unsupported schema keyword) come back as an OpenAIError;
// a failure after a stream has started comes out of the stream as an Error item (the server writes it as
// `data: {"error":...}`). reasoning_effort: for templates that read enable_thinking, "none"/"minimal" turn
// thinking off and the other levels on (unless the request sets enable_thinking itself); the value is also
// passed to the template as `reasoning_effort` (gpt-oss reads it); otherwise it has no effect.
#pragma once

#include <chrono>
#include <cstdint>
#include <ctime>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "vela/core/engine.h"
#include "vela/core/error.h"
#include "vela/openai/conversation_manager.h"
#include "vela/openai/types.h"

namespace vela::openai {

/// Server-side settings of an adapter (the CLI's defaults and overrides).
struct AdapterConfig {
    std::string model_id;                     // "model" echoed when a request names none
    std::optional<float> temperature;         // default temperature (unset: the model's, then 1.0)
    std::optional<float> top_p;               // default top_p
    std::optional<int32_t> top_k;             // default top_k (0 = off)
    std::optional<float> min_p;               // default min_p
    std::optional<float> repetition_penalty;  // default repetition penalty
    std::optional<float> presence_penalty;    // default presence penalty
    std::optional<float> frequency_penalty;   // default frequency penalty
    std::optional<int32_t> max_tokens;       // default max tokens (unset: 1/5 of the context in [128, 16384])
    std::optional<std::string> tool_parser;  // --tool-parser: a format name overriding detection
    std::optional<std::string> reasoning_parser;  // --reasoning-parser: a format name; "none" disables
    std::optional<std::string> chat_template;     // --chat-template: Jinja source replacing the model's
    int32_t forced_call_reasoning_budget = 1024;  // tool_choice required/named: reasoning tokens allowed
                                                  // before the call must start (also <= max_tokens / 2)
    bool always_include_usage = false;            // usage chunk even without stream_options.include_usage
    std::optional<std::tm> now;                   // fixed clock for templates (tests); unset = system clock
};

/// What the adapter honours for its model (for /v1/models and start-up logs).
struct AdapterCapabilities {
    std::string tool_format;               // detected or configured tool-call format ("hermes", "json", ...)
    std::string reasoning_format;          // reasoning markers in use ("think", ...), "" when none
    std::string chat_template_origin;      // "server", "model" or "builtin"
    std::string builtin_template;          // the built-in row when the origin is "builtin"
    bool template_renders_tools = false;   // false: vela describes tools in a system message
    bool tool_choice_enforceable = false;  // required / named function can be enforced
    bool structured_output = true;         // response_format json_object / json_schema
    int32_t context_length = 0;            // longest prompt + completion a request may reach
};

/// One pull from a stream.
template <class ChunkType>
struct StreamItem {
    /// What the pull produced.
    enum class Kind : uint8_t {
        Chunk,    // `chunk` is the next chunk
        Error,    // the stream failed after it started: send `error` (to_json) and close
        Pending,  // nothing yet within the timeout (send a keep-alive comment)
        Done,     // the stream is complete (send [DONE]); every later pull is Done too
    };
    Kind kind = Kind::Done;  // what this is
    ChunkType chunk{};       // Kind::Chunk
    OpenAIError error{};     // Kind::Error
};

/// The chunks of one streamed chat completion. Destroying it cancels generation.
class ChatCompletionStream {
  public:
    /// One pull.
    using Item = StreamItem<ChatCompletionChunk>;
    ~ChatCompletionStream();
    ChatCompletionStream(const ChatCompletionStream&) = delete;
    ChatCompletionStream& operator=(const ChatCompletionStream&) = delete;

    /// The next item, waiting at most `timeout` (Pending when none came).
    Item next(std::chrono::milliseconds timeout);
    /// The next item, waiting as long as it takes (never Pending).
    Item next();
    /// Stops generation at once; later pulls are Done (no finish chunks follow).
    void cancel();
    /// The id every chunk carries ("chatcmpl-...").
    const std::string& id() const;
    /// The prompt's token count.
    int32_t prompt_tokens() const;

    struct Impl;
    /// Used by OpenAIAdapter.
    explicit ChatCompletionStream(std::unique_ptr<Impl> impl);

  private:
    std::unique_ptr<Impl> impl_;
};

/// The chunks of one streamed completion. Destroying it cancels generation.
class CompletionStream {
  public:
    /// One pull.
    using Item = StreamItem<CompletionChunk>;
    ~CompletionStream();
    CompletionStream(const CompletionStream&) = delete;
    CompletionStream& operator=(const CompletionStream&) = delete;

    /// The next item, waiting at most `timeout` (Pending when none came).
    Item next(std::chrono::milliseconds timeout);
    /// The next item, waiting as long as it takes (never Pending).
    Item next();
    /// Stops generation at once; later pulls are Done.
    void cancel();
    /// The id every chunk carries ("cmpl-...").
    const std::string& id() const;

    struct Impl;
    /// Used by OpenAIAdapter.
    explicit CompletionStream(std::unique_ptr<Impl> impl);

  private:
    std::unique_ptr<Impl> impl_;
};

/// Polled about every 100 ms while a non-streamed request runs; returning true cancels it.
using CancelCheck = std::function<bool()>;
/// Receives each chunk of a streamed chat completion; returning false cancels it.
using ChunkCallback = std::function<bool(const ChatCompletionChunk& chunk)>;

/// The OpenAI APIs over one engine. Thread-safe: any number of requests may run at once.
class OpenAIAdapter {
  public:
    /// An adapter over `engine`; fails for an unknown tool or reasoning parser name or a chat template
    /// that does not compile.
    static Result<std::unique_ptr<OpenAIAdapter>> create(std::shared_ptr<InferenceEngine> engine,
                                                         AdapterConfig config = {});
    ~OpenAIAdapter();
    OpenAIAdapter(const OpenAIAdapter&) = delete;
    OpenAIAdapter& operator=(const OpenAIAdapter&) = delete;

    /// Runs a chat completion to the end (request.stream is ignored).
    ApiResult<ChatCompletionResponse> chat_completion(const ChatCompletionRequest& request,
                                                      const CancelCheck& cancelled = {});
    /// Starts a streamed chat completion; errors found before anything streams come back here.
    ApiResult<std::unique_ptr<ChatCompletionStream>> chat_completion_stream(
        const ChatCompletionRequest& request);
    /// Streams a chat completion to `on_chunk` on the calling thread, then returns the folded response
    /// (equal to what chat_completion gives); a mid-stream failure is returned as the error.
    ApiResult<ChatCompletionResponse> chat_completion_stream(const ChatCompletionRequest& request,
                                                             const ChunkCallback& on_chunk);
    /// Runs a completion to the end (request.stream is ignored).
    ApiResult<CompletionResponse> completion(const CompletionRequest& request,
                                             const CancelCheck& cancelled = {});
    /// Starts a streamed completion.
    ApiResult<std::unique_ptr<CompletionStream>> completion_stream(const CompletionRequest& request);

    /// The prompt a chat request would run (rendered text and tokens), without generating.
    ApiResult<RenderedPrompt> render_prompt(const ChatCompletionRequest& request) const;

    /// What this adapter honours for its model.
    const AdapterCapabilities& capabilities() const;
    /// The settings it was made with.
    const AdapterConfig& config() const;
    /// The engine it runs on.
    InferenceEngine& engine() const;
    /// The engine, shared.
    const std::shared_ptr<InferenceEngine>& shared_engine() const;
    /// Its conversation manager.
    const ConversationManager& conversations() const;

    struct Impl;

  private:
    explicit OpenAIAdapter(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace vela::openai
