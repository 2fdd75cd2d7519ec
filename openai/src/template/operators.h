// Python's operators on Values: arithmetic with int/float promotion and floor semantics, sequence
// concatenation and repetition, printf-style `%` on strings, unary minus/plus, and membership.
// markupsafe.Markup operands escape their plain-string partner, as in Python.
#pragma once

#include "template/ast.h"
#include "template/value.h"

namespace vela::openai::jinja {

/// `a <op> b` with Python semantics; throws TemplateError on type errors and division by zero.
Value py_binary(BinaryOp op, const Value& a, const Value& b);

/// `-a`.
Value py_negate(const Value& a);

/// `+a`.
Value py_positive(const Value& a);

/// `item in container`.
bool py_contains(const Value& container, const Value& item);

/// Throws the UndefinedError (or SecurityError) that using undefined `value` raises.
[[noreturn]] void throw_undefined(const Value& value);

}  // namespace vela::openai::jinja
