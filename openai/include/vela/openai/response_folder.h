// Folding a stream back into a response, as an OpenAI client does: content and reasoning deltas are
// concatenated per choice, tool-call deltas are merged by index (id and name from a call's first
// delta, argument fragments appended), logprobs are appended, the finish chunk gives finish_reason and
// the usage chunk gives usage. The adapter builds its non-streamed responses this way from the very
// chunks a stream would carry; clients and tests can use it on chunks they received.
#pragma once

#include <map>

#include "vela/openai/types.h"

namespace vela::openai {

/// Accumulates chat completion chunks into a response.
class ChatResponseFolder {
  public:
    /// Adds the next chunk of the stream.
    void add(const ChatCompletionChunk& chunk);
    /// The response so far: content null when a choice only called tools, "" when it said nothing.
    ChatCompletionResponse response() const;

  private:
    struct Choice {
        std::string content;
        bool has_content = false;
        std::string reasoning;
        std::vector<ToolCall> calls;
        std::map<int32_t, size_t> call_at;  // delta index -> position in calls
        std::optional<ChoiceLogprobs> logprobs;
        ChoiceFinishReason finish = ChoiceFinishReason::Stop;
    };
    ChatCompletionResponse head_;  // id, created, model, fingerprint, echoed ids, usage
    std::map<int32_t, Choice> choices_;
};

/// Accumulates completion chunks into a response.
class CompletionResponseFolder {
  public:
    /// Adds the next chunk of the stream.
    void add(const CompletionChunk& chunk);
    /// The response so far.
    CompletionResponse response() const;

  private:
    CompletionResponse head_;
    std::map<int32_t, CompletionChoice> choices_;
};

}  // namespace vela::openai
