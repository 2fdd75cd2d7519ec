// OutputParser: the one state machine that splits a model's generated text into reasoning, content and
// tool calls, incrementally.
//
// feed() takes text as it is generated and returns events; finish() ends the output. Non-streaming use
// is feed(all) then finish(), so both paths go through the same bytes and the same states, and the
// merged events are identical however the text is split. The machine reads one byte at a time:
//   - Reasoning: until the end marker; text is ReasoningDelta.
//   - Content: text is ContentDelta, except that bytes that may start a marker (the reasoning start
//     marker or a call's start marker) are held back. Inside ``` fences no marker counts. For formats
//     with markerless JSON calls, a '{' (or '[') that opens the content starts a call region too.
//   - Region: the format's CallRegion reads the call(s). The raw text of the region is held until a
//     call commits; if the region aborts first (bad JSON, missing parts, not a call after all), the held
//     text is re-read as content starting one byte past the marker, so nothing is dropped, duplicated or
//     mistaken for another marker.
// A call commits (ToolCallBegin and the arguments so far go out) as soon as its name is known and its
// arguments have begun when stream_arguments is on, so arguments stream as they are generated; a call
// that is then cut off or malformed ends with arguments_valid = false, as OpenAI's own truncated calls
// do. With stream_arguments off a call commits only once complete, and anything incomplete or
// malformed is released as content. At finish(), held marker prefixes are released as text of the
// current kind, and a complete call whose closing marker never came counts as a call. When the output
// was cut off (finish(true): max_tokens), unfinished markup is not malformed text: a call region that
// opened at a real marker ends as a call if its name and arguments were complete and is dropped
// otherwise, and a held marker prefix of two or more bytes is dropped, so call markup never reaches
// content.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "reasoning/reasoning_format.h"
#include "tool_parsers/call_builder.h"
#include "tool_parsers/call_id_generator.h"
#include "tool_parsers/call_region.h"
#include "tool_parsers/event_buffer.h"
#include "tool_parsers/parse_event.h"
#include "tool_parsers/tool_format_registry.h"

namespace vela::openai {

/// How to parse one response.
struct OutputParserOptions {
    const ToolFormatInfo* tool_format = nullptr;  // nullptr or "none": no tool calls are parsed
    const ReasoningFormat* reasoning = nullptr;   // nullptr: no reasoning split
    bool starts_in_reasoning = false;             // the prompt opened the reasoning block
    bool stream_arguments = true;                 // commit calls early so arguments stream (see above)
    std::vector<std::string> known_tools;         // names a markerless JSON call may use; empty = any
    RandomSource random;                          // call-id randomness; empty = seeded from random_device
};

/// Parses one response's text into events.
class OutputParser final : private CallBuilder {
  public:
    /// A parser for one response; the formats in `options` must outlive it.
    explicit OutputParser(OutputParserOptions options);
    /// Parses the next piece of text.
    std::vector<ParseEvent> feed(std::string_view text);
    /// Ends the output: releases held text, ends an open call. Later calls return nothing.
    std::vector<ParseEvent> finish(bool truncated = false);

  private:
    enum class Mode : uint8_t { Content, Reasoning, Region };

    // The call a region is reading.
    struct PendingCall {
        bool committed = false;
        bool has_name = false;
        bool args_begun = false;
        bool args_done = false;
        bool args_valid = true;
        int32_t index = -1;
        std::string name;
        std::string id;
        std::string args;  // arguments received before the commit
    };

    void drain();
    void step(char c);
    void step_content(char c);
    void step_reasoning(char c);
    void step_region(char c);
    void emit_content(char c);
    void emit_reasoning(char c);
    void start_region(std::string_view marker, bool bare);
    void release_region();
    void end_open_call();
    void commit();

    // CallBuilder
    void set_name(std::string name) override;
    void set_id(std::string id) override;
    void begin_args() override;
    void append_args(std::string_view bytes) override;
    void finish_args(bool valid) override;
    bool close_call() override;
    bool committed() const override { return call_.committed; }
    bool accepts_bare_name(std::string_view name) const override;

    OutputParserOptions options_;
    std::vector<std::string_view> content_markers_;  // markers the content scanner looks for
    std::array<bool, 256> may_start_marker_{};       // first bytes of content_markers_
    EventBuffer events_;
    CallIdGenerator ids_;
    Mode mode_ = Mode::Content;
    std::string input_;          // the text of the current feed()
    size_t pos_ = 0;             // next byte of input_
    std::string replay_;         // released text to re-read first, in reverse order (next byte at the back)
    std::string held_;           // content or reasoning bytes that may start a marker
    bool content_start_ = true;  // no content but whitespace so far
    bool reasoning_start_ = false;  // no reasoning but whitespace since the block opened
    int n_backticks_ = 0;           // length of the current run of backticks
    bool in_fence_ = false;         // inside a ``` code fence
    std::unique_ptr<CallRegion> region_;
    std::string raw_;                // region text not yet accounted for by a committed call
    bool region_committed_ = false;  // the current region has committed a call
    PendingCall call_;
    int32_t n_calls_ = 0;
    bool finished_ = false;
    bool region_bare_ = false;  // the current region opened at markerless JSON, not at a marker
};

}  // namespace vela::openai
