// GrammarConstraint and TokenMaskCache on a small synthetic vocabulary: every mask equals the naive one
// (each token asked of the matcher directly) along random generations; whitespace cannot go on
// forever; UTF-8 characters split across tokens; special tokens; json_object mode.
#include "grammar/grammar_constraint.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <string>
#include <vector>

#include "unit/openai/grammar/grammar_test_util.h"

namespace vela::grammar {
namespace {

struct TestVocab {
    std::shared_ptr<const VocabularyIndex> index;
    TokenId special_brace = 0;  // a control token whose text is "{"
    TokenId marker = 0;         // a control token "[MARK]"
};

const TestVocab& test_vocab() {
    static TestVocab v = [] {
        std::vector<std::string> bytes;
        std::vector<uint8_t> special;
        for (int b = 0; b < 256; ++b) {
            bytes.push_back(std::string(1, static_cast<char>(b)));
            special.push_back(0);
        }
        const char* pieces[] = {"{\"",          "\":",    "\": ",        ", \"",         "\"}",
                                "\"]",          "}}",     "]}",          "},",           "],",
                                "null",         "true",   "false",       "  ",           "    ",
                                "\n",           "\n  ",   "\n    ",      "\"a",          "a\"",
                                "abc",          "\\\"",   "\\n",         "\\u00",        "12",
                                "3.",           ".5",     "e+",          "-1",           "\xC3\xA9",
                                "\xC3",         "\xA9x",  "x\xC3",       "\"\xC3\xA9\"", "\xA9\"",
                                "<tool",        "_call>", "<tool_call>", "</tool_call>", "<tool_call>{",
                                "<tool_call>x", "\"x\"",  "[1",          "1,",           "1]",
                                "\"b\"",        ", "};
        for (const char* p : pieces) {
            bytes.push_back(p);
            special.push_back(0);
        }
        bytes.push_back("\n" + std::string(30, ' '));
        special.push_back(0);
        bytes.push_back(std::string(8, ' '));
        special.push_back(0);
        TestVocab out;
        out.special_brace = static_cast<TokenId>(bytes.size());
        bytes.push_back("{");
        special.push_back(1);
        out.marker = static_cast<TokenId>(bytes.size());
        bytes.push_back("[MARK]");
        special.push_back(1);
        bytes.push_back("");  // an empty token is never allowed
        special.push_back(0);
        out.index = *VocabularyIndex::build(std::move(bytes), std::move(special));
        return out;
    }();
    return v;
}

bool bit(const std::vector<uint32_t>& mask, TokenId t) {
    return (mask[t >> 5] >> (t & 31)) & 1u;
}

std::vector<uint32_t> naive_mask(GrammarMatcher& m, const VocabularyIndex& vocab) {
    std::vector<uint32_t> mask(vocab.n_mask_words(), 0);
    for (TokenId t = 0; t < vocab.vocab_size(); ++t) {
        bool ok = vocab.is_special(t)
                      ? m.accepts_symbol(kSpecialSymbolBase + static_cast<Symbol>(t))
                      : !vocab.token_bytes(t).empty() && m.accepts_bytes(vocab.token_bytes(t));
        if (ok) mask[t >> 5] |= 1u << (t & 31);
    }
    return mask;
}

std::unique_ptr<GrammarConstraint> constraint_for(std::shared_ptr<const CompiledGrammar> g) {
    auto factory = make_grammar_constraint(test_vocab().index, std::move(g), "test grammar");
    EXPECT_TRUE(factory.ok());
    auto c = (*factory)();
    return std::unique_ptr<GrammarConstraint>(static_cast<GrammarConstraint*>(c.release()));
}

TEST(GrammarConstraint, MasksEqualTheNaiveMaskAlongRandomGenerations) {
    const char* schemas[] = {
        R"({"type":"object","properties":{"a":{"type":"string"},"b":{"type":"array","items":{"type":"integer"}}}})",
        R"({"anyOf":[{"type":"string","maxLength":3},{"type":"number"},{"type":"null"}]})",
        R"({"$defs":{"n":{"type":"object","properties":{"v":{"enum":[1,"\u00e9"]},"next":{"$ref":"#/$defs/n"}}}},"$ref":"#/$defs/n"})",
        R"({"type":"array","items":{"type":"string","pattern":"^(x|\u00e9)*$"},"maxItems":4})",
        R"(true)",
    };
    const VocabularyIndex& vocab = *test_vocab().index;
    std::mt19937 rng(17);
    for (const char* schema : schemas) {
        auto g = testing::schema_grammar(schema, JsonSchemaOptions{.max_indent = 4});
        ASSERT_TRUE(g);
        for (int run = 0; run < 40; ++run) {
            auto c = constraint_for(g);
            for (int step = 0; step < 60; ++step) {
                std::vector<uint32_t> mask(vocab.n_mask_words(), 0);
                c->fill_allowed(mask);
                ASSERT_EQ(mask, naive_mask(c->matcher(), vocab))
                    << schema << " run " << run << " step " << step;
                std::vector<TokenId> allowed;
                for (TokenId t = 0; t < vocab.vocab_size(); ++t) {
                    if (bit(mask, t)) allowed.push_back(t);
                }
                if (allowed.empty() || (c->can_end() && rng() % 6 == 0)) break;
                ASSERT_TRUE(c->accept(allowed[rng() % allowed.size()]));
            }
        }
    }
}

TEST(GrammarConstraint, WhitespaceCannotGoOnForever) {
    // A "model" that writes whitespace whenever it may, else the lowest allowed token id.
    auto g = testing::schema_grammar(
        R"({"type":"object","properties":{"a":{"type":"array","items":{"type":"integer"},"maxItems":3},
        "b":{"enum":["x","y"]}},"required":["a","b"],"additionalProperties":false})",
        JsonSchemaOptions{.max_indent = 6});
    ASSERT_TRUE(g);
    const VocabularyIndex& vocab = *test_vocab().index;
    auto c = constraint_for(g);
    std::string text;
    size_t run = 0;
    size_t longest_run = 0;
    int steps = 0;
    for (; steps < 1000; ++steps) {
        std::vector<uint32_t> mask(vocab.n_mask_words(), 0);
        c->fill_allowed(mask);
        std::optional<TokenId> pick;
        for (TokenId t = 0; t < vocab.vocab_size() && !pick; ++t) {
            const std::string_view s = vocab.token_bytes(t);
            if (bit(mask, t) && !s.empty() && s.find_first_not_of(" \n") == std::string_view::npos) pick = t;
        }
        for (TokenId t = 0; t < vocab.vocab_size() && !pick; ++t) {
            if (bit(mask, t)) pick = t;
        }
        if (!pick) break;
        ASSERT_TRUE(c->accept(*pick));
        for (char ch : vocab.token_bytes(*pick)) {
            run = (ch == ' ' || ch == '\n') ? run + 1 : 0;
            longest_run = std::max(longest_run, run);
        }
        text += vocab.token_bytes(*pick);
    }
    EXPECT_LT(steps, 1000) << text;
    EXPECT_TRUE(c->can_end()) << text;
    EXPECT_LE(longest_run, 2u * (1 + 6)) << text;  // at most two adjacent bounded slots
    EXPECT_NO_THROW(nlohmann::json::parse(text)) << text;
}

TEST(GrammarConstraint, Utf8CharactersSplitAcrossTokens) {
    const VocabularyIndex& vocab = *test_vocab().index;
    auto token = [&](std::string_view bytes) {
        for (TokenId t = 0; t < vocab.vocab_size(); ++t) {
            if (!vocab.is_special(t) && vocab.token_bytes(t) == bytes) return t;
        }
        ADD_FAILURE() << "no token " << bytes;
        return TokenId{0};
    };
    auto g = testing::schema_grammar(R"({"type":"string","pattern":"^\u00e9+$"})");
    ASSERT_TRUE(g);
    auto c = constraint_for(g);
    ASSERT_TRUE(c->accept(token("\"")));
    ASSERT_TRUE(c->accept(token("\xC3")));
    std::vector<uint32_t> mask(vocab.n_mask_words(), 0);
    c->fill_allowed(mask);
    for (TokenId t = 0; t < vocab.vocab_size(); ++t) {
        const std::string_view s = vocab.token_bytes(t);
        const bool expected = s == "\xA9" || s == "\xA9\"";
        EXPECT_EQ(bit(mask, t), expected) << "token " << t;
    }
    EXPECT_FALSE(c->accept(token("\xA9x")));
    ASSERT_TRUE(c->accept(token("\xA9")));
    ASSERT_TRUE(c->accept(token("\xC3\xA9")));
    ASSERT_TRUE(c->accept(token("\"")));
    EXPECT_TRUE(c->can_end());
}

TEST(GrammarConstraint, SpecialTokensOnlyWhenTheGrammarNamesThem) {
    const TestVocab& v = test_vocab();
    auto json_object = make_json_object_constraint(v.index, {}, "json_object");
    ASSERT_TRUE(json_object.ok());
    auto c = (*json_object)();
    std::vector<uint32_t> mask(v.index->n_mask_words(), 0);
    c->fill_allowed(mask);
    EXPECT_TRUE(bit(mask, '{'));
    EXPECT_FALSE(bit(mask, v.special_brace));  // text "{" but a control token
    EXPECT_FALSE(bit(mask, '['));
    EXPECT_FALSE(bit(mask, '1'));
    EXPECT_FALSE(c->accept(v.special_brace));
    EXPECT_FALSE(c->can_end());

    GrammarBuilder b;
    JsonGrammarBlocks json(b, 2);
    auto g = testing::compile_root(b, b.sequence({b.special_token(v.marker), json.any_object()}));
    auto marked = constraint_for(g);
    std::fill(mask.begin(), mask.end(), 0);
    marked->fill_allowed(mask);
    for (TokenId t = 0; t < v.index->vocab_size(); ++t)
        EXPECT_EQ(bit(mask, t), t == v.marker) << t;
    EXPECT_TRUE(marked->accept(v.marker));
    EXPECT_TRUE(marked->accept('{'));
    EXPECT_TRUE(marked->accept('}'));
    EXPECT_TRUE(marked->can_end());
    EXPECT_FALSE(marked->accept(-1));
    EXPECT_FALSE(marked->accept(v.index->vocab_size()));
}

TEST(GrammarConstraint, JsonObjectModeProducesObjects) {
    const VocabularyIndex& vocab = *test_vocab().index;
    auto factory =
        make_json_object_constraint(test_vocab().index, JsonSchemaOptions{.max_indent = 2}, "json_object");
    ASSERT_TRUE(factory.ok());
    std::mt19937 rng(23);
    int finished = 0;
    for (int run = 0; run < 200; ++run) {
        auto c = (*factory)();
        std::string text;
        for (int step = 0; step < 80; ++step) {
            if (c->can_end() && rng() % 3 == 0) break;
            std::vector<uint32_t> mask(vocab.n_mask_words(), 0);
            c->fill_allowed(mask);
            std::vector<TokenId> allowed;
            for (TokenId t = 0; t < vocab.vocab_size(); ++t) {
                if (bit(mask, t)) allowed.push_back(t);
            }
            if (allowed.empty()) break;
            const TokenId t = allowed[rng() % allowed.size()];
            ASSERT_TRUE(c->accept(t));
            text += vocab.token_bytes(t);
        }
        if (!c->can_end()) continue;
        ++finished;
        // Exponents such as 164E861 are valid JSON but overflow nlohmann's doubles: shrink them first.
        const std::string shrunk = std::regex_replace(text, std::regex("[eE][+-]?[0-9]+"), "e1");
        nlohmann::json doc;
        ASSERT_NO_THROW(doc = nlohmann::json::parse(shrunk)) << text;
        EXPECT_TRUE(doc.is_object()) << text;
    }
    EXPECT_GT(finished, 20);
}

TEST(GrammarConstraint, SchemaFactoryReportsErrorsAndSharesCaches) {
    auto bad = make_json_schema_constraint(test_vocab().index, R"({"not":{}})", {}, "bad");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message().find("'not'"), std::string::npos);
    int builds = 0;
    auto build = [&]() -> Result<std::shared_ptr<const CompiledGrammar>> {
        ++builds;
        return compile_json_schema_grammar(R"({"type":"integer"})", {});
    };
    auto a = shared_mask_cache(test_vocab().index, "unit-test-key", build);
    auto b = shared_mask_cache(test_vocab().index, "unit-test-key", build);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a->get(), b->get());
    EXPECT_EQ(builds, 1);
}

}  // namespace
}  // namespace vela::grammar
