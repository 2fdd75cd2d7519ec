// The Jinja lexer: turns template source into data, tag and expression tokens.
//
// It reproduces Jinja2's lexer as Hugging Face configures it (trim_blocks and lstrip_blocks on,
// keep_trailing_newline off): newlines are normalised to "\n" and one trailing newline dropped;
// `{%-`/`-%}` strip all adjacent whitespace, `{%+`/`+%}` disable lstrip/trim for that tag;
// lstrip_blocks removes the spaces before a block or comment tag that starts a line, and
// trim_blocks removes the first newline after a block or comment tag. Comments vanish and raw
// blocks become plain data. Every token records its 1-based line and column (in code points).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vela::openai::jinja {

/// The kind of a token.
enum class TokenType : uint8_t {
    Data,           // literal template text
    VariableBegin,  // {{
    VariableEnd,    // }}
    BlockBegin,     // {%
    BlockEnd,       // %}
    Name,           // identifier or keyword
    String,         // string literal, already unescaped
    Integer,        // integer literal
    Float,          // float literal
    Operator,       // + - * / // % ** ~ == != < <= > >= = . : | , ( ) [ ] { } ;
    End,            // end of the source
};

/// One token with its position.
struct Token {
    TokenType type = TokenType::End;
    std::string text;        // data, name, unescaped string, or operator symbol
    int64_t int_value = 0;   // for Integer
    double float_value = 0;  // for Float
    uint32_t line = 1;       // 1-based
    uint32_t column = 1;     // 1-based, in code points
};

/// Splits `source` into tokens; throws a Syntax-kind TemplateError on malformed input.
std::vector<Token> tokenize(std::string_view source);

}  // namespace vela::openai::jinja
