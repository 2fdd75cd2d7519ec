// Jinja2's attribute and item rules (the sandboxed Environment.getattr/getitem): `x.name` prefers a
// Python attribute (a method) and falls back to the item, `x[key]` the reverse; missing ones become
// undefined values that remember why; mutating methods come back as "unsafe" undefined values that
// raise when called; slices follow Python's rules and raise on objects that cannot be sliced.
#include "template/builtins.h"
#include "template/interpreter.h"
#include "template/operators.h"
#include "template/py_text.h"
#include "template/runtime_objects.h"
#include "template/template_error.h"

namespace vela::openai::jinja {

namespace {

const char* owner_name(const Value& value) {
    switch (value.kind()) {
        case ValueKind::Dict:
            return "dict object";
        case ValueKind::String:
            return "str object";
        case ValueKind::List:
            return value.list_kind() == ListKind::Tuple ? "tuple object" : "list object";
        case ValueKind::None:
            return "None";
        case ValueKind::Bool:
            return "bool object";
        case ValueKind::Int:
            return "int object";
        case ValueKind::Float:
            return "float object";
        case ValueKind::Callable:
            return "function object";
        default:
            return "object";
    }
}

Value method_value(const Value& self, const MethodEntry& entry,
                   const std::shared_ptr<const StringData>& name) {
    if (entry.unsafe) {
        return Value::undefined(UndefinedReason::Unsafe, name,
                                self.is_dict() ? "dict" : (self.is_list() ? "list" : "str"));
    }
    return make_bound_method(self, entry.fn, name);
}

MethodEntry method_for(const Value& self, std::string_view name) {
    switch (self.kind()) {
        case ValueKind::String:
            return find_str_method(name);
        case ValueKind::List:
            return find_list_method(name);
        case ValueKind::Dict:
            return find_dict_method(name);
        default:
            return {};
    }
}

}  // namespace

Value Interpreter::get_attribute(const Value& object, const std::shared_ptr<const StringData>& name) {
    const std::string& attr = name->text;
    if (object.is_undefined()) throw_undefined(object);
    if (attr.size() >= 2 && attr[0] == '_' && attr[1] == '_') {
        return Value::undefined(UndefinedReason::Unsafe, name, owner_name(object));
    }
    switch (object.kind()) {
        case ValueKind::Dict: {
            const MethodEntry method = find_dict_method(attr);
            if (method.fn != nullptr) return method_value(object, method, name);
            if (const Value* value = object.as_dict().find(std::string_view(attr))) return *value;
            break;
        }
        case ValueKind::String:
        case ValueKind::List: {
            const MethodEntry method = method_for(object, attr);
            if (method.fn != nullptr) return method_value(object, method, name);
            break;
        }
        case ValueKind::Object:
            return object.as_object().attribute(attr);
        default:
            break;
    }
    return Value::undefined(UndefinedReason::Attribute, name, owner_name(object));
}

Value Interpreter::eval_getattr(const GetAttrExpr& expr) {
    return get_attribute(eval(*expr.object), expr.name);
}

Value Interpreter::get_item(const Value& object, const Value& key) {
    if (object.is_undefined()) throw_undefined(object);
    switch (object.kind()) {
        case ValueKind::Dict:
            if (const Value* value = object.as_dict().find(key)) return *value;
            break;
        case ValueKind::List:
        case ValueKind::String:
            if ((key.is_int() || key.is_bool()) && (object.is_string() || object.is_sequence())) {
                int64_t index = key.as_int();
                const int64_t length = py_len(object);
                if (index < 0) index += length;
                if (index >= 0 && index < length) {
                    if (object.is_list()) return object.items()[static_cast<size_t>(index)];
                    const std::string& text = object.as_string();
                    if (is_ascii(text)) {
                        return Value::string(text.substr(static_cast<size_t>(index), 1), object.is_markup());
                    }
                    const size_t begin = byte_offset_of(text, index);
                    size_t end = begin;
                    decode_utf8(text, end);
                    return Value::string(text.substr(begin, end - begin), object.is_markup());
                }
                return Value::undefined(UndefinedReason::Element,
                                        std::make_shared<const StringData>(std::to_string(key.as_int())),
                                        owner_name(object));
            }
            break;
        case ValueKind::Object:
            if (key.is_string()) return object.as_object().attribute(key.as_string());
            break;
        default:
            break;
    }
    if (key.is_string()) {
        const std::string& attr = key.as_string();
        const MethodEntry method = method_for(object, attr);
        if (method.fn != nullptr && !(attr.size() >= 2 && attr[0] == '_' && attr[1] == '_')) {
            return method_value(object, method, key.string_data());
        }
        return Value::undefined(UndefinedReason::Attribute, key.string_data(), owner_name(object));
    }
    return Value::undefined(UndefinedReason::Element, std::make_shared<const StringData>(py_repr(key)),
                            owner_name(object));
}

Value Interpreter::slice(const Value& object, const SliceExpr& expr) {
    auto bound = [&](const ExprPtr& part, int64_t& storage) -> const int64_t* {
        if (!part) return nullptr;
        Value v = eval(*part);
        if (v.is_none()) return nullptr;
        if (!v.is_int() && !v.is_bool()) {
            throw_type_error("slice indices must be integers or None or have an __index__ method");
        }
        storage = v.as_int();
        return &storage;
    };
    int64_t start_storage = 0;
    int64_t stop_storage = 0;
    int64_t step_storage = 1;
    const int64_t* start = bound(expr.start, start_storage);
    const int64_t* stop = bound(expr.stop, stop_storage);
    const int64_t* step_ptr = bound(expr.step, step_storage);
    const int64_t step = step_ptr ? *step_ptr : 1;
    if (object.is_undefined()) throw_undefined(object);
    if (step == 0) throw_type_error("slice step cannot be zero");
    if (object.is_sequence()) {
        const auto& items = object.items();
        std::vector<Value> out;
        for (int64_t i : py_slice_indices(static_cast<int64_t>(items.size()), start, stop, step)) {
            out.push_back(items[static_cast<size_t>(i)]);
        }
        return Value::list(std::move(out),
                           object.list_kind() == ListKind::Tuple ? ListKind::Tuple : ListKind::List);
    }
    if (object.is_string()) {
        const std::string& text = object.as_string();
        std::string out;
        if (is_ascii(text)) {
            if (step == 1) {
                const auto indices = py_slice_indices(static_cast<int64_t>(text.size()), start, stop, 1);
                if (!indices.empty()) {
                    out = text.substr(static_cast<size_t>(indices.front()), indices.size());
                }
            } else {
                for (int64_t i : py_slice_indices(static_cast<int64_t>(text.size()), start, stop, step)) {
                    out.push_back(text[static_cast<size_t>(i)]);
                }
            }
        } else {
            const auto cps = to_code_points(text);
            for (int64_t i : py_slice_indices(static_cast<int64_t>(cps.size()), start, stop, step)) {
                append_utf8(out, cps[static_cast<size_t>(i)]);
            }
        }
        return Value::string(std::move(out), object.is_markup());
    }
    if (object.is_dict()) throw_type_error("unhashable type: 'slice'");
    throw_type_error("'" + std::string(py_type_name(object)) + "' object is not subscriptable");
}

Value Interpreter::eval_getitem(const GetItemExpr& expr) {
    Value object = eval(*expr.object);
    if (expr.index->kind == ExprKind::Slice) {
        return slice(object, static_cast<const SliceExpr&>(*expr.index));
    }
    return get_item(object, eval(*expr.index));
}

}  // namespace vela::openai::jinja
