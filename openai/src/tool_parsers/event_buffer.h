// EventBuffer: where OutputParser collects the events of one feed() before handing them out.
//
// Adjacent deltas are merged so a feed returns at most one delta per run of text. Between feeds the
// buffer keeps back a trailing incomplete UTF-8 sequence of the last delta, so every delta handed out
// is valid UTF-8 whenever the whole output is, even when a caller splits text inside a character.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tool_parsers/parse_event.h"

namespace vela::openai {

/// Length (0-3) of an incomplete UTF-8 sequence at the end of `text`.
size_t incomplete_utf8_tail(std::string_view text);

/// Collects and merges parse events.
class EventBuffer {
  public:
    /// Adds content text.
    void content(std::string_view text);
    /// Adds reasoning text.
    void reasoning(std::string_view text);
    /// Adds the start of call `index`.
    void begin(int32_t index, std::string id, std::string name);
    /// Adds argument bytes of call `index`.
    void args(int32_t index, std::string_view fragment);
    /// Adds the end of call `index`.
    void end(int32_t index, bool arguments_valid);
    /// Hands out the events so far; unless `final`, an incomplete UTF-8 tail of the last delta stays.
    std::vector<ParseEvent> take(bool final);

  private:
    std::vector<ParseEvent> events_;
};

}  // namespace vela::openai
