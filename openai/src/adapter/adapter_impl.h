// The adapter's private state and the prepared form of a request, shared by the adapter's files:
// openai_adapter.cpp (entry points), chat_preparation.cpp (request -> prompt, params, parser and
// constraint), chat_completion_stream.cpp and completion_stream.cpp (engine events -> chunks).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "adapter/choice_parser.h"
#include "adapter/special_text_filter.h"
#include "grammar/vocabulary_index.h"
#include "reasoning/reasoning_format.h"
#include "tool_parsers/tool_format_registry.h"
#include "vela/openai/adapter.h"

namespace vela::openai {

/// The output formats a chat template implies, and what the engine must keep for the parser.
struct OutputFormats {
    ToolFormatChoice tool;                           // tool-call format and layout
    const ReasoningFormat* reasoning = nullptr;      // reasoning markers, nullptr when none
    bool markers_special = false;                    // a marker is a special token: the engine must keep them
    std::shared_ptr<const SpecialTextSet> specials;  // special texts to strip when it keeps them
};

/// What every response of one request carries.
struct ResponseMeta {
    std::string id;                              // chatcmpl-... / cmpl-...
    int64_t created = 0;                         // Unix seconds
    std::string model;                           // echoed model
    std::optional<std::string> fingerprint;      // system_fingerprint
    std::optional<std::string> conversation_id;  // echoed
    std::optional<std::string> resource_id;      // echoed
    bool include_usage = false;                  // stream a usage chunk
};

/// A chat request ready to submit.
struct PreparedChat {
    RenderedPrompt prompt;       // what the engine runs
    GenerationParams params;     // how
    ChoiceParserOptions parser;  // how each choice's text is parsed
    ResponseMeta meta;           // response identity
};

/// A completion request ready to submit: one prompt per entry.
struct PreparedCompletion {
    std::vector<std::vector<TokenId>> prompts;  // token ids per prompt
    std::vector<std::string> prompt_texts;      // text per prompt (for echo)
    GenerationParams params;                    // shared by every prompt
    bool echo = false;                          // prepend the prompt to each choice's text
    ResponseMeta meta;                          // response identity
};

struct OpenAIAdapter::Impl {
    std::shared_ptr<InferenceEngine> engine;
    AdapterConfig config;
    std::unique_ptr<ConversationManager> conversations;
    OutputFormats formats;                   // of the default template
    std::vector<std::string> special_texts;  // the text of every special token of the vocabulary
    std::string fingerprint;
    AdapterCapabilities capabilities;

    mutable std::once_flag vocabulary_once;
    mutable std::shared_ptr<const grammar::VocabularyIndex> vocabulary_index;
    mutable std::string vocabulary_error;

    /// The vocabulary index (built on first use, then shared).
    ApiResult<std::shared_ptr<const grammar::VocabularyIndex>> vocabulary() const;
    /// The formats `template_source` implies, with the server's overrides applied.
    ApiResult<OutputFormats> formats_for(const std::string& template_source) const;
    /// Request -> prompt, params (constraint included), parser options and metadata.
    ApiResult<PreparedChat> prepare_chat(const ChatCompletionRequest& request) const;
    /// Request -> prompts, params and metadata.
    ApiResult<PreparedCompletion> prepare_completion(const CompletionRequest& request) const;
    /// The metadata shared by both request kinds.
    ResponseMeta make_meta(const std::string& prefix, const std::string& request_model,
                           const std::optional<StreamOptions>& stream_options) const;
};

/// Starts the stream of a prepared chat request (the engine submit happens here).
ApiResult<std::unique_ptr<ChatCompletionStream>> start_chat_stream(std::shared_ptr<InferenceEngine> engine,
                                                                   PreparedChat prepared);
/// Starts the stream of a prepared completion request.
ApiResult<std::unique_ptr<CompletionStream>> start_completion_stream(std::shared_ptr<InferenceEngine> engine,
                                                                     PreparedCompletion prepared);
/// Maps an engine submit error to the OpenAI error a client gets.
OpenAIError submit_error(const Error& error);

}  // namespace vela::openai
