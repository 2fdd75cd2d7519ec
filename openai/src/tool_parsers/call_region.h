// CallRegion: the per-format parser of one tool-call region, from just after its start marker (or, for
// markerless JSON, from its first brace) to its end.
//
// OutputParser feeds a region byte by byte and reports the call pieces it finds through a CallBuilder.
// A region answers Continue (consumed, may still be released as text), Consumed (consumed, and it and
// everything before it belong to the region for good, e.g. the ']' closing an array of calls), End (it
// is over and every byte was markup or calls) or Abort (it is over; the bytes not yet accounted for by
// a committed call are text and get re-read as content). Each format
// file defines one region class and a factory; tool_format_registry.cpp lists the factories.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "tool_parsers/call_builder.h"
#include "tool_parsers/marker_match.h"

namespace vela::openai {

/// What one byte did to a region.
enum class RegionStep : uint8_t {
    Continue,  // consumed; the region goes on
    Consumed,  // consumed; the region goes on, and its text so far is markup that is never released
    End,       // consumed; the region is complete
    Abort,     // the region is over and its unaccounted text is content (this byte included)
};

/// Parses one tool-call region of one format.
class CallRegion {
  public:
    virtual ~CallRegion() = default;
    /// Feeds one byte.
    virtual RegionStep step(char c, CallBuilder& calls) = 0;
};

/// Makes the region for a format; `bare` is true when it starts at a markerless '{' or '['.
using RegionFactory = std::unique_ptr<CallRegion> (*)(bool bare);

/// True for bytes allowed in a function name outside JSON ([A-Za-z0-9_.-]).
bool is_name_char(char c);

/// The end of a region after its last call: optional whitespace, then one of the end markers. Any other
/// byte aborts, which releases the held whitespace and partial marker as content.
class RegionTail {
  public:
    /// Accepts `end_markers` (may be empty: then only whitespace is held), which must outlive this.
    explicit RegionTail(std::span<const std::string_view> end_markers) : match_(end_markers) {}
    /// Feeds one byte.
    RegionStep step(char c);

  private:
    MarkerMatch match_;
};

}  // namespace vela::openai
