// The pattern compiler against std::wregex (ECMAScript grammar, search semantics, code points as
// wchar_t): for each pattern, every string over a small alphabet up to length 3 and random longer
// ones must be accepted by the grammar (as a JSON string) exactly when regex_search finds a match.
#include "grammar/regex_compiler.h"

#include <gtest/gtest.h>

#include <random>
#include <regex>
#include <string>
#include <vector>

#include "grammar/code_point_set.h"
#include "unit/openai/grammar/grammar_test_util.h"

namespace vela::grammar {
namespace {

using testing::accepts;
using testing::compile_root;

std::wstring wide(const std::string& utf8) {
    auto cps = decode_utf8(utf8);
    std::wstring out;
    for (uint32_t cp : *cps)
        out += static_cast<wchar_t>(cp);
    return out;
}

std::shared_ptr<const CompiledGrammar> pattern_grammar(const std::string& pattern) {
    GrammarBuilder b;
    JsonGrammarBlocks json(b, 2);
    auto body = compile_regex(json, pattern);
    EXPECT_TRUE(body.ok()) << pattern << ": " << (body.ok() ? "" : body.error().message());
    if (!body.ok()) return nullptr;
    return compile_root(b, json.quoted(*body));
}

TEST(RegexCompiler, AgreesWithEcmaScriptRegex) {
    const std::vector<std::string> patterns = {"^a*$",
                                               "a+",
                                               "^[a-c]{2,3}$",
                                               "^(ab|c)+d?$",
                                               "x|^y",
                                               "\\d{2}-\\w",
                                               "^[^abc]$",
                                               "^.$",
                                               "[\\s\\S]",
                                               "é+",
                                               "^\\u00e9$",
                                               "a{2}",
                                               "^(?:a|bc)*$",
                                               "^[a-]$",
                                               "\\.\\*",
                                               "^\\$",
                                               "^a{0,2}b{1,}$",
                                               "[x-z]1",
                                               "^\\D\\W$",
                                               "^(a|)b$",
                                               "^\"\\\\",
                                               "^\\x41",
                                               "\\n",
                                               "^[\\d.]+$",
                                               "c$",
                                               "^a?b??c*?$",
                                               "^[é-ë]$",
                                               "^(?:(a)|b)(c|d)$",
                                               "\\tx",
                                               "^[\\^a]$",
                                               "\\/"};
    const std::vector<std::string> alphabet = {"a", "b",  "c",  "d", "x", "y", "1", "2", "-", "_", " ",  "\n",
                                               "é", "\"", "\\", ".", "*", "$", "A", "{", ",", "}", "\t", "/"};
    std::vector<std::string> inputs = {""};
    for (size_t length = 1; length <= 3; ++length) {
        const size_t before = inputs.size();
        for (size_t i = 0; i < before; ++i) {
            if (inputs[i].size() + 1 < length) continue;
            for (const std::string& c : alphabet) {
                if (std::count(inputs[i].begin(), inputs[i].end(), '\0') == 0)
                    inputs.push_back(inputs[i] + c);
            }
        }
    }
    std::mt19937 rng(5);
    std::uniform_int_distribution<size_t> letter(0, alphabet.size() - 1);
    std::uniform_int_distribution<size_t> length(4, 9);
    for (int i = 0; i < 3000; ++i) {
        std::string s;
        for (size_t n = length(rng); n > 0; --n)
            s += alphabet[letter(rng) % 8];  // mostly a-y
        inputs.push_back(s);
    }
    for (const std::string& pattern : patterns) {
        auto g = pattern_grammar(pattern);
        ASSERT_TRUE(g) << pattern;
        const std::wregex re(wide(pattern), std::regex::ECMAScript);
        int mismatches = 0;
        for (const std::string& input : inputs) {
            const bool expected = std::regex_search(wide(input), re);
            const bool got = accepts(g, JsonGrammarBlocks::encode_string(input));
            if (got != expected && mismatches++ < 3) {
                ADD_FAILURE() << "pattern " << pattern << " on \"" << input << "\": regex " << expected
                              << ", grammar " << got;
            }
        }
    }
}

TEST(RegexCompiler, BracesThatAreNotQuantifiersAreLiterals) {
    // As in JavaScript (ECMA-262 Annex B); libstdc++'s std::regex refuses these patterns.
    auto brace = pattern_grammar("{");
    ASSERT_TRUE(brace);
    EXPECT_TRUE(accepts(brace, "\"x{y\""));
    EXPECT_FALSE(accepts(brace, "\"xy\""));
    auto comma = pattern_grammar("^a{,2}$");
    ASSERT_TRUE(comma);
    EXPECT_TRUE(accepts(comma, "\"a{,2}\""));
    EXPECT_FALSE(accepts(comma, "\"aa\""));
}

TEST(RegexCompiler, RefusesWhatItCannotEnforce) {
    GrammarBuilder b;
    JsonGrammarBlocks json(b, 2);
    for (const char* pattern :
         {"(?=a)", "(?!a)b", "(?<=a)b", "(a)\\1", "\\bword", "a\\B",  "\\p{L}", "a^b",  "a$b", "(a",
          "a)",    "[a",     "*a",      "a**",    "a{2000}", "[z-a]", "\\k<x>", "\\cA", "\\q", "(?<n>a)"}) {
        auto e = compile_regex(json, pattern);
        ASSERT_FALSE(e.ok()) << pattern;
        EXPECT_NE(e.error().message().find(std::string("pattern '") + pattern + "'"), std::string::npos)
            << e.error().message();
    }
}

TEST(RegexCompiler, CharactersUseTheCanonicalJsonEscape) {
    auto g = pattern_grammar("^[\"\\\\\\n\\u0001]$");
    ASSERT_TRUE(g);
    EXPECT_TRUE(accepts(g, "\"\\\"\""));
    EXPECT_TRUE(accepts(g, "\"\\\\\""));
    EXPECT_TRUE(accepts(g, "\"\\n\""));
    EXPECT_TRUE(accepts(g, "\"\\u0001\""));
    EXPECT_FALSE(accepts(g, "\"\\u000a\""));  // \n has a short escape: only that form
    EXPECT_FALSE(accepts(g, "\"\n\""));       // raw control characters are not JSON
}

}  // namespace
}  // namespace vela::grammar
