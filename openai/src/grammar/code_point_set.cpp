#include "grammar/code_point_set.h"

#include <algorithm>
#include <string>

namespace vela::grammar {
namespace {

constexpr uint32_t kSurrogateLo = 0xD800;
constexpr uint32_t kSurrogateHi = 0xDFFF;

// Encodes `cp` into `bytes`; returns the length.
int encode(uint32_t cp, uint8_t bytes[4]) {
    if (cp < 0x80) {
        bytes[0] = static_cast<uint8_t>(cp);
        return 1;
    }
    if (cp < 0x800) {
        bytes[0] = static_cast<uint8_t>(0xC0 | (cp >> 6));
        bytes[1] = static_cast<uint8_t>(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        bytes[0] = static_cast<uint8_t>(0xE0 | (cp >> 12));
        bytes[1] = static_cast<uint8_t>(0x80 | ((cp >> 6) & 0x3F));
        bytes[2] = static_cast<uint8_t>(0x80 | (cp & 0x3F));
        return 3;
    }
    bytes[0] = static_cast<uint8_t>(0xF0 | (cp >> 18));
    bytes[1] = static_cast<uint8_t>(0x80 | ((cp >> 12) & 0x3F));
    bytes[2] = static_cast<uint8_t>(0x80 | ((cp >> 6) & 0x3F));
    bytes[3] = static_cast<uint8_t>(0x80 | (cp & 0x3F));
    return 4;
}

// Splits [lo, hi] until each piece encodes as one run of byte ranges: both ends have the same length,
// and for every trailing 6-bit group either the prefixes agree or the piece spans the whole group.
void split(uint32_t lo, uint32_t hi, std::vector<Utf8Run>& out) {
    if (lo > hi) return;
    for (uint32_t boundary : {0x7Fu, 0x7FFu, 0xFFFFu}) {
        if (lo <= boundary && hi > boundary) {
            split(lo, boundary, out);
            split(boundary + 1, hi, out);
            return;
        }
    }
    for (int i = 1; i < 4; ++i) {
        const uint32_t mask = (1u << (6 * i)) - 1;
        if ((lo & ~mask) != (hi & ~mask)) {
            if ((lo & mask) != 0) {
                split(lo, lo | mask, out);
                split((lo | mask) + 1, hi, out);
                return;
            }
            if ((hi & mask) != mask) {
                split(lo, (hi & ~mask) - 1, out);
                split(hi & ~mask, hi, out);
                return;
            }
        }
    }
    Utf8Run run;
    uint8_t a[4];
    uint8_t b[4];
    run.n_bytes = static_cast<uint8_t>(encode(lo, a));
    encode(hi, b);
    for (int i = 0; i < run.n_bytes; ++i) {
        run.lo[i] = a[i];
        run.hi[i] = b[i];
    }
    out.push_back(run);
}

}  // namespace

CodePointSet::CodePointSet(std::vector<CodePointRange> ranges) : ranges_(std::move(ranges)) {
    normalize();
}

CodePointSet CodePointSet::all() {
    return CodePointSet({{0, kMax}});
}

void CodePointSet::normalize() {
    std::vector<CodePointRange> in;
    for (CodePointRange r : ranges_) {
        r.hi = std::min(r.hi, kMax);
        if (r.lo > r.hi) continue;
        // Remove the surrogate block.
        if (r.lo < kSurrogateLo && r.hi >= kSurrogateLo) {
            in.push_back({r.lo, kSurrogateLo - 1});
            if (r.hi > kSurrogateHi) in.push_back({kSurrogateHi + 1, r.hi});
        } else if (r.lo >= kSurrogateLo && r.lo <= kSurrogateHi) {
            if (r.hi > kSurrogateHi) in.push_back({kSurrogateHi + 1, r.hi});
        } else {
            in.push_back(r);
        }
    }
    std::sort(in.begin(), in.end(),
              [](const CodePointRange& a, const CodePointRange& b) { return a.lo < b.lo; });
    ranges_.clear();
    for (const CodePointRange& r : in) {
        if (!ranges_.empty() && r.lo <= ranges_.back().hi + 1) {
            ranges_.back().hi = std::max(ranges_.back().hi, r.hi);
        } else {
            ranges_.push_back(r);
        }
    }
}

void CodePointSet::add(const CodePointSet& other) {
    ranges_.insert(ranges_.end(), other.ranges_.begin(), other.ranges_.end());
    normalize();
}

void CodePointSet::add(uint32_t lo, uint32_t hi) {
    ranges_.push_back({lo, hi});
    normalize();
}

CodePointSet CodePointSet::complement() const {
    std::vector<CodePointRange> out;
    uint32_t next = 0;
    for (const CodePointRange& r : ranges_) {
        if (r.lo > next) out.push_back({next, r.lo - 1});
        next = r.hi + 1;
    }
    if (next <= kMax) out.push_back({next, kMax});
    return CodePointSet(std::move(out));
}

CodePointSet CodePointSet::intersect(const CodePointSet& other) const {
    std::vector<CodePointRange> out;
    size_t i = 0;
    size_t j = 0;
    while (i < ranges_.size() && j < other.ranges_.size()) {
        const CodePointRange& a = ranges_[i];
        const CodePointRange& b = other.ranges_[j];
        uint32_t lo = std::max(a.lo, b.lo);
        uint32_t hi = std::min(a.hi, b.hi);
        if (lo <= hi) out.push_back({lo, hi});
        if (a.hi < b.hi) {
            ++i;
        } else {
            ++j;
        }
    }
    return CodePointSet(std::move(out));
}

bool CodePointSet::contains(uint32_t cp) const {
    for (const CodePointRange& r : ranges_) {
        if (cp < r.lo) return false;
        if (cp <= r.hi) return true;
    }
    return false;
}

std::vector<Utf8Run> CodePointSet::utf8_runs() const {
    std::vector<Utf8Run> out;
    for (const CodePointRange& r : ranges_)
        split(r.lo, r.hi, out);
    return out;
}

void append_utf8(uint32_t cp, std::string& out) {
    uint8_t bytes[4];
    int n = encode(cp, bytes);
    for (int i = 0; i < n; ++i)
        out.push_back(static_cast<char>(bytes[i]));
}

std::optional<std::vector<uint32_t>> decode_utf8(std::string_view text) {
    std::vector<uint32_t> out;
    size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<uint8_t>(text[i]);
        int n = 0;
        uint32_t cp = 0;
        uint32_t min = 0;
        if (c < 0x80) {
            n = 1;
            cp = c;
        } else if ((c & 0xE0) == 0xC0) {
            n = 2;
            cp = c & 0x1Fu;
            min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            n = 3;
            cp = c & 0x0Fu;
            min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            n = 4;
            cp = c & 0x07u;
            min = 0x10000;
        } else {
            return std::nullopt;
        }
        if (i + n > text.size()) return std::nullopt;
        for (int k = 1; k < n; ++k) {
            const auto t = static_cast<uint8_t>(text[i + k]);
            if ((t & 0xC0) != 0x80) return std::nullopt;
            cp = (cp << 6) | (t & 0x3Fu);
        }
        if (cp < min || cp > CodePointSet::kMax || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
        out.push_back(cp);
        i += n;
    }
    return out;
}

}  // namespace vela::grammar
