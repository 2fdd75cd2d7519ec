// Python operator semantics. Integers are 64-bit: an overflowing result raises an error instead of
// silently wrapping (Python would switch to a big integer).
#include "template/operators.h"

#include <cmath>
#include <limits>

#include "template/py_format.h"
#include "template/py_text.h"
#include "template/template_error.h"

namespace vela::openai::jinja {

namespace {

constexpr size_t kMaxRepeatBytes = size_t{64} << 20;  // refuse 'x' * n results past 64 MiB

const char* op_symbol(BinaryOp op) {
    switch (op) {
        case BinaryOp::Add:
            return "+";
        case BinaryOp::Sub:
            return "-";
        case BinaryOp::Mul:
            return "*";
        case BinaryOp::Div:
            return "/";
        case BinaryOp::FloorDiv:
            return "//";
        case BinaryOp::Mod:
            return "%";
        case BinaryOp::Pow:
            return "**";
    }
    return "?";
}

[[noreturn]] void unsupported(BinaryOp op, const Value& a, const Value& b) {
    throw_type_error(std::string("unsupported operand type(s) for ") + op_symbol(op) + ": '" +
                     std::string(py_type_name(a)) + "' and '" + std::string(py_type_name(b)) + "'");
}

[[noreturn]] void overflow(BinaryOp op) {
    throw_type_error(std::string("integer overflow in '") + op_symbol(op) +
                     "': vela's Jinja integers are 64-bit");
}

[[noreturn]] void zero_division(const char* what) {
    throw TemplateError(TemplateErrorKind::Type, std::string("ZeroDivisionError: ") + what);
}

// Python's float floor division and modulo (Objects/floatobject.c float_divmod semantics).
void float_divmod(double vx, double wx, double& div, double& mod) {
    mod = std::fmod(vx, wx);
    div = (vx - mod) / wx;
    if (mod != 0.0) {
        if ((wx < 0) != (mod < 0)) {
            mod += wx;
            div -= 1.0;
        }
    } else {
        mod = std::copysign(0.0, wx);
    }
    if (div != 0.0) {
        double floordiv = std::floor(div);
        if (div - floordiv > 0.5) floordiv += 1.0;
        div = floordiv;
    } else {
        div = std::copysign(0.0, vx / wx);
    }
}

Value repeat(const Value& sequence, int64_t count) {
    if (count < 0) count = 0;
    if (sequence.is_string()) {
        const std::string& text = sequence.as_string();
        if (!text.empty() && static_cast<size_t>(count) > kMaxRepeatBytes / text.size()) {
            throw TemplateError(TemplateErrorKind::Limit, "string repetition result is too large");
        }
        std::string out;
        out.reserve(text.size() * static_cast<size_t>(count));
        for (int64_t i = 0; i < count; ++i)
            out += text;
        return Value::string(std::move(out), sequence.is_markup());
    }
    const auto& items = sequence.items();
    if (!items.empty() && static_cast<size_t>(count) > kMaxListItems / items.size()) {
        throw TemplateError(TemplateErrorKind::Limit, "list repetition result is too large");
    }
    std::vector<Value> out;
    out.reserve(items.size() * static_cast<size_t>(count));
    for (int64_t i = 0; i < count; ++i)
        out.insert(out.end(), items.begin(), items.end());
    return Value::list(std::move(out),
                       sequence.list_kind() == ListKind::Tuple ? ListKind::Tuple : ListKind::List);
}

Value add(const Value& a, const Value& b) {
    if (a.is_number() && b.is_number()) {
        if (a.is_float() || b.is_float()) return Value::floating(a.as_double() + b.as_double());
        int64_t r = 0;
        if (__builtin_add_overflow(a.as_int(), b.as_int(), &r)) overflow(BinaryOp::Add);
        return Value::integer(r);
    }
    if (a.is_string() && b.is_string()) {
        if (a.as_string().size() + b.as_string().size() > kMaxRepeatBytes) {
            throw TemplateError(TemplateErrorKind::Limit, "string concatenation result is too large");
        }
        if (a.is_markup() && !b.is_markup())
            return Value::string(a.as_string() + html_escape(b.as_string()), true);
        if (!a.is_markup() && b.is_markup())
            return Value::string(html_escape(a.as_string()) + b.as_string(), true);
        return Value::string(a.as_string() + b.as_string(), a.is_markup());
    }
    if (a.is_list() && b.is_list() && a.list_kind() == b.list_kind() &&
        (a.list_kind() == ListKind::List || a.list_kind() == ListKind::Tuple)) {
        if (a.items().size() + b.items().size() > kMaxListItems) {
            throw TemplateError(TemplateErrorKind::Limit, "list concatenation result is too large");
        }
        std::vector<Value> items = a.items();
        items.insert(items.end(), b.items().begin(), b.items().end());
        return Value::list(std::move(items), a.list_kind());
    }
    if (a.is_string() && !a.is_markup()) {
        throw_type_error("can only concatenate str (not \"" + std::string(py_type_name(b)) + "\") to str");
    }
    if (a.is_list() && a.list_kind() == ListKind::List) {
        throw_type_error("can only concatenate list (not \"" + std::string(py_type_name(b)) + "\") to list");
    }
    unsupported(BinaryOp::Add, a, b);
}

Value multiply(const Value& a, const Value& b) {
    if (a.is_number() && b.is_number()) {
        if (a.is_float() || b.is_float()) return Value::floating(a.as_double() * b.as_double());
        int64_t r = 0;
        if (__builtin_mul_overflow(a.as_int(), b.as_int(), &r)) overflow(BinaryOp::Mul);
        return Value::integer(r);
    }
    const bool a_seq = a.is_string() ||
                       (a.is_list() && (a.list_kind() == ListKind::List || a.list_kind() == ListKind::Tuple));
    const bool b_seq = b.is_string() ||
                       (b.is_list() && (b.list_kind() == ListKind::List || b.list_kind() == ListKind::Tuple));
    if (a_seq && (b.is_int() || b.is_bool())) return repeat(a, b.as_int());
    if (b_seq && (a.is_int() || a.is_bool())) return repeat(b, a.as_int());
    if (a_seq || b_seq) {
        const Value& other = a_seq ? b : a;
        throw_type_error("can't multiply sequence by non-int of type '" + std::string(py_type_name(other)) +
                         "'");
    }
    unsupported(BinaryOp::Mul, a, b);
}

Value power(const Value& a, const Value& b) {
    if (!a.is_number() || !b.is_number()) unsupported(BinaryOp::Pow, a, b);
    if (!a.is_float() && !b.is_float()) {
        const int64_t base = a.as_int();
        int64_t exponent = b.as_int();
        if (exponent < 0) {
            if (base == 0) zero_division("0.0 cannot be raised to a negative power");
            return Value::floating(std::pow(static_cast<double>(base), static_cast<double>(exponent)));
        }
        int64_t result = 1;
        int64_t factor = base;
        while (exponent > 0) {
            if (exponent & 1) {
                if (__builtin_mul_overflow(result, factor, &result)) overflow(BinaryOp::Pow);
            }
            exponent >>= 1;
            if (exponent > 0 && __builtin_mul_overflow(factor, factor, &factor)) overflow(BinaryOp::Pow);
        }
        return Value::integer(result);
    }
    const double x = a.as_double();
    const double y = b.as_double();
    if (x == 0.0 && y < 0) zero_division("0.0 cannot be raised to a negative power");
    if (x < 0 && std::isfinite(y) && y != std::floor(y)) {
        throw_type_error(
            "a negative number to a fractional power is complex in Python; vela has no complex numbers");
    }
    return Value::floating(std::pow(x, y));
}

Value divide_floor_or_mod(BinaryOp op, const Value& a, const Value& b) {
    if (!a.is_number() || !b.is_number()) unsupported(op, a, b);
    if (a.is_float() || b.is_float()) {
        const double wx = b.as_double();
        if (wx == 0.0) zero_division(op == BinaryOp::Mod ? "float modulo" : "float floor division by zero");
        double div = 0;
        double mod = 0;
        float_divmod(a.as_double(), wx, div, mod);
        return Value::floating(op == BinaryOp::Mod ? mod : div);
    }
    const int64_t x = a.as_int();
    const int64_t y = b.as_int();
    if (y == 0)
        zero_division(op == BinaryOp::Mod ? "integer modulo by zero" : "integer division or modulo by zero");
    if (x == std::numeric_limits<int64_t>::min() && y == -1) {
        if (op == BinaryOp::Mod) return Value::integer(0);
        overflow(op);
    }
    int64_t q = x / y;
    int64_t r = x % y;
    if (r != 0 && ((r < 0) != (y < 0))) {
        --q;
        r += y;
    }
    return Value::integer(op == BinaryOp::Mod ? r : q);
}

}  // namespace

void throw_undefined(const Value& value) {
    if (value.undefined_reason() == UndefinedReason::Unsafe) {
        throw TemplateError(TemplateErrorKind::Security, value.undefined_message());
    }
    throw TemplateError(TemplateErrorKind::Undefined, value.undefined_message());
}

Value py_binary(BinaryOp op, const Value& a, const Value& b) {
    if (a.is_undefined()) throw_undefined(a);
    // str % Undefined formats the undefined value as "" (str.__mod__ runs before Undefined's hooks).
    if (b.is_undefined() && !(op == BinaryOp::Mod && a.is_string())) throw_undefined(b);
    switch (op) {
        case BinaryOp::Add:
            return add(a, b);
        case BinaryOp::Sub:
            if (!a.is_number() || !b.is_number()) unsupported(op, a, b);
            if (a.is_float() || b.is_float()) return Value::floating(a.as_double() - b.as_double());
            {
                int64_t r = 0;
                if (__builtin_sub_overflow(a.as_int(), b.as_int(), &r)) overflow(op);
                return Value::integer(r);
            }
        case BinaryOp::Mul:
            return multiply(a, b);
        case BinaryOp::Div:
            if (!a.is_number() || !b.is_number()) unsupported(op, a, b);
            if (b.as_double() == 0.0)
                zero_division(a.is_float() || b.is_float() ? "float division by zero" : "division by zero");
            return Value::floating(a.as_double() / b.as_double());
        case BinaryOp::FloorDiv:
            return divide_floor_or_mod(op, a, b);
        case BinaryOp::Mod:
            if (a.is_string()) {
                Value args = b;
                if (a.is_markup()) {
                    // Markup.__mod__ escapes its string arguments.
                    auto escape = [](const Value& v) {
                        return v.is_string() && !v.is_markup()
                                   ? Value::string(html_escape(v.as_string()), true)
                                   : v;
                    };
                    if (b.is_list() && b.list_kind() == ListKind::Tuple) {
                        std::vector<Value> items;
                        for (const Value& item : b.items())
                            items.push_back(escape(item));
                        args = Value::list(std::move(items), ListKind::Tuple);
                    } else {
                        args = escape(b);
                    }
                }
                return Value::string(py_percent_format(a.as_string(), args), a.is_markup());
            }
            return divide_floor_or_mod(op, a, b);
        case BinaryOp::Pow:
            return power(a, b);
    }
    unsupported(op, a, b);
}

Value py_negate(const Value& a) {
    if (a.is_undefined()) throw_undefined(a);
    if (a.is_float()) return Value::floating(-a.as_double());
    if (a.is_int() || a.is_bool()) {
        if (a.as_int() == std::numeric_limits<int64_t>::min()) overflow(BinaryOp::Sub);
        return Value::integer(-a.as_int());
    }
    throw_type_error("bad operand type for unary -: '" + std::string(py_type_name(a)) + "'");
}

Value py_positive(const Value& a) {
    if (a.is_undefined()) throw_undefined(a);
    if (a.is_float()) return a;
    if (a.is_int() || a.is_bool()) return Value::integer(a.as_int());
    throw_type_error("bad operand type for unary +: '" + std::string(py_type_name(a)) + "'");
}

bool py_contains(const Value& container, const Value& item) {
    switch (container.kind()) {
        case ValueKind::Undefined:
            return false;
        case ValueKind::String:
            if (!item.is_string()) {
                throw_type_error("'in <string>' requires string as left operand, not " +
                                 std::string(py_type_name(item)));
            }
            return container.as_string().find(item.as_string()) != std::string::npos;
        case ValueKind::List:
            if (container.is_generator()) {
                // `x in generator` consumes it up to and including the first match.
                while (true) {
                    const ListData& data = container.list_data();
                    if (data.n_consumed >= data.items.size() && !data.pending_error) return false;
                    if (py_equal(next_generator_item(container), item)) return true;
                }
            }
            for (const Value& element : container.items()) {
                if (py_equal(element, item)) return true;
            }
            return false;
        case ValueKind::Dict:
            if (!py_hashable(item))
                throw_type_error("unhashable type: '" + std::string(py_type_name(item)) + "'");
            return container.as_dict().find(item) != nullptr;
        default:
            throw_type_error("argument of type '" + std::string(py_type_name(container)) +
                             "' is not iterable");
    }
}

}  // namespace vela::openai::jinja
