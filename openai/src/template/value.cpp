// Value construction and the Python protocols every operation builds on: truthiness, equality,
// ordering, len(), iter(), str() and repr(), each matching what CPython does for the corresponding
// built-in type so that rendered text is byte-identical to Jinja2's.
#include "template/value.h"

#include <algorithm>
#include <climits>
#include <cmath>

#include "template/py_text.h"
#include "template/template_error.h"

namespace vela::openai::jinja {

namespace {

thread_local int64_t t_work_remaining = INT64_MAX;

}  // namespace

void reset_work_budget(int64_t units) {
    t_work_remaining = units;
}

void charge_work(size_t units) {
    t_work_remaining -= static_cast<int64_t>(units);
    if (t_work_remaining < 0) {
        t_work_remaining = 0;
        throw TemplateError(TemplateErrorKind::Limit,
                            "the template did too much work (statements, iterations, items and text built)");
    }
}

namespace {

// The nesting depth a container gets from holding `value`.
uint32_t nested_depth(const Value& value) {
    if (value.is_list()) return value.list_data().depth + 1;
    if (value.is_dict()) return value.as_dict().depth() + 1;
    return 1;
}

void check_list_size(size_t n_items) {
    if (n_items > kMaxListItems) {
        throw TemplateError(TemplateErrorKind::Limit, "a list of " + std::to_string(n_items) +
                                                          " items exceeds the limit of " +
                                                          std::to_string(kMaxListItems));
    }
}

void check_nesting(uint32_t depth) {
    if (depth > kMaxValueNesting) {
        throw TemplateError(TemplateErrorKind::Limit, "lists and dicts nest more than " +
                                                          std::to_string(kMaxValueNesting) + " levels deep");
    }
}

}  // namespace

ListData::ListData(std::vector<Value> i, ListKind k) : items(std::move(i)), kind(k) {
    check_list_size(items.size());
    charge_work(items.size() + 1);
    for (const Value& item : items)
        depth = std::max(depth, nested_depth(item));
    check_nesting(depth);
}

Value make_generator(std::vector<Value> items, std::shared_ptr<const TemplateError> error) {
    Value generator = Value::list(std::move(items), ListKind::Generator);
    const_cast<ListData&>(generator.list_data()).pending_error = std::move(error);
    return generator;
}

Value next_generator_item(const Value& generator) {
    const ListData& data = generator.list_data();
    if (data.n_consumed < data.items.size()) return data.items[data.n_consumed++];
    if (data.pending_error) throw *data.pending_error;
    return Value();
}

bool ObjectData::set_attribute(std::string_view, Value) {
    return false;
}

const Value* DictData::find(std::string_view key) const {
    if (!string_index_.empty()) {
        const auto it = string_index_.find(key);
        return it == string_index_.end() ? nullptr : &entries_[it->second].second;
    }
    for (const auto& [k, v] : entries_) {
        if (k.is_string() && k.as_string() == key) return &v;
    }
    return nullptr;
}

const Value* DictData::find(const Value& key) const {
    if (key.is_string()) return find(std::string_view(key.as_string()));
    for (const auto& [k, v] : entries_) {
        if (py_equal(k, key)) return &v;
    }
    return nullptr;
}

void DictData::set(Value key, Value value) {
    const uint32_t depth = std::max(nested_depth(key), nested_depth(value));
    check_nesting(depth);
    depth_ = std::max(depth_, depth);
    if (const Value* existing = find(key)) {
        *const_cast<Value*>(existing) = std::move(value);
        return;
    }
    entries_.emplace_back(std::move(key), std::move(value));
    if (entries_.size() == kIndexThreshold) {
        for (size_t i = 0; i < entries_.size(); ++i) {
            if (entries_[i].first.is_string()) string_index_.emplace(entries_[i].first.as_string(), i);
        }
    } else if (entries_.size() > kIndexThreshold && entries_.back().first.is_string()) {
        string_index_.emplace(entries_.back().first.as_string(), entries_.size() - 1);
    }
}

Value Value::boolean(bool b) {
    Value v;
    v.kind_ = ValueKind::Bool;
    v.scalar_.b = b;
    return v;
}

Value Value::integer(int64_t i) {
    Value v;
    v.kind_ = ValueKind::Int;
    v.scalar_.i = i;
    return v;
}

Value Value::floating(double f) {
    Value v;
    v.kind_ = ValueKind::Float;
    v.scalar_.f = f;
    return v;
}

Value Value::none() {
    Value v;
    v.kind_ = ValueKind::None;
    return v;
}

Value Value::string(std::string text, bool markup) {
    charge_work((text.size() >> 6) + 1);
    return string(std::make_shared<const StringData>(std::move(text)), markup);
}

Value Value::string(std::shared_ptr<const StringData> data, bool markup) {
    Value v;
    v.kind_ = ValueKind::String;
    v.flags_ = markup ? 1 : 0;
    v.heap_ = std::const_pointer_cast<StringData>(std::move(data));
    return v;
}

Value Value::list(std::vector<Value> items, ListKind kind) {
    Value v;
    v.kind_ = ValueKind::List;
    v.heap_ = std::make_shared<ListData>(std::move(items), kind);
    return v;
}

Value Value::dict(std::shared_ptr<const DictData> data) {
    Value v;
    v.kind_ = ValueKind::Dict;
    v.heap_ = std::const_pointer_cast<DictData>(std::move(data));
    return v;
}

Value Value::dict(std::initializer_list<std::pair<std::string, Value>> entries) {
    auto data = std::make_shared<DictData>();
    for (const auto& [key, value] : entries)
        data->set(Value::string(key), value);
    return dict(std::move(data));
}

Value Value::callable(std::shared_ptr<const CallableData> data) {
    Value v;
    v.kind_ = ValueKind::Callable;
    v.heap_ = std::const_pointer_cast<CallableData>(std::move(data));
    return v;
}

Value Value::object(std::shared_ptr<ObjectData> data) {
    Value v;
    v.kind_ = ValueKind::Object;
    v.heap_ = std::move(data);
    return v;
}

Value Value::undefined(UndefinedReason reason, std::shared_ptr<const StringData> name,
                       const char* owner_type) {
    Value v;
    v.flags_ = static_cast<uint8_t>(reason);
    v.scalar_.owner_type = owner_type;
    v.heap_ = std::const_pointer_cast<StringData>(std::move(name));
    return v;
}

std::string Value::undefined_message() const {
    const std::string name = heap_ ? static_cast<const StringData&>(*heap_).text : std::string();
    const std::string owner = scalar_.owner_type ? scalar_.owner_type : "object";
    switch (undefined_reason()) {
        case UndefinedReason::Name:
            return py_repr_string(name) + " is undefined";
        case UndefinedReason::Attribute:
            return py_repr_string(owner) + " has no attribute " + py_repr_string(name);
        case UndefinedReason::Element:
            return owner + " has no element " + name;
        case UndefinedReason::Unsafe:
            return "access to attribute " + py_repr_string(name) + " of " + py_repr_string(owner) +
                   " object is unsafe.";
        case UndefinedReason::Plain:
            if (heap_) return name;  // the hint is the whole message
            break;
    }
    return "value is undefined";
}

std::string_view py_type_name(const Value& value) {
    switch (value.kind()) {
        case ValueKind::Undefined:
            return "Undefined";
        case ValueKind::None:
            return "NoneType";
        case ValueKind::Bool:
            return "bool";
        case ValueKind::Int:
            return "int";
        case ValueKind::Float:
            return "float";
        case ValueKind::String:
            return value.is_markup() ? "Markup" : "str";
        case ValueKind::List:
            switch (value.list_kind()) {
                case ListKind::List:
                    return "list";
                case ListKind::Tuple:
                    return "tuple";
                case ListKind::DictItems:
                    return "dict_items";
                case ListKind::DictKeys:
                    return "dict_keys";
                case ListKind::DictValues:
                    return "dict_values";
                case ListKind::Generator:
                    return "generator";
            }
            return "list";
        case ValueKind::Dict:
            return "dict";
        case ValueKind::Callable:
            return "function";
        case ValueKind::Object:
            return value.as_object().type_name();
    }
    return "object";
}

bool py_truthy(const Value& value) {
    switch (value.kind()) {
        case ValueKind::Undefined:
        case ValueKind::None:
            return false;
        case ValueKind::Bool:
            return value.as_bool();
        case ValueKind::Int:
            return value.as_int() != 0;
        case ValueKind::Float:
            return value.as_double() != 0.0;
        case ValueKind::String:
            return !value.as_string().empty();
        case ValueKind::List:
            return value.is_generator() || !value.items().empty();
        case ValueKind::Dict:
            return value.as_dict().size() != 0;
        case ValueKind::Callable:
        case ValueKind::Object:
            return true;
    }
    return false;
}

bool py_hashable(const Value& value) {
    if (value.is_dict()) return false;
    if (!value.is_list()) return true;
    if (value.list_kind() == ListKind::Generator) return true;
    if (value.list_kind() != ListKind::Tuple) return false;
    for (const Value& item : value.items()) {
        if (!py_hashable(item)) return false;
    }
    return true;
}

bool py_equal(const Value& a, const Value& b) {
    if (a.is_number() && b.is_number()) {
        if (a.is_float() || b.is_float()) return a.as_double() == b.as_double();
        return a.as_int() == b.as_int();
    }
    if (a.kind() != b.kind()) return false;
    switch (a.kind()) {
        case ValueKind::Undefined:
        case ValueKind::None:
            return true;
        case ValueKind::String:
            return a.as_string() == b.as_string();
        case ValueKind::List: {
            if (a.is_generator() || b.is_generator()) return a.identity() == b.identity();
            const bool a_tuple = a.list_kind() == ListKind::Tuple;
            const bool b_tuple = b.list_kind() == ListKind::Tuple;
            if (a_tuple != b_tuple) return false;
            const auto& x = a.items();
            const auto& y = b.items();
            if (x.size() != y.size()) return false;
            for (size_t i = 0; i < x.size(); ++i) {
                if (!py_equal(x[i], y[i])) return false;
            }
            return true;
        }
        case ValueKind::Dict: {
            const DictData& x = a.as_dict();
            const DictData& y = b.as_dict();
            if (x.size() != y.size()) return false;
            for (const auto& [key, value] : x.entries()) {
                const Value* other = y.find(key);
                if (other == nullptr || !py_equal(value, *other)) return false;
            }
            return true;
        }
        default:
            return a.identity() == b.identity();
    }
}

bool py_less(const Value& a, const Value& b) {
    if (a.is_number() && b.is_number()) {
        if (a.is_float() || b.is_float()) return a.as_double() < b.as_double();
        return a.as_int() < b.as_int();
    }
    if (a.is_string() && b.is_string()) return a.as_string() < b.as_string();
    if (a.is_sequence() && b.is_sequence() &&
        (a.list_kind() == ListKind::Tuple) == (b.list_kind() == ListKind::Tuple)) {
        const auto& x = a.items();
        const auto& y = b.items();
        for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
            if (!py_equal(x[i], y[i])) return py_less(x[i], y[i]);
        }
        return x.size() < y.size();
    }
    if (a.is_undefined() || b.is_undefined()) {
        throw TemplateError(TemplateErrorKind::Undefined, (a.is_undefined() ? a : b).undefined_message());
    }
    throw_type_error("'<' not supported between instances of '" + std::string(py_type_name(a)) + "' and '" +
                     std::string(py_type_name(b)) + "'");
}

void append_py_str(std::string& out, const Value& value) {
    switch (value.kind()) {
        case ValueKind::Undefined:
            return;
        case ValueKind::String:
            out += value.as_string();
            return;
        case ValueKind::Int:
            out += std::to_string(value.as_int());
            return;
        default:
            append_py_repr(out, value);
    }
}

std::string py_str(const Value& value) {
    std::string out;
    append_py_str(out, value);
    return out;
}

namespace {

void append_sequence(std::string& out, const std::vector<Value>& items, char open, char close) {
    out.push_back(open);
    for (size_t i = 0; i < items.size(); ++i) {
        if (i != 0) out += ", ";
        append_py_repr(out, items[i]);
    }
    out.push_back(close);
}

}  // namespace

void append_py_repr(std::string& out, const Value& value) {
    switch (value.kind()) {
        case ValueKind::Undefined:
            out += "Undefined";
            return;
        case ValueKind::None:
            out += "None";
            return;
        case ValueKind::Bool:
            out += value.as_bool() ? "True" : "False";
            return;
        case ValueKind::Int:
            out += std::to_string(value.as_int());
            return;
        case ValueKind::Float:
            out += py_repr_float(value.as_double());
            return;
        case ValueKind::String:
            if (value.is_markup()) {
                out += "Markup(" + py_repr_string(value.as_string()) + ")";
            } else {
                out += py_repr_string(value.as_string());
            }
            return;
        case ValueKind::List:
            switch (value.list_kind()) {
                case ListKind::List:
                    append_sequence(out, value.items(), '[', ']');
                    return;
                case ListKind::Tuple:
                    if (value.items().size() == 1) {
                        out.push_back('(');
                        append_py_repr(out, value.items()[0]);
                        out += ",)";
                    } else {
                        append_sequence(out, value.items(), '(', ')');
                    }
                    return;
                case ListKind::DictItems:
                    out += "dict_items(";
                    break;
                case ListKind::DictKeys:
                    out += "dict_keys(";
                    break;
                case ListKind::DictValues:
                    out += "dict_values(";
                    break;
                case ListKind::Generator:
                    out += "<generator object>";
                    return;
            }
            append_sequence(out, value.items(), '[', ']');
            out.push_back(')');
            return;
        case ValueKind::Dict: {
            out.push_back('{');
            bool first = true;
            for (const auto& [key, item] : value.as_dict().entries()) {
                if (!first) out += ", ";
                first = false;
                append_py_repr(out, key);
                out += ": ";
                append_py_repr(out, item);
            }
            out.push_back('}');
            return;
        }
        case ValueKind::Callable:
            out += value.as_callable().repr();
            return;
        case ValueKind::Object:
            out += value.as_object().repr();
            return;
    }
}

std::string py_repr(const Value& value) {
    std::string out;
    append_py_repr(out, value);
    return out;
}

int64_t py_len(const Value& value) {
    switch (value.kind()) {
        case ValueKind::Undefined:
            return 0;
        case ValueKind::String: {
            const std::string& text = value.as_string();
            return static_cast<int64_t>(is_ascii(text) ? text.size() : count_code_points(text));
        }
        case ValueKind::List:
            if (value.is_generator()) break;
            return static_cast<int64_t>(value.items().size());
        case ValueKind::Dict:
            return static_cast<int64_t>(value.as_dict().size());
        default:
            break;
    }
    throw_type_error("object of type '" + std::string(py_type_name(value)) + "' has no len()");
}

std::vector<Value> py_iterate(const Value& value) {
    if (value.is_list()) charge_work(value.items().size());
    if (value.is_dict()) charge_work(value.as_dict().size());
    switch (value.kind()) {
        case ValueKind::Undefined:
            return {};
        case ValueKind::List: {
            const ListData& data = value.list_data();
            if (!value.is_generator()) return data.items;
            std::vector<Value> rest(data.items.begin() + static_cast<long>(data.n_consumed),
                                    data.items.end());
            data.n_consumed = data.items.size();
            if (data.pending_error) throw *data.pending_error;
            return rest;
        }
        case ValueKind::Dict: {
            std::vector<Value> keys;
            keys.reserve(value.as_dict().size());
            for (const auto& entry : value.as_dict().entries())
                keys.push_back(entry.first);
            return keys;
        }
        case ValueKind::String: {
            std::vector<Value> chars;
            const std::string& text = value.as_string();
            check_list_size(count_code_points(text));
            size_t pos = 0;
            while (pos < text.size()) {
                const size_t start = pos;
                decode_utf8(text, pos);
                chars.push_back(Value::string(text.substr(start, pos - start), value.is_markup()));
            }
            return chars;
        }
        default:
            throw_type_error("'" + std::string(py_type_name(value)) + "' object is not iterable");
    }
}

}  // namespace vela::openai::jinja
