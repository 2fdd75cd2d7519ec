// The Jinja parser: tokens -> syntax tree, following Jinja2's grammar and operator precedence
// (condexpr < or < and < not < compare < + - < ~ < * / // % < ** < unary < postfix/filters/tests).
// After parsing, a resolution pass binds filters and tests to builtins; like Jinja2 it rejects an
// unknown filter or test at compile time unless it sits inside an `if` (or conditional
// expression) of the same scope, where the error is deferred until it is evaluated.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "template/ast.h"
#include "template/lexer.h"

namespace vela::openai::jinja {

/// The names a template uses, interned to dense ids.
class NameTable {
  public:
    /// The id of `name`, adding it when new.
    uint32_t intern(std::string_view name);
    /// The id of `name`, or -1 when the template never mentions it.
    int64_t find(std::string_view name) const;
    /// The spelling of id `id`.
    const std::string& name(uint32_t id) const { return names_[id]; }
    /// The number of names.
    size_t size() const { return names_.size(); }

  private:
    std::vector<std::string> names_;
    std::unordered_map<std::string, uint32_t> ids_;
};

/// A parsed template: its statements and its names.
struct ParsedTemplate {
    Body body;
    NameTable names;
};

/// Parses `tokens` (from tokenize); throws a Syntax-kind TemplateError with the position.
ParsedTemplate parse_template(std::vector<Token> tokens);

}  // namespace vela::openai::jinja
