// UTF-8 repair and boundary detection against known answers: the Unicode Standard's example of
// U+FFFD substitution of maximal subparts (chapter 3, "U+FFFD Substitution of Maximal Subparts") and
// hand-made cases for each kind of ill-formed sequence.
#include "tokenizer/utf8.h"

#include <gtest/gtest.h>

namespace vela::tokenizer {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";

TEST(Utf8, RepairFollowsTheUnicodeMaximalSubpartExample) {
    // 61 F1 80 80 E1 80 C2 62 80 63 80 BF 64 -> a FFFD FFFD FFFD b FFFD c FFFD FFFD d
    const std::string input = "\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64";
    EXPECT_EQ(repair_utf8(input), "a" + kFffd + kFffd + kFffd + "b" + kFffd + "c" + kFffd + kFffd + "d");
}

TEST(Utf8, RepairReplacesEachKindOfIllFormedSequence) {
    EXPECT_EQ(repair_utf8("\xC0\x80"), kFffd + kFffd);                          // overlong lead byte
    EXPECT_EQ(repair_utf8("\xED\xA0\x80"), kFffd + kFffd + kFffd);              // surrogate
    EXPECT_EQ(repair_utf8("\xF4\x90\x80\x80"), kFffd + kFffd + kFffd + kFffd);  // above U+10FFFF
    EXPECT_EQ(repair_utf8("\xE2\x82"), kFffd);                                  // truncated at the end
    EXPECT_EQ(repair_utf8("\xF0\x9F\x98"
                          "A"),
              kFffd + "A");  // truncated in the middle
    EXPECT_EQ(repair_utf8("\xFF"), kFffd);
    EXPECT_EQ(repair_utf8("ok \xE2\x82\xAC \xF0\x9F\xA6\x99"), "ok \xE2\x82\xAC \xF0\x9F\xA6\x99");
}

TEST(Utf8, ValidityMatchesRepair) {
    for (const std::string s :
         {"", "abc", "\xE2\x82\xAC", "\xF0\x9F\xA6\x99", "\xC3", "\x80", "a\xED\xA0\x80"}) {
        EXPECT_EQ(is_valid_utf8(s), repair_utf8(s) == s) << s;
    }
}

TEST(Utf8, CompletePrefixStopsBeforeAnUnfinishedCharacter) {
    const std::string llama = "\xF0\x9F\xA6\x99";  // U+1F999, 4 bytes
    for (size_t n = 1; n < 4; ++n)
        EXPECT_EQ(utf8_complete_prefix("ab" + llama.substr(0, n)), 2u) << n;
    EXPECT_EQ(utf8_complete_prefix("ab" + llama), 6u);
    // A byte that can never become valid does not hold anything back.
    EXPECT_EQ(utf8_complete_prefix("ab\xFF"), 3u);
    EXPECT_EQ(utf8_complete_prefix("ab\xE2\x28"), 4u);
    EXPECT_EQ(utf8_complete_prefix(""), 0u);
}

TEST(Utf8, DecodeAndAppendRoundTrip) {
    for (const char32_t cp : {U'\u0000', U'A', U'\u00e9', U'\u20ac', U'\U0001F999', U'\U0010FFFF'}) {
        std::string s;
        utf8_append(s, cp);
        size_t pos = 0;
        EXPECT_EQ(utf8_decode(s, pos), cp);
        EXPECT_EQ(pos, s.size());
        EXPECT_EQ(utf8_valid_length(s, 0), s.size());
    }
}

}  // namespace
}  // namespace vela::tokenizer
