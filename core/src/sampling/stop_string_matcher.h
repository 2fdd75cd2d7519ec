// StopStringMatcher: finds stop strings in a stream of text deltas, across token boundaries.
//
// Text is released only when it can no longer be the beginning of a stop string: a suffix of the text
// so far that is a proper prefix of some stop string is held back until the next delta decides it. When
// a stop string completes, the text before it is released and the stop string itself (and anything
// after it) is dropped. The earliest match wins; at the same position, the first stop string listed.
// Released text therefore never contains a stop string, in streaming and non-streaming alike.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vela {

/// What one delta released.
struct StopScan {
    std::string text;                  // text safe to emit now
    std::optional<std::string> match;  // the stop string that completed (generation must stop)
};

/// Stop-string matching with hold-back over a text stream.
class StopStringMatcher {
  public:
    /// Matches `stops` (each non-empty).
    explicit StopStringMatcher(std::vector<std::string> stops);

    /// Appends `delta` and returns what can be released.
    StopScan push(std::string_view delta);
    /// Releases the held-back text (generation ended for another reason).
    std::string flush();

  private:
    size_t held_suffix() const;

    std::vector<std::string> stops_;
    std::string pending_;  // text not yet released; it may start a stop string
};

}  // namespace vela
