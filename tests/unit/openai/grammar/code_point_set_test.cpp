// CodePointSet: set algebra against a bitmap of all code points, and UTF-8 runs against direct encoding.
#include "grammar/code_point_set.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace vela::grammar {
namespace {

std::vector<bool> bitmap(const CodePointSet& s) {
    std::vector<bool> out(CodePointSet::kMax + 1, false);
    for (const CodePointRange& r : s.ranges()) {
        for (uint32_t cp = r.lo; cp <= r.hi; ++cp)
            out[cp] = true;
    }
    return out;
}

bool in_runs(const std::vector<Utf8Run>& runs, const std::string& bytes) {
    for (const Utf8Run& run : runs) {
        if (run.n_bytes != bytes.size()) continue;
        bool all = true;
        for (size_t i = 0; i < bytes.size(); ++i) {
            const auto b = static_cast<uint8_t>(bytes[i]);
            all = all && b >= run.lo[i] && b <= run.hi[i];
        }
        if (all) return true;
    }
    return false;
}

TEST(CodePointSet, AlgebraAndUtf8RunsAreExact) {
    std::mt19937 rng(1);
    std::uniform_int_distribution<uint32_t> cp(0, CodePointSet::kMax);
    std::uniform_int_distribution<uint32_t> width(0, 3000);
    for (int round = 0; round < 6; ++round) {
        std::vector<CodePointRange> ranges;
        for (int i = 0; i < 20; ++i) {
            uint32_t lo = cp(rng) % (round % 2 ? 0x800u : CodePointSet::kMax);
            ranges.push_back({lo, lo + width(rng)});
        }
        ranges.push_back({0xD000, 0xE100});  // straddles the surrogates
        CodePointSet a(ranges);
        CodePointSet b({{0x41, 0x5A}, {0xD7FF, 0xD7FF}, {0x10000, 0x1FFFF}});
        const auto bits_a = bitmap(a);
        const auto bits_b = bitmap(b);
        const auto bits_i = bitmap(a.intersect(b));
        const auto bits_c = bitmap(a.complement());
        const auto runs = a.utf8_runs();
        for (uint32_t c = 0; c <= CodePointSet::kMax; c += (c < 0x20000 ? 1 : 97)) {
            const bool surrogate = c >= 0xD800 && c <= 0xDFFF;
            if (surrogate) {
                ASSERT_FALSE(bits_a[c] || bits_c[c]) << c;
                continue;
            }
            ASSERT_EQ(bits_i[c], bits_a[c] && bits_b[c]) << c;
            ASSERT_EQ(bits_c[c], !bits_a[c]) << c;
            ASSERT_EQ(a.contains(c), bits_a[c]) << c;
            std::string bytes;
            append_utf8(c, bytes);
            ASSERT_EQ(in_runs(runs, bytes), bits_a[c]) << c;
        }
    }
}

TEST(CodePointSet, DecodesOnlyValidUtf8) {
    EXPECT_EQ(decode_utf8("a\xC3\xA9\xF0\x9F\x98\x80")->size(), 3u);
    EXPECT_FALSE(decode_utf8("\xC3").has_value());
    EXPECT_FALSE(decode_utf8("\xC0\x80").has_value());          // overlong
    EXPECT_FALSE(decode_utf8("\xED\xA0\x80").has_value());      // surrogate
    EXPECT_FALSE(decode_utf8("\xF4\x90\x80\x80").has_value());  // above U+10FFFF
}

}  // namespace
}  // namespace vela::grammar
