// The events a model's generated text is parsed into: the one vocabulary shared by the streaming and
// the non-streaming paths.
//
// OutputParser turns text into a sequence of these events. The OpenAI adapter turns each event into a
// chunk delta when streaming, or folds all of them into one message with apply_event() when not, so the
// two paths read the same events and cannot diverge. A call's events always come as ToolCallBegin, then
// ToolArgsDelta*, then ToolCallEnd; calls never interleave, and indexes count up from 0 per response.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace vela::openai {

/// Visible answer text (message.content).
struct ContentDelta {
    std::string text;
    bool operator==(const ContentDelta&) const = default;
};

/// Reasoning ("thinking") text (message.reasoning_content).
struct ReasoningDelta {
    std::string text;
    bool operator==(const ReasoningDelta&) const = default;
};

/// A tool call starts: its index among the response's calls, its id and its function name.
struct ToolCallBegin {
    int32_t index = 0;
    std::string id;    // 9 characters [A-Za-z0-9], or the id the model emitted itself
    std::string name;  // function name
    bool operator==(const ToolCallBegin&) const = default;
};

/// The next bytes of a call's arguments, which are JSON text exactly as the model generated it.
struct ToolArgsDelta {
    int32_t index = 0;
    std::string fragment;
    bool operator==(const ToolArgsDelta&) const = default;
};

/// A tool call ends.
struct ToolCallEnd {
    int32_t index = 0;
    bool arguments_valid = true;  // false: the arguments are cut off or not valid JSON
    bool operator==(const ToolCallEnd&) const = default;
};

/// One parse event.
using ParseEvent = std::variant<ContentDelta, ReasoningDelta, ToolCallBegin, ToolArgsDelta, ToolCallEnd>;

/// Appends `event` to `events`, concatenating it onto the last event when both are deltas of the same
/// kind (and, for arguments, the same call). Empty deltas are dropped.
void append_merged(std::vector<ParseEvent>& events, ParseEvent event);

/// The events with adjacent deltas of the same kind and call concatenated.
std::vector<ParseEvent> merge_events(std::span<const ParseEvent> events);

/// A readable one-line form of an event, for test failure messages and logs.
std::string describe(const ParseEvent& event);

/// One tool call of a complete response.
struct ParsedToolCall {
    std::string id;
    std::string name;
    std::string arguments;        // JSON text as generated
    bool arguments_valid = true;  // false: cut off or malformed
    bool operator==(const ParsedToolCall&) const = default;
};

/// A complete response folded from its events: what a non-streaming message carries.
struct ParsedOutput {
    std::string content;
    std::string reasoning;
    std::vector<ParsedToolCall> tool_calls;
    bool operator==(const ParsedOutput&) const = default;
};

/// Folds one event into `output`.
void apply_event(ParsedOutput& output, const ParseEvent& event);

}  // namespace vela::openai
