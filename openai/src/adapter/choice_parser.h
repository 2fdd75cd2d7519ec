// ChoiceParser: the one path from a choice's generated text to the events of its message, shared by
// streamed and non-streamed responses (a stream turns the events into chunks; a response folds them
// with apply_event), so the two cannot differ.
//
// Per engine event it: removes special tokens' text when the request wants them skipped but the
// markers forced the engine to keep them (SpecialTextFilter); runs the OutputParser (reasoning,
// content, tool calls); tidies whitespace (content and reasoning lose leading whitespace, and
// whitespace that only separates them from a tool call, from the end of the reasoning block or from the
// end of the output when the choice called tools; whitespace inside text passes through once more text
// follows); with parallel_tool_calls false, drops every call after the first (the model was asked for
// one; the first call is what the client can act on); and counts reasoning tokens: an event's tokens
// count when the event produced reasoning text, or produced nothing next to reasoning or while a
// reasoning marker was being read (the marker tokens themselves, also around an empty block).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adapter/special_text_filter.h"
#include "tool_parsers/output_parser.h"

namespace vela::openai {

/// How to parse one choice.
struct ChoiceParserOptions {
    const ToolFormatInfo* tool_format = nullptr;     // nullptr: tool calls are not parsed
    const ReasoningFormat* reasoning = nullptr;      // nullptr: no reasoning split
    bool starts_in_reasoning = false;                // the prompt opened the reasoning block
    bool parallel_tool_calls = true;                 // false: keep only the first call
    std::vector<std::string> known_tools;            // names a markerless JSON call may use
    std::shared_ptr<const SpecialTextSet> specials;  // special texts to remove; nullptr: none
    RandomSource random;                             // call-id randomness; empty = random_device
};

/// Turns one choice's text into message events.
class ChoiceParser {
  public:
    /// A parser for one choice; the formats in `options` must outlive it.
    explicit ChoiceParser(ChoiceParserOptions options);
    /// The events for the next piece of text, produced by `n_tokens` generated tokens.
    std::vector<ParseEvent> feed(std::string_view text, int32_t n_tokens);
    /// The events that end the choice; `truncated` when it stopped at max_tokens (see OutputParser).
    std::vector<ParseEvent> finish(bool truncated = false);
    /// Tokens counted as reasoning so far.
    int32_t reasoning_tokens() const { return n_reasoning_tokens_; }
    /// True once a tool call has begun.
    bool has_tool_calls() const { return n_calls_ > 0; }

  private:
    enum class Kind : uint8_t { None, Reasoning, Content, Call };

    void tidy(std::vector<ParseEvent>& raw, std::vector<ParseEvent>& out, bool at_end);
    void count_tokens(Kind produced, int32_t n_tokens);
    bool pending_has_marker() const;

    ChoiceParserOptions options_;
    SpecialTextFilter filter_;
    OutputParser parser_;
    std::string held_content_ws_;    // whitespace after content, not yet known to be inside text
    std::string held_reasoning_ws_;  // whitespace after reasoning, not yet known to be inside text
    bool content_started_ = false;
    bool reasoning_started_ = false;
    int32_t n_calls_ = 0;           // calls begun (before dropping any)
    bool dropping_call_ = false;    // inside a call that parallel_tool_calls=false drops
    Kind last_kind_ = Kind::None;   // what the last non-empty event produced
    int32_t n_pending_tokens_ = 0;  // tokens of events that produced nothing yet
    std::string pending_text_;      // their text (to see whether it held a reasoning marker)
    bool pending_after_reasoning_ = false;
    int32_t n_reasoning_tokens_ = 0;
};

}  // namespace vela::openai
