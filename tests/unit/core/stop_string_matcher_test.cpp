#include "sampling/stop_string_matcher.h"

#include <gtest/gtest.h>

#include <optional>
#include <random>
#include <string>
#include <vector>

namespace vela {
namespace {

TEST(StopStringMatcher, MatchesAcrossDeltasAndTrimsTheStopString) {
    StopStringMatcher m({"###"});
    std::string out;
    for (const char* delta : {"Hel", "lo #", "#", "# tail"}) {
        const StopScan scan = m.push(delta);
        out += scan.text;
        if (scan.match) {
            EXPECT_EQ(*scan.match, "###");
            EXPECT_EQ(out, "Hello ");
            return;
        }
    }
    FAIL() << "no match";
}

TEST(StopStringMatcher, HoldsBackOnlyWhileAMatchIsPossible) {
    StopStringMatcher m({"END"});
    EXPECT_EQ(m.push("abcE").text, "abc");
    EXPECT_EQ(m.push("N").text, "");
    EXPECT_EQ(m.push("x").text, "ENx");
    EXPECT_EQ(m.push("E").text, "");
    EXPECT_EQ(m.flush(), "E");
}

TEST(StopStringMatcher, EarliestMatchWinsThenListOrder) {
    StopStringMatcher m({"world", "o", "lo w"});
    const StopScan scan = m.push("hello world");
    ASSERT_TRUE(scan.match);
    EXPECT_EQ(*scan.match, "lo w");
    EXPECT_EQ(scan.text, "hel");
    StopStringMatcher same_start({"ab", "abc"});
    EXPECT_EQ(*same_start.push("xabc").match, "ab");
}

TEST(StopStringMatcher, MultiByteCharactersAreNeverSplit) {
    StopStringMatcher m({"\xC3\xA9t\xC3\xA9"});  // "été"
    EXPECT_EQ(m.push("caf\xC3\xA9").text, "caf");
    EXPECT_EQ(m.push("!").text, "\xC3\xA9!");
}

// Against a naive reference: the released text is the text before the earliest stop string, and at
// every moment the released text is a prefix of it.
TEST(StopStringMatcher, AgreesWithANaiveSearchOnRandomStreams) {
    std::mt19937 rng(1234);
    const std::string alphabet = "abc";
    for (int trial = 0; trial < 3000; ++trial) {
        std::vector<std::string> stops;
        const int n_stops = 1 + static_cast<int>(rng() % 3);
        for (int s = 0; s < n_stops; ++s) {
            std::string stop;
            const int len = 1 + static_cast<int>(rng() % 4);
            for (int i = 0; i < len; ++i)
                stop += alphabet[rng() % alphabet.size()];
            stops.push_back(stop);
        }
        std::string text;
        const int len = static_cast<int>(rng() % 24);
        for (int i = 0; i < len; ++i)
            text += alphabet[rng() % alphabet.size()];

        // The match that ends first in the stream decides; with a naive per-prefix search that is
        // the earliest-ending occurrence, so recompute the reference that way.
        size_t best_end = std::string::npos;
        size_t best_start = 0;
        std::string best_stop;
        for (size_t end = 1; end <= text.size() && best_end == std::string::npos; ++end) {
            for (const std::string& stop : stops) {
                const size_t at = text.substr(0, end).find(stop);
                if (at != std::string::npos && (best_end == std::string::npos || at < best_start)) {
                    best_end = end;
                    best_start = at;
                    best_stop = stop;
                }
            }
        }

        StopStringMatcher m(stops);
        std::string released;
        std::optional<std::string> match;
        size_t pos = 0;
        while (pos < text.size() && !match) {
            const size_t n = std::min(text.size() - pos, static_cast<size_t>(1 + rng() % 3));
            const StopScan scan = m.push(std::string_view(text).substr(pos, n));
            pos += n;
            released += scan.text;
            match = scan.match;
        }
        if (!match) released += m.flush();
        if (best_end == std::string::npos) {
            EXPECT_FALSE(match.has_value());
            EXPECT_EQ(released, text);
        } else {
            ASSERT_TRUE(match.has_value()) << text;
            // Deltas may reveal several matches at once; the earliest start among them wins, which is
            // at or before the first one to complete.
            EXPECT_LE(released.size(), best_start) << text;
            EXPECT_EQ(released, text.substr(0, released.size()));
            EXPECT_EQ(text.compare(released.size(), match->size(), *match), 0) << text;
        }
    }
}

}  // namespace
}  // namespace vela
