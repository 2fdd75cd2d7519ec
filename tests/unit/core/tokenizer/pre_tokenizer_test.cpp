// PreTokenizer steps against the examples of the Hugging Face tokenizers documentation for
// SplitDelimiterBehavior ("the-final--countdown" split on "-"), and Metaspace / prefix-space rules.
#include "tokenizer/pre_tokenizer.h"

#include <gtest/gtest.h>

namespace vela::tokenizer {
namespace {

using Pieces = std::vector<std::string>;

Pieces split_dashes(SplitBehavior behavior, bool use_regex) {
    PreTokenizer pre;
    if (use_regex) {
        pre.add_split(std::move(*Regex::compile("-")), behavior, false);
    } else {
        pre.add_literal_split("-", behavior, false);
    }
    return pre.split("the-final--countdown", true);
}

TEST(PreTokenizer, DelimiterBehavioursFollowTheHuggingFaceDocumentation) {
    for (const bool regex : {false, true}) {
        EXPECT_EQ(split_dashes(SplitBehavior::Removed, regex), (Pieces{"the", "final", "countdown"}));
        EXPECT_EQ(split_dashes(SplitBehavior::Isolated, regex),
                  (Pieces{"the", "-", "final", "-", "-", "countdown"}));
        EXPECT_EQ(split_dashes(SplitBehavior::MergedWithPrevious, regex),
                  (Pieces{"the-", "final-", "-", "countdown"}));
        EXPECT_EQ(split_dashes(SplitBehavior::MergedWithNext, regex),
                  (Pieces{"the", "-final", "-", "-countdown"}));
        EXPECT_EQ(split_dashes(SplitBehavior::Contiguous, regex),
                  (Pieces{"the", "-", "final", "--", "countdown"}));
    }
}

TEST(PreTokenizer, InvertKeepsMatchesAsContent) {
    PreTokenizer pre;
    pre.add_split(std::move(*Regex::compile("[a-z]+")), SplitBehavior::Removed, true);
    EXPECT_EQ(pre.split("ab, cd!", true), (Pieces{"ab", "cd"}));
}

TEST(PreTokenizer, Gpt2SplitAndNextLineWhitespace) {
    PreTokenizer pre;
    pre.add_split(std::move(*Regex::compile(kGpt2SplitPattern)), SplitBehavior::Isolated, false);
    EXPECT_EQ(pre.split("Hello world's  123!!", true), (Pieces{"Hello", " world", "'s", " ", " 123", "!!"}));
    // U+0085 counts as whitespace, as in Oniguruma and llama.cpp.
    EXPECT_EQ(pre.split("a\xC2\x85\xC2\x85", true), (Pieces{"a", "\xC2\x85\xC2\x85"}));
}

TEST(PreTokenizer, MetaspaceReplacesAndPrepends) {
    const std::string m = "\xE2\x96\x81";
    PreTokenizer always;
    always.add_metaspace(m, PrependScheme::Always, false);
    EXPECT_EQ(always.split("hi there", false), (Pieces{m + "hi" + m + "there"}));
    PreTokenizer first;
    first.add_metaspace(m, PrependScheme::First, true);
    EXPECT_EQ(first.split("hi there", true), (Pieces{m + "hi", m + "there"}));
    EXPECT_EQ(first.split("hi there", false), (Pieces{"hi", m + "there"}));
    PreTokenizer prefix;
    prefix.add_prefix_space();
    EXPECT_EQ(prefix.split("x", true), (Pieces{" x"}));
    EXPECT_EQ(prefix.split(" x", true), (Pieces{" x"}));
}

}  // namespace
}  // namespace vela::tokenizer
