// AddedTokenMatcher: leftmost-longest matching, control tokens only when parsing special tokens,
// lstrip/rstrip and single_word.
#include "tokenizer/added_token_matcher.h"

#include <gtest/gtest.h>

namespace vela::tokenizer {
namespace {

// Renders sections as "[id]" for tokens and "'text'" for text.
std::string render(std::string_view text, const std::vector<TextSection>& sections) {
    std::string out;
    for (const TextSection& s : sections) {
        out += s.is_token ? "[" + std::to_string(s.id) + "]"
                          : "'" + std::string(text.substr(s.begin, s.end - s.begin)) + "'";
    }
    return out;
}

TEST(AddedTokenMatcher, LeftmostLongest) {
    AddedTokenMatcher m({{1, "<a>", true}, {2, "<a><b>", true}, {3, "b><c", true}});
    const std::string text = "x<a><b><c>y<a>";
    EXPECT_EQ(render(text, m.split(text, true)), "'x'[2]'<c>y'[1]");
}

TEST(AddedTokenMatcher, ControlTokensNeedParseSpecialUserDefinedDoNot) {
    AddedTokenMatcher m({{1, "<|im_start|>", true}, {2, "<think>", false}});
    const std::string text = "<|im_start|>a<think>b";
    EXPECT_EQ(render(text, m.split(text, true)), "[1]'a'[2]'b'");
    EXPECT_EQ(render(text, m.split(text, false)), "'<|im_start|>a'[2]'b'");
}

TEST(AddedTokenMatcher, StripAndSingleWord) {
    AddedToken mask{1, "<mask>", true};
    mask.lstrip = true;
    mask.rstrip = true;
    AddedToken word{2, "cat", false};
    word.single_word = true;
    AddedTokenMatcher m({mask, word});
    const std::string text = "a \t<mask>  b cat concat cat_ cat";
    EXPECT_EQ(render(text, m.split(text, true)), "'a'[1]'b '[2]' concat cat_ '[2]");
}

TEST(AddedTokenMatcher, MultiByteTextAroundTokens) {
    AddedTokenMatcher m({{7, "\xE2\x96\x81\xE2\x96\x81", false}});  // "▁▁"
    const std::string text = "\xE6\x97\xA5\xE2\x96\x81\xE2\x96\x81\xE2\x96\x81";
    EXPECT_EQ(render(text, m.split(text, true)), "'\xE6\x97\xA5'[7]'\xE2\x96\x81'");
}

}  // namespace
}  // namespace vela::tokenizer
