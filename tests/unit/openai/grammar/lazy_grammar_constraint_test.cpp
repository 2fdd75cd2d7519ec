// LazyGrammarConstraint: free text until a trigger (split across tokens, inside a token, or a trigger
// token), then the grammar; back to free text once the grammar is complete.
#include "grammar/lazy_grammar_constraint.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit/openai/grammar/grammar_test_util.h"

namespace vela::grammar {
namespace {

struct Vocab {
    std::shared_ptr<const VocabularyIndex> index;
    std::vector<std::string> pieces;
    TokenId trigger_token = 0;
    TokenId eos = 0;
};

const Vocab& vocab() {
    static Vocab v = [] {
        Vocab out;
        out.pieces = {"a",
                      "b",
                      " ",
                      "\n",
                      "{",
                      "}",
                      "\"",
                      ":",
                      "1",
                      "2",
                      "x",
                      "<",
                      "<tool",
                      "_call>",
                      "<tool_call>",
                      "<tool_call>{",
                      "<tool_call>x",
                      "ok <tool_call>",
                      "</tool_call>",
                      "\n</tool_call>",
                      "k",
                      "}\n"};
        std::vector<std::string> bytes = out.pieces;
        std::vector<uint8_t> special(bytes.size(), 0);
        out.trigger_token = static_cast<TokenId>(bytes.size());
        bytes.push_back("[TOOL_CALLS]");
        special.push_back(1);
        out.eos = static_cast<TokenId>(bytes.size());
        bytes.push_back("</s>");
        special.push_back(1);
        out.index = *VocabularyIndex::build(std::move(bytes), std::move(special));
        return out;
    }();
    return v;
}

TokenId id(std::string_view piece) {
    const auto& p = vocab().pieces;
    auto it = std::find(p.begin(), p.end(), piece);
    EXPECT_NE(it, p.end()) << piece;
    return static_cast<TokenId>(it - p.begin());
}

std::vector<uint32_t> mask_of(TokenConstraint& c) {
    std::vector<uint32_t> mask(vocab().index->n_mask_words(), 0);
    c.fill_allowed(mask);
    return mask;
}

bool allowed(const std::vector<uint32_t>& mask, TokenId t) {
    return (mask[t >> 5] >> (t & 31)) & 1u;
}

std::unique_ptr<TokenConstraint> make(LazyTriggers triggers, bool once = false) {
    // The grammar: {"k":1} then "\n</tool_call>".
    GrammarBuilder b;
    JsonGrammarBlocks json(b, 0);
    ExprId call = b.sequence({json.fixed_object({{"k", b.literal("1")}}), b.literal("\n</tool_call>")});
    auto g = testing::compile_root(b, call);
    auto factory = make_lazy_grammar_constraint(vocab().index, g, std::move(triggers), "strict tool", once);
    EXPECT_TRUE(factory.ok()) << (factory.ok() ? "" : factory.error().message());
    return (*factory)();
}

TEST(LazyGrammarConstraint, FreeTextThenGrammarThenFreeText) {
    auto c = make({.texts = {"<tool_call>"}});
    auto m = mask_of(*c);
    EXPECT_TRUE(allowed(m, id("a")));
    EXPECT_TRUE(allowed(m, vocab().eos));
    EXPECT_TRUE(allowed(m, id("<tool_call>{")));   // the rest "{" fits the grammar
    EXPECT_FALSE(allowed(m, id("<tool_call>x")));  // the rest "x" does not
    EXPECT_TRUE(c->can_end());
    ASSERT_TRUE(c->accept(id("a")));
    ASSERT_TRUE(c->accept(id("<tool")));  // the trigger arrives in two pieces
    m = mask_of(*c);
    EXPECT_TRUE(allowed(m, id("_call>")));
    EXPECT_FALSE(c->accept(id("<tool_call>x")));
    ASSERT_TRUE(c->accept(id("_call>")));
    EXPECT_FALSE(c->can_end());
    m = mask_of(*c);
    for (TokenId t = 0; t < vocab().index->vocab_size(); ++t)
        EXPECT_EQ(allowed(m, t), t == id("{")) << t;
    for (const char* piece : {"{", "\"", "k", "\"", ":", "1", "}"})
        ASSERT_TRUE(c->accept(id(piece))) << piece;
    EXPECT_FALSE(c->can_end());
    ASSERT_TRUE(c->accept(id("\n</tool_call>")));
    EXPECT_TRUE(c->can_end());
    m = mask_of(*c);  // the grammar is complete: free text again
    EXPECT_TRUE(allowed(m, id("a")));
    EXPECT_TRUE(allowed(m, id("ok <tool_call>")));
    ASSERT_TRUE(c->accept(id("ok <tool_call>")));  // a second call
    EXPECT_FALSE(c->can_end());
    EXPECT_FALSE(c->accept(id("a")));
}

TEST(LazyGrammarConstraint, OnceEndsTheTurnAfterTheGrammar) {
    auto c = make({.texts = {"<tool_call>"}}, /*once=*/true);
    auto m = mask_of(*c);
    EXPECT_TRUE(allowed(m, id("a")));  // free text before the call, as without once
    for (const char* piece : {"<tool_call>{", "\"", "k", "\"", ":", "1", "}", "\n</tool_call>"})
        ASSERT_TRUE(c->accept(id(piece))) << piece;
    EXPECT_TRUE(c->can_end());
    m = mask_of(*c);  // the grammar is complete and allows nothing more: only the end remains
    for (TokenId t = 0; t < vocab().index->vocab_size(); ++t)
        EXPECT_FALSE(allowed(m, t)) << t;
}

TEST(LazyGrammarConstraint, TriggerInsideATokenAndTriggerTokens) {
    auto c = make({.texts = {"<tool_call>"}, .tokens = {vocab().trigger_token}});
    ASSERT_TRUE(c->accept(id("<tool_call>{")));
    auto m = mask_of(*c);
    EXPECT_TRUE(allowed(m, id("\"")));
    EXPECT_FALSE(allowed(m, id("a")));
    auto d = make({.texts = {"<tool_call>"}, .tokens = {vocab().trigger_token}});
    ASSERT_TRUE(d->accept(vocab().trigger_token));
    EXPECT_FALSE(d->can_end());
    m = mask_of(*d);
    EXPECT_TRUE(allowed(m, id("{")));
    EXPECT_FALSE(allowed(m, vocab().eos));
}

TEST(LazyGrammarConstraint, RefusesBadTriggers) {
    GrammarBuilder b;
    auto g = testing::compile_root(b, b.literal("x"));
    EXPECT_FALSE(make_lazy_grammar_constraint(vocab().index, g, {}, "none").ok());
    EXPECT_FALSE(make_lazy_grammar_constraint(vocab().index, g, {.texts = {""}}, "empty").ok());
    EXPECT_FALSE(make_lazy_grammar_constraint(vocab().index, g, {.tokens = {9999}}, "bad id").ok());
}

}  // namespace
}  // namespace vela::grammar
