// MarkerMatch: incremental matching of literal markers ("</tool_call>", "[ARGS]", "<|eom_id|>").
//
// Region parsers use it where the next bytes must spell one of a few markers: it reports Partial while
// the bytes so far are a prefix of some marker, Matched when one is complete, Mismatch otherwise.
// is_marker_prefix() is the same test for the content scanner, which holds text back while it may
// still become a marker.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace vela::openai {

/// True when `text` is a proper prefix of at least one of `markers`.
bool is_marker_prefix(std::string_view text, std::span<const std::string_view> markers);

/// Matches the input against a fixed set of markers.
class MarkerMatch {
  public:
    /// What one byte did.
    enum class Step : uint8_t { Partial, Matched, Mismatch };

    /// Matches against `markers`, which must outlive this object.
    explicit MarkerMatch(std::span<const std::string_view> markers) : markers_(markers) {}
    /// Feeds one byte.
    Step step(char c);
    /// Index in the marker set of the marker that matched.
    size_t matched() const { return matched_; }
    /// True once some bytes have been fed since the last reset.
    bool started() const { return !text_.empty(); }
    /// Starts over.
    void reset() { text_.clear(); }

  private:
    std::span<const std::string_view> markers_;
    std::string text_;
    size_t matched_ = 0;
};

}  // namespace vela::openai
