// Helpers shared by the filter files, and the sequence filters that filters.cpp's table names.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "template/ast.h"
#include "template/template_error.h"
#include "template/value.h"

namespace vela::openai::jinja {

/// soft_str(): strings (and Markup) unchanged, anything else through str().
Value soft_str(const Value& value);

/// A shared string payload holding `text`.
std::shared_ptr<const StringData> text_data(std::string_view text);

/// Jinja2's make_attrgetter: "a.b.0" applied with environment.getitem per part (digit-only parts as
/// integers); `fallback`, when defined and not None, replaces an undefined result after each part.
Value get_attribute_path(Interpreter& interpreter, const Value& item, const Value& attribute,
                         const Value& fallback = Value());

/// The sort key of sort/dictsort/unique/min/max: lower-cased strings unless case-sensitive.
Value sort_key(const Value& value, bool case_sensitive);

/// An undefined value whose message is `message`.
Value undefined_with(const char* message);

// Runs `fill` to produce a generator's items. An error it raises is kept and raised when the
// generator is iterated past the items produced so far, as a lazy Python generator would.
template <class F>
Value generate(F&& fill) {
    std::vector<Value> items;
    try {
        fill(items);
    } catch (const TemplateError& error) {
        return make_generator(std::move(items), std::make_shared<const TemplateError>(error));
    }
    return make_generator(std::move(items));
}

// Sequence filters (sequence_filters.cpp).
Value f_batch(Interpreter& interpreter, const Value& input, CallArgs& args);
Value f_dictsort(Interpreter& interpreter, const Value& input, CallArgs& args);
Value f_first(Interpreter& interpreter, const Value& input, CallArgs& args);
Value f_last(Interpreter& interpreter, const Value& input, CallArgs& args);
Value f_items(Interpreter& interpreter, const Value& input, CallArgs& args);
Value f_join(Interpreter& interpreter, const Value& input, CallArgs& args);
Value f_length(Interpreter& interpreter, const Value& input, CallArgs& args);
Value f_list(Interpreter& interpreter, const Value& input, CallArgs& args);
Value f_map(Interpreter& interpreter, const Value& input, CallArgs& args);
Value f_max(Interpreter& interpreter, const Value& input, CallArgs& args);
Value f_min(Interpreter& interpreter, const Value& input, CallArgs& args);
Value f_select(Interpreter& interpreter, const Value& input, CallArgs& args);
Value f_reject(Interpreter& interpreter, const Value& input, CallArgs& args);
Value f_selectattr(Interpreter& interpreter, const Value& input, CallArgs& args);
Value f_rejectattr(Interpreter& interpreter, const Value& input, CallArgs& args);
Value f_reverse(Interpreter& interpreter, const Value& input, CallArgs& args);
Value f_slice(Interpreter& interpreter, const Value& input, CallArgs& args);
Value f_sort(Interpreter& interpreter, const Value& input, CallArgs& args);
Value f_sum(Interpreter& interpreter, const Value& input, CallArgs& args);
Value f_unique(Interpreter& interpreter, const Value& input, CallArgs& args);

}  // namespace vela::openai::jinja
