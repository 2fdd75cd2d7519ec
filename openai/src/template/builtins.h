// Lookup tables of the engine's builtins: Jinja2's filters and tests (plus Hugging Face's tojson),
// the Python methods of str, list and dict that templates call, and the global functions (range,
// dict, namespace, cycler, joiner, raise_exception, strftime_now). Each table lives in its own
// file; this header is how the parser and interpreter find an entry by name.
#pragma once

#include <initializer_list>
#include <string_view>
#include <vector>

#include "template/ast.h"

namespace vela::openai::jinja {

/// The filter named `name`, or null.
FilterFn find_filter(std::string_view name);

/// The test named `name`, or null.
TestFn find_test(std::string_view name);

/// A Python method; `unsafe` marks the mutating ones the immutable sandbox refuses to call.
struct MethodEntry {
    MethodFn fn = nullptr;
    bool unsafe = false;
};

/// The str method named `name` (fn null when none).
MethodEntry find_str_method(std::string_view name);

/// The list method named `name` (fn null when none).
MethodEntry find_list_method(std::string_view name);

/// The dict method named `name` (fn null when none).
MethodEntry find_dict_method(std::string_view name);

/// The global function named `name`, or an undefined value.
Value find_global(std::string_view name);

/// Binds call arguments to a parameter list as Python does for a builtin function: positional
/// arguments fill `params` in order, keywords by name. Throws a TypeError-kind TemplateError for a
/// duplicate, unknown or surplus argument. Unfilled slots stay undefined.
class ArgBinder {
  public:
    /// Binds `args` for function `function` with parameter names `params`.
    ArgBinder(std::string_view function, CallArgs& args, std::initializer_list<std::string_view> params);
    /// The bound argument `i`, or undefined when not given.
    const Value& operator[](size_t i) const { return values_[i]; }
    /// True when argument `i` was given.
    bool has(size_t i) const { return given_[i]; }

  private:
    std::vector<Value> values_;
    std::vector<bool> given_;
};

/// Throws unless `value` is an int (or bool); `what` names the argument in the message.
int64_t require_int(const Value& value, std::string_view what);

}  // namespace vela::openai::jinja
