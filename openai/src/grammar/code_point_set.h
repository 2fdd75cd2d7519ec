// CodePointSet: a set of Unicode scalar values as sorted ranges, and its UTF-8 byte-level form.
//
// Regex classes and string formats are defined over code points, while grammars read bytes. A range
// of code points is split into runs whose UTF-8 encodings differ only in trailing bytes, so each run is
// a short sequence of byte ranges ([E1-EC][80-BF][80-BF] and the like). Surrogates (D800-DFFF) are not
// scalar values and are never members.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vela::grammar {

/// An inclusive range of code points.
struct CodePointRange {
    uint32_t lo = 0;  // first code point
    uint32_t hi = 0;  // last code point (inclusive)
};

/// One UTF-8 encoding run: a byte range per position.
struct Utf8Run {
    uint8_t n_bytes = 0;  // 1 to 4
    uint8_t lo[4] = {};   // lowest byte per position
    uint8_t hi[4] = {};   // highest byte per position
};

/// A set of Unicode scalar values.
class CodePointSet {
  public:
    /// The largest code point.
    static constexpr uint32_t kMax = 0x10FFFF;

    /// The empty set.
    CodePointSet() = default;
    /// The set of `ranges` (any order, may overlap; surrogates are removed).
    explicit CodePointSet(std::vector<CodePointRange> ranges);
    /// Every scalar value.
    static CodePointSet all();
    /// One code point.
    static CodePointSet of(uint32_t cp) { return CodePointSet({{cp, cp}}); }

    /// Adds every member of `other`.
    void add(const CodePointSet& other);
    /// Adds [lo, hi].
    void add(uint32_t lo, uint32_t hi);
    /// The scalar values not in this set.
    CodePointSet complement() const;
    /// The members of this set that are in `other`.
    CodePointSet intersect(const CodePointSet& other) const;
    /// The members of this set that are not in `other`.
    CodePointSet subtract(const CodePointSet& other) const { return intersect(other.complement()); }
    /// True when `cp` is a member.
    bool contains(uint32_t cp) const;
    /// True when there are no members.
    bool empty() const { return ranges_.empty(); }
    /// The sorted, disjoint, non-adjacent ranges.
    const std::vector<CodePointRange>& ranges() const { return ranges_; }
    /// The UTF-8 encoding runs that together encode exactly this set.
    std::vector<Utf8Run> utf8_runs() const;

  private:
    void normalize();
    std::vector<CodePointRange> ranges_;
};

/// Appends the UTF-8 encoding of `cp` to `out`.
void append_utf8(uint32_t cp, std::string& out);
/// The code points of valid UTF-8 `text`, or nullopt when it is not valid UTF-8.
std::optional<std::vector<uint32_t>> decode_utf8(std::string_view text);

}  // namespace vela::grammar
