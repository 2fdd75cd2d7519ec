// Traversal helpers for the syntax tree and the pass that binds builtins after parsing.
#pragma once

#include <functional>

#include "template/ast.h"

namespace vela::openai::jinja {

/// Calls `visit` on every child expression of `e` and `visit_args` on its argument lists.
void for_each_child(const Expr* e, const std::function<void(const Expr*)>& visit,
                    const std::function<void(const Arguments&)>& visit_args);

/// Calls the visitors on the expressions and bodies directly inside statement `s`.
void for_each_stmt_child(const Stmt* s, const std::function<void(const Expr*)>& visit,
                         const std::function<void(const Body&)>& visit_body,
                         const std::function<void(const Arguments&)>& visit_args);

/// Binds filters, tests and methods to builtins. Like Jinja2, an unknown filter or test is a
/// syntax error unless it sits inside an if statement or conditional expression of the same scope,
/// where the error is deferred until it is evaluated. Throws a Syntax-kind TemplateError.
void resolve_builtins(Body& body);

}  // namespace vela::openai::jinja
