// Jinja2's builtin tests (jinja2/tests.py semantics): `x is defined`, `x is string`, `x is
// divisibleby 3`, the comparison aliases, and so on. Type tests answer what Python's isinstance /
// protocol checks answer for the corresponding Python object, including jinja2.Undefined's quirks
// (it is iterable, a sequence and callable).
#include <unordered_map>

#include "template/builtins.h"
#include "template/interpreter.h"
#include "template/operators.h"
#include "template/py_text.h"
#include "template/template_error.h"

namespace vela::openai::jinja {

namespace {

const Value& single_arg(CallArgs& args, const char* test) {
    if (args.positional.size() != 1 || !args.keywords.empty()) {
        throw_type_error(std::string("test '") + test + "' takes exactly one argument");
    }
    return args.positional[0];
}

void no_args(CallArgs& args, const char* test) {
    if (!args.positional.empty() || !args.keywords.empty()) {
        throw_type_error(std::string("test '") + test + "' takes no arguments");
    }
}

bool t_defined(Interpreter&, const Value& v, CallArgs& args) {
    no_args(args, "defined");
    return !v.is_undefined();
}

bool t_undefined(Interpreter&, const Value& v, CallArgs& args) {
    no_args(args, "undefined");
    return v.is_undefined();
}

bool t_none(Interpreter&, const Value& v, CallArgs& args) {
    no_args(args, "none");
    return v.is_none();
}

bool t_boolean(Interpreter&, const Value& v, CallArgs& args) {
    no_args(args, "boolean");
    return v.is_bool();
}

bool t_true(Interpreter&, const Value& v, CallArgs& args) {
    no_args(args, "true");
    return v.is_bool() && v.as_bool();
}

bool t_false(Interpreter&, const Value& v, CallArgs& args) {
    no_args(args, "false");
    return v.is_bool() && !v.as_bool();
}

bool t_integer(Interpreter&, const Value& v, CallArgs& args) {
    no_args(args, "integer");
    return v.is_int();
}

bool t_float(Interpreter&, const Value& v, CallArgs& args) {
    no_args(args, "float");
    return v.is_float();
}

bool t_number(Interpreter&, const Value& v, CallArgs& args) {
    no_args(args, "number");
    return v.is_number();
}

bool t_string(Interpreter&, const Value& v, CallArgs& args) {
    no_args(args, "string");
    return v.is_string();
}

bool t_mapping(Interpreter&, const Value& v, CallArgs& args) {
    no_args(args, "mapping");
    return v.is_dict();
}

bool t_sequence(Interpreter&, const Value& v, CallArgs& args) {
    no_args(args, "sequence");
    // len() and __getitem__ both exist: str, list, tuple, dict and jinja2.Undefined.
    if (v.is_list()) return v.list_kind() == ListKind::List || v.list_kind() == ListKind::Tuple;
    return v.is_string() || v.is_dict() || v.is_undefined();
}

bool t_iterable(Interpreter&, const Value& v, CallArgs& args) {
    no_args(args, "iterable");
    if (v.is_object()) return v.as_object().type_name() == "LoopContext";
    return v.is_string() || v.is_list() || v.is_dict() || v.is_undefined();
}

bool t_callable(Interpreter&, const Value& v, CallArgs& args) {
    no_args(args, "callable");
    if (v.is_object())
        return v.as_object().type_name() != "Namespace" && v.as_object().type_name() != "Cycler";
    return v.is_callable() || v.is_undefined();
}

bool t_escaped(Interpreter&, const Value& v, CallArgs& args) {
    no_args(args, "escaped");
    return v.is_markup();
}

bool t_lower(Interpreter&, const Value& v, CallArgs& args) {
    no_args(args, "lower");
    bool cased = false;
    for (char32_t cp : to_code_points(py_str(v))) {
        if (is_upper_cp(cp)) return false;
        if (is_lower_cp(cp)) cased = true;
    }
    return cased;
}

bool t_upper(Interpreter&, const Value& v, CallArgs& args) {
    no_args(args, "upper");
    bool cased = false;
    for (char32_t cp : to_code_points(py_str(v))) {
        if (is_lower_cp(cp)) return false;
        if (is_upper_cp(cp)) cased = true;
    }
    return cased;
}

bool t_odd(Interpreter&, const Value& v, CallArgs& args) {
    no_args(args, "odd");
    return py_equal(py_binary(BinaryOp::Mod, v, Value::integer(2)), Value::integer(1));
}

bool t_even(Interpreter&, const Value& v, CallArgs& args) {
    no_args(args, "even");
    return py_equal(py_binary(BinaryOp::Mod, v, Value::integer(2)), Value::integer(0));
}

bool t_divisibleby(Interpreter&, const Value& v, CallArgs& args) {
    const Value& n = single_arg(args, "divisibleby");
    return py_equal(py_binary(BinaryOp::Mod, v, n), Value::integer(0));
}

bool t_eq(Interpreter&, const Value& v, CallArgs& args) {
    return py_equal(v, single_arg(args, "eq"));
}
bool t_ne(Interpreter&, const Value& v, CallArgs& args) {
    return !py_equal(v, single_arg(args, "ne"));
}
bool t_lt(Interpreter&, const Value& v, CallArgs& args) {
    return py_less(v, single_arg(args, "lt"));
}
bool t_gt(Interpreter&, const Value& v, CallArgs& args) {
    return py_less(single_arg(args, "gt"), v);
}

bool t_le(Interpreter&, const Value& v, CallArgs& args) {
    const Value& other = single_arg(args, "le");
    return py_less(v, other) || py_equal(v, other);
}

bool t_ge(Interpreter&, const Value& v, CallArgs& args) {
    const Value& other = single_arg(args, "ge");
    return py_less(other, v) || py_equal(v, other);
}

bool t_in(Interpreter&, const Value& v, CallArgs& args) {
    return py_contains(single_arg(args, "in"), v);
}

// Python's `is`: identity. Small ints, bools and None are singletons; containers compare by the
// identity of their payload.
bool t_sameas(Interpreter&, const Value& v, CallArgs& args) {
    const Value& other = single_arg(args, "sameas");
    if (v.kind() != other.kind()) return false;
    switch (v.kind()) {
        case ValueKind::None:
        case ValueKind::Bool:
            return py_equal(v, other);
        case ValueKind::Int:
            return v.as_int() == other.as_int() && v.as_int() >= -5 && v.as_int() <= 256;
        case ValueKind::Undefined:
        case ValueKind::Float:
            return false;
        default:
            return v.identity() == other.identity();
    }
}

bool t_filter(Interpreter&, const Value& v, CallArgs& args) {
    no_args(args, "filter");
    return v.is_string() && find_filter(v.as_string()) != nullptr;
}

bool t_test(Interpreter&, const Value& v, CallArgs& args) {
    no_args(args, "test");
    return v.is_string() && find_test(v.as_string()) != nullptr;
}

const std::unordered_map<std::string_view, TestFn>& test_table() {
    static const std::unordered_map<std::string_view, TestFn> kTests = {
        {"!=", t_ne},
        {"<", t_lt},
        {"<=", t_le},
        {"==", t_eq},
        {">", t_gt},
        {">=", t_ge},
        {"boolean", t_boolean},
        {"callable", t_callable},
        {"defined", t_defined},
        {"divisibleby", t_divisibleby},
        {"eq", t_eq},
        {"equalto", t_eq},
        {"escaped", t_escaped},
        {"even", t_even},
        {"false", t_false},
        {"filter", t_filter},
        {"float", t_float},
        {"ge", t_ge},
        {"greaterthan", t_gt},
        {"gt", t_gt},
        {"in", t_in},
        {"integer", t_integer},
        {"iterable", t_iterable},
        {"le", t_le},
        {"lessthan", t_lt},
        {"lower", t_lower},
        {"lt", t_lt},
        {"mapping", t_mapping},
        {"ne", t_ne},
        {"none", t_none},
        {"number", t_number},
        {"odd", t_odd},
        {"sameas", t_sameas},
        {"sequence", t_sequence},
        {"string", t_string},
        {"test", t_test},
        {"true", t_true},
        {"undefined", t_undefined},
        {"upper", t_upper},
    };
    return kTests;
}

}  // namespace

TestFn find_test(std::string_view name) {
    const auto& table = test_table();
    const auto it = table.find(name);
    return it == table.end() ? nullptr : it->second;
}

}  // namespace vela::openai::jinja
