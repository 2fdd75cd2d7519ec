// A compiled Jinja template: the engine's private entry point. Compile once (lexing, parsing and
// builtin resolution happen here), then render any number of times, concurrently if wanted: the
// compiled tree is immutable and each render runs its own Interpreter. The OpenAI adapter renders
// with a Value context it builds directly; ChatTemplate (the public API) wraps this class and
// accepts JSON text instead.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "template/interpreter.h"
#include "template/parser.h"
#include "template/template_error.h"
#include "template/value.h"
#include "vela/core/error.h"

namespace vela::openai::jinja {

/// A compiled template.
class Template {
  public:
    /// Compiles `source`; a syntax error names its line and column.
    static Result<Template> compile(std::string_view source);

    /// Renders with the variables of `context` (a dict Value: each string key becomes a template
    /// variable; absent names are undefined). A template error names its line and column.
    Result<std::string> render(const Value& context, const RenderOptions& options = {}) const;

  private:
    std::shared_ptr<const ParsedTemplate> parsed_;
    std::shared_ptr<const std::vector<Value>> globals_;  // by name id; undefined where no global
};

/// Formats a TemplateError as "line L, column C: message" (position omitted when unknown).
std::string describe(const TemplateError& error);

}  // namespace vela::openai::jinja
