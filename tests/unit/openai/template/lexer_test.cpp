// The Jinja lexer: token kinds, positions, literal decoding, and the whitespace rules of trim_blocks
// and lstrip_blocks (the rendered effect of those rules is checked against Jinja2 in
// jinja_render_test.cpp; here we check the data tokens directly).
#include "template/lexer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "template/template_error.h"

namespace vela::openai::jinja {
namespace {

std::vector<std::string> data_of(const std::string& source) {
    std::vector<std::string> data;
    for (const Token& token : tokenize(source)) {
        if (token.type == TokenType::Data) data.push_back(token.text);
    }
    return data;
}

TEST(Lexer, ExpressionTokensAndPositions) {
    const auto tokens = tokenize("ab\n  {{ x.y[0] + 'é\\n' ~ 1.5e3 }}");
    ASSERT_GE(tokens.size(), 12u);
    EXPECT_EQ(tokens[0].type, TokenType::Data);
    EXPECT_EQ(tokens[0].text, "ab\n  ");
    EXPECT_EQ(tokens[1].type, TokenType::VariableBegin);
    EXPECT_EQ(tokens[1].line, 2u);
    EXPECT_EQ(tokens[1].column, 3u);
    EXPECT_EQ(tokens[2].type, TokenType::Name);
    EXPECT_EQ(tokens[2].text, "x");
    EXPECT_EQ(tokens[2].column, 6u);
    EXPECT_EQ(tokens[3].text, ".");
    EXPECT_EQ(tokens[5].text, "[");
    EXPECT_EQ(tokens[6].type, TokenType::Integer);
    EXPECT_EQ(tokens[6].int_value, 0);
    EXPECT_EQ(tokens[9].type, TokenType::String);
    EXPECT_EQ(tokens[9].text, "\xc3\xa9\n");
    EXPECT_EQ(tokens[11].type, TokenType::Float);
    EXPECT_DOUBLE_EQ(tokens[11].float_value, 1500.0);
    EXPECT_EQ(tokens.back().type, TokenType::End);
}

TEST(Lexer, IntegerForms) {
    const auto tokens = tokenize("{{ 1_000 0x1F 0o17 0b101 007 }}");
    std::vector<int64_t> ints;
    for (const Token& token : tokens) {
        if (token.type == TokenType::Integer) ints.push_back(token.int_value);
    }
    EXPECT_EQ(ints, (std::vector<int64_t>{1000, 31, 15, 5, 0, 7}));
}

TEST(Lexer, StringEscapes) {
    const auto tokens = tokenize(R"({{ 'a\tb\x41\u00e9\101\q\'' "d\"q" }})");
    EXPECT_EQ(tokens[1].text,
              "a\tbA\xc3\xa9"
              "A\\q'");
    EXPECT_EQ(tokens[2].text, "d\"q");
}

TEST(Lexer, TrimBlocksRemovesOneNewlineAfterBlockTags) {
    EXPECT_EQ(data_of("{% if x %}\n\nA{% endif %}\nB"), (std::vector<std::string>{"\nA", "B"}));
    EXPECT_EQ(data_of("{{ x }}\nA"), (std::vector<std::string>{"\nA"}));
    EXPECT_EQ(data_of("{# c #}\nA"), (std::vector<std::string>{"A"}));
    EXPECT_EQ(data_of("{% if x +%}\nA"), (std::vector<std::string>{"\nA"}));
}

TEST(Lexer, LstripBlocksRemovesIndentBeforeBlockTagsOnly) {
    EXPECT_EQ(data_of("A\n   {% if x %}B"), (std::vector<std::string>{"A\n", "B"}));
    EXPECT_EQ(data_of("A\n   {{ x }}"), (std::vector<std::string>{"A\n   "}));
    EXPECT_EQ(data_of("A  {% if x %}"), (std::vector<std::string>{"A  "}));
    EXPECT_EQ(data_of("A\n  {%+ if x %}"), (std::vector<std::string>{"A\n  "}));
    EXPECT_EQ(data_of("  {% if x %}"), (std::vector<std::string>{}));
    // After a tag that did not end a line, leading spaces are not at a line start.
    EXPECT_EQ(data_of("{{ x }}  {% if y %}"), (std::vector<std::string>{"  "}));
    EXPECT_EQ(data_of("{% if x %}\n  {% if y %}"), (std::vector<std::string>{}));
}

TEST(Lexer, DashStripsAllWhitespace) {
    EXPECT_EQ(data_of("A \n\t {%- if x -%} \n\n B"), (std::vector<std::string>{"A", "B"}));
    EXPECT_EQ(data_of("A \n {{- x -}} \n B"), (std::vector<std::string>{"A", "B"}));
}

TEST(Lexer, NewlinesAreNormalisedAndOneTrailingNewlineDropped) {
    EXPECT_EQ(data_of("a\r\nb\rc\n"), (std::vector<std::string>{"a\nb\nc"}));
    EXPECT_EQ(data_of("a\n\n"), (std::vector<std::string>{"a\n"}));
}

TEST(Lexer, RawBlocksAreData) {
    EXPECT_EQ(data_of("{% raw %}{{ x }}{% if %}{% endraw %}"), (std::vector<std::string>{"{{ x }}{% if %}"}));
    EXPECT_EQ(data_of("{%- raw -%}  a  {%- endraw %}"), (std::vector<std::string>{"a"}));
}

TEST(Lexer, BracketsKeepTagOpen) {
    const auto tokens = tokenize("{{ {'a': {'b': 1}} }}");
    EXPECT_EQ(tokens[tokens.size() - 2].type, TokenType::VariableEnd);
}

TEST(Lexer, MalformedInputRaisesWithPosition) {
    try {
        tokenize("ok\n{{ 'unterminated }}");
        FAIL() << "expected a syntax error";
    } catch (const TemplateError& error) {
        EXPECT_EQ(error.kind(), TemplateErrorKind::Syntax);
        EXPECT_EQ(error.line(), 2u);
        EXPECT_EQ(error.column(), 4u);
    }
    EXPECT_THROW(tokenize("{# never closed"), TemplateError);
    EXPECT_THROW(tokenize("{% raw %}never closed"), TemplateError);
    EXPECT_THROW(tokenize("{{ a ) }}"), TemplateError);
    EXPECT_THROW(tokenize("{{ a ! b }}"), TemplateError);
    EXPECT_THROW(tokenize("{{ 99999999999999999999 }}"), TemplateError);
}

}  // namespace
}  // namespace vela::openai::jinja
