// CompiledGrammar + GrammarMatcher on small hand-written grammars, checked against the languages they
// obviously denote (enumerated by hand or by a brute-force membership function).
#include "grammar/compiled_grammar.h"

#include <gtest/gtest.h>

#include <string>

#include "grammar/grammar_builder.h"
#include "grammar/grammar_matcher.h"

namespace vela::grammar {
namespace {

std::shared_ptr<const CompiledGrammar> compile_or_die(Grammar g) {
    auto compiled = CompiledGrammar::compile(std::move(g));
    EXPECT_TRUE(compiled.ok()) << (compiled.ok() ? "" : compiled.error().message());
    return compiled.ok() ? *compiled : nullptr;
}

bool matches(const std::shared_ptr<const CompiledGrammar>& g, std::string_view text) {
    GrammarMatcher m(g);
    for (char c : text) {
        if (!m.advance(static_cast<uint8_t>(c))) return false;
    }
    return m.can_end();
}

TEST(CompiledGrammar, LiteralChoiceRepeat) {
    GrammarBuilder b;
    ExprId ab = b.choice({b.literal("a"), b.literal("bc")});
    auto g = compile_or_die(b.finish_with(b.sequence({b.literal("<"), b.repeat(ab, 1, 3), b.literal(">")})));
    ASSERT_TRUE(g);
    EXPECT_TRUE(matches(g, "<a>"));
    EXPECT_TRUE(matches(g, "<abca>"));
    EXPECT_TRUE(matches(g, "<bcbcbc>"));
    EXPECT_FALSE(matches(g, "<>"));
    EXPECT_FALSE(matches(g, "<aaaa>"));
    EXPECT_FALSE(matches(g, "<b>"));
    EXPECT_FALSE(matches(g, "<a"));
}

TEST(CompiledGrammar, RecursionThroughCalls) {
    // Balanced parentheses: P := "(" P* ")".
    GrammarBuilder b;
    RuleId p = b.declare_rule("parens");
    b.define_rule(p, b.sequence({b.literal("("), b.star(b.call(p)), b.literal(")")}));
    auto g = compile_or_die(b.finish(p));
    ASSERT_TRUE(g);
    EXPECT_TRUE(matches(g, "()"));
    EXPECT_TRUE(matches(g, "(()(()))"));
    EXPECT_FALSE(matches(g, "(()"));
    EXPECT_FALSE(matches(g, "())"));
    GrammarMatcher m(g);
    EXPECT_TRUE(m.advance_bytes("(()"));
    EXPECT_FALSE(m.can_end());
    EXPECT_FALSE(m.advance_bytes("))x"));  // all or nothing
    EXPECT_TRUE(m.advance_bytes(")"));
    EXPECT_TRUE(m.can_end());
    EXPECT_FALSE(m.can_continue());
}

TEST(CompiledGrammar, UnproductiveBranchesAreRemoved) {
    // A := "x" A (never ends); root := "a" | "x" A. Only "a" is a sentence, so "x" must be refused at once.
    GrammarBuilder b;
    RuleId a = b.declare_rule("forever");
    b.define_rule(a, b.sequence({b.literal("x"), b.call(a)}));
    auto g =
        compile_or_die(b.finish_with(b.choice({b.literal("a"), b.sequence({b.literal("x"), b.call(a)})})));
    ASSERT_TRUE(g);
    GrammarMatcher m(g);
    EXPECT_FALSE(m.accepts_bytes("x"));
    EXPECT_TRUE(m.accepts_bytes("a"));
}

TEST(CompiledGrammar, EmptyLanguageAndLeftRecursionAreErrors) {
    {
        GrammarBuilder b;
        auto g = CompiledGrammar::compile(b.finish_with(b.nothing()));
        ASSERT_FALSE(g.ok());
        EXPECT_NE(g.error().message().find("accepts no input"), std::string::npos);
    }
    {
        GrammarBuilder b;
        RuleId r = b.declare_rule("loop");
        b.define_rule(r, b.choice({b.literal("a"), b.sequence({b.call(r), b.literal("b")})}));
        auto g = CompiledGrammar::compile(b.finish(r));
        ASSERT_FALSE(g.ok());
        EXPECT_NE(g.error().message().find("loop"), std::string::npos);
    }
}

TEST(CompiledGrammar, SharedTailIsNotCopied) {
    // Ordered optional members a?,b?,c?... separated by commas: the shared-suffix DAG must stay linear.
    GrammarBuilder b;
    const int n = 60;
    std::vector<ExprId> items;
    for (int i = 0; i < n; ++i)
        items.push_back(b.literal("k" + std::to_string(i)));
    std::vector<ExprId> tail(n + 1), first(n + 1);
    tail[n] = b.empty();
    first[n] = b.empty();
    for (int i = n - 1; i >= 0; --i) {
        tail[i] = b.sequence({b.optional(b.sequence({b.literal(","), items[i]})), tail[i + 1]});
        first[i] = b.choice({b.sequence({items[i], tail[i + 1]}), first[i + 1]});
    }
    auto g = compile_or_die(b.finish_with(b.sequence({b.literal("{"), first[0], b.literal("}")})));
    ASSERT_TRUE(g);
    EXPECT_LT(g->n_states(), 2000u);
    EXPECT_TRUE(matches(g, "{}"));
    EXPECT_TRUE(matches(g, "{k3}"));
    EXPECT_TRUE(matches(g, "{k0,k5,k59}"));
    EXPECT_FALSE(matches(g, "{k5,k3}"));
    EXPECT_FALSE(matches(g, "{,k3}"));
    EXPECT_FALSE(matches(g, "{k3,}"));
}

TEST(CompiledGrammar, TextUntilStopsAtTheFirstTerminator) {
    GrammarBuilder b;
    auto g = compile_or_die(b.finish_with(b.sequence({b.text_until("</think>"), b.literal("X")})));
    ASSERT_TRUE(g);
    EXPECT_TRUE(matches(g, "</think>X"));
    EXPECT_TRUE(matches(g, "a</thin</think>X"));
    EXPECT_TRUE(matches(g, "<</think>X"));
    EXPECT_FALSE(matches(g, "a</think>b</think>X"));
    EXPECT_FALSE(matches(g, "abc"));
}

TEST(CompiledGrammar, SpecialTokensAreDistinctSymbols) {
    GrammarBuilder b;
    auto g = compile_or_die(b.finish_with(b.sequence({b.special_token(5), b.literal("[")})));
    ASSERT_TRUE(g);
    ASSERT_EQ(g->special_symbols().size(), 1u);
    EXPECT_EQ(g->special_symbols()[0], kSpecialSymbolBase + 5);
    GrammarMatcher m(g);
    EXPECT_FALSE(m.accepts_symbol(kSpecialSymbolBase + 6));
    EXPECT_TRUE(m.advance(kSpecialSymbolBase + 5));
    EXPECT_TRUE(m.advance('['));
    EXPECT_TRUE(m.can_end());
}

TEST(CompiledGrammar, LargeRepeatsOfBigPiecesAreHoisted) {
    GrammarBuilder b;
    std::string long_word(200, 'w');
    ExprId item = b.choice({b.literal(long_word), b.literal("x")});
    auto g = compile_or_die(b.finish_with(b.repeat(item, 0, 500)));
    ASSERT_TRUE(g);
    EXPECT_LT(g->n_states(), 20000u);
    std::string text;
    for (int i = 0; i < 500; ++i)
        text += (i % 7 == 0) ? long_word : "x";
    EXPECT_TRUE(matches(g, text));
    EXPECT_FALSE(matches(g, text + "x"));
}

}  // namespace
}  // namespace vela::grammar
