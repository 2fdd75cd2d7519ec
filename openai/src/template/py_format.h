// Python's string formatting: printf-style `str % args`, str.format() with the format-spec
// mini-language, and format(value, spec) for ints, floats and strings. Only the subset templates
// can reach is implemented (no `!a`, no nested attribute lookups beyond `.name` and `[key]`); other
// specs raise a clear error rather than guessing.
#pragma once

#include <string>
#include <string_view>

#include "template/value.h"

namespace vela::openai::jinja {

/// `format % args`: args is a tuple (several values), a dict (for %(name)s) or one value.
std::string py_percent_format(std::string_view format, const Value& args);

/// format(value, spec).
std::string py_format_value(const Value& value, std::string_view spec);

/// `format.format(*positional, **keywords)`.
std::string py_str_format(std::string_view format, const CallArgs& args);

}  // namespace vela::openai::jinja
