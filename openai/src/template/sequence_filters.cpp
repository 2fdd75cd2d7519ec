// Jinja2's sequence filters: the ones that iterate, reorder, group or pick items. map, select,
// reject, selectattr, rejectattr, unique, batch, slice, items and reverse return one-shot generators
// as in Jinja2 (so `tools | map(...) | tojson` fails exactly where transformers fails), including
// their laziness for errors and their `if value:` guard on falsy input.
#include <algorithm>

#include "template/builtins.h"
#include "template/filter_support.h"
#include "template/interpreter.h"
#include "template/operators.h"
#include "template/py_text.h"

namespace vela::openai::jinja {

// Jinja2's make_attrgetter: "a.b.0" applied with environment.getitem per part (digit-only parts
// as integers); `fallback`, when defined, replaces an undefined result after each part.
Value get_attribute_path(Interpreter& interpreter, const Value& item, const Value& attribute,
                         const Value& fallback) {
    if (!attribute.is_string()) {
        if (attribute.is_none()) return item;
        Value result = interpreter.get_item(item, attribute);
        return result.is_undefined() && !fallback.is_undefined() && !fallback.is_none() ? fallback : result;
    }
    Value current = item;
    const std::string& path = attribute.as_string();
    size_t start = 0;
    while (true) {
        const size_t dot = path.find('.', start);
        const std::string part =
            path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        const bool numeric = !part.empty() && part.find_first_not_of("0123456789") == std::string::npos;
        current =
            interpreter.get_item(current, numeric ? Value::integer(std::stoll(part)) : Value::string(part));
        if (current.is_undefined() && !fallback.is_undefined() && !fallback.is_none()) current = fallback;
        if (dot == std::string::npos) return current;
        start = dot + 1;
    }
}

// The sort key used by sort/dictsort/unique/min/max: lower-cased strings unless case-sensitive.
Value sort_key(const Value& value, bool case_sensitive) {
    if (!case_sensitive && value.is_string()) return Value::string(py_lower(value.as_string()));
    return value;
}

Value undefined_with(const char* message) {
    return Value::undefined(UndefinedReason::Plain, text_data(message));
}

// soft_str(): strings (and Markup) unchanged, anything else through str().
Value soft_str(const Value& value) {
    if (value.is_string()) return value;
    return Value::string(py_str(value));
}

std::shared_ptr<const StringData> text_data(std::string_view text) {
    return std::make_shared<const StringData>(std::string(text));
}

namespace {}  // namespace

Value f_batch(Interpreter&, const Value& v, CallArgs& args) {
    ArgBinder a("batch", args, {"linecount", "fill_with"});
    return generate([&](std::vector<Value>& batches) {
        const int64_t count = require_int(a[0], "linecount");
        std::vector<Value> current;
        for (const Value& item : py_iterate(v)) {
            if (static_cast<int64_t>(current.size()) == count) {
                batches.push_back(Value::list(std::move(current)));
                current.clear();
            }
            current.push_back(item);
        }
        if (!current.empty()) {
            if (a.has(1) && !a[1].is_none()) {
                while (static_cast<int64_t>(current.size()) < count)
                    current.push_back(a[1]);
            }
            batches.push_back(Value::list(std::move(current)));
        }
    });
}

Value f_dictsort(Interpreter&, const Value& v, CallArgs& args) {
    ArgBinder a("dictsort", args, {"case_sensitive", "by", "reverse"});
    if (!v.is_dict()) throw_type_error("dictsort: expected a dict, got " + std::string(py_type_name(v)));
    const bool case_sensitive = a.has(0) && py_truthy(a[0]);
    const std::string by = a.has(1) ? py_str(a[1]) : "key";
    if (by != "key" && by != "value") throw_type_error("You can only sort by either \"key\" or \"value\"");
    const size_t pos = by == "key" ? 0 : 1;
    std::vector<Value> items;
    for (const auto& [key, value] : v.as_dict().entries())
        items.push_back(Value::list({key, value}, ListKind::Tuple));
    const bool reverse = a.has(2) && py_truthy(a[2]);
    std::stable_sort(items.begin(), items.end(), [&](const Value& x, const Value& y) {
        const Value kx = sort_key(x.items()[pos], case_sensitive);
        const Value ky = sort_key(y.items()[pos], case_sensitive);
        return reverse ? py_less(ky, kx) : py_less(kx, ky);
    });
    return Value::list(std::move(items));
}

Value f_first(Interpreter&, const Value& v, CallArgs& args) {
    ArgBinder a("first", args, {});
    if (v.is_generator()) {
        Value item = next_generator_item(v);
        return item.is_undefined() ? undefined_with("No first item, sequence was empty.") : item;
    }
    if (v.is_list()) {
        if (v.items().empty()) return undefined_with("No first item, sequence was empty.");
        return v.items().front();
    }
    const std::vector<Value> items = py_iterate(v);
    if (items.empty()) return undefined_with("No first item, sequence was empty.");
    return items.front();
}

Value f_last(Interpreter&, const Value& v, CallArgs& args) {
    ArgBinder a("last", args, {});
    if (v.is_generator()) throw_type_error("'generator' object is not reversible");
    const std::vector<Value> items = py_iterate(v);
    if (items.empty()) return undefined_with("No last item, sequence was empty.");
    return items.back();
}

Value f_items(Interpreter&, const Value& v, CallArgs& args) {
    ArgBinder a("items", args, {});
    return generate([&](std::vector<Value>& items) {
        if (v.is_undefined()) return;
        if (!v.is_dict()) throw_type_error("Can only get item pairs from a mapping.");
        for (const auto& [key, value] : v.as_dict().entries()) {
            items.push_back(Value::list({key, value}, ListKind::Tuple));
        }
    });
}

Value f_join(Interpreter& interpreter, const Value& v, CallArgs& args) {
    ArgBinder a("join", args, {"d", "attribute"});
    const std::string separator = a.has(0) ? py_str(a[0]) : std::string();
    std::string out;
    bool first = true;
    for (const Value& item : py_iterate(v)) {
        if (!first) out += separator;
        first = false;
        append_py_str(out, a.has(1) && !a[1].is_none() ? get_attribute_path(interpreter, item, a[1]) : item);
    }
    return Value::string(std::move(out));
}

Value f_length(Interpreter&, const Value& v, CallArgs& args) {
    ArgBinder a("length", args, {});
    return Value::integer(py_len(v));
}

Value f_list(Interpreter&, const Value& v, CallArgs& args) {
    ArgBinder a("list", args, {});
    return Value::list(py_iterate(v));
}

Value f_map(Interpreter& interpreter, const Value& v, CallArgs& args) {
    if (!py_truthy(v)) return make_generator({});
    const std::vector<Value> items = py_iterate(v);
    return generate([&](std::vector<Value>& out) {
        bool has_attribute = false;
        for (auto& keyword : args.keywords)
            has_attribute = has_attribute || keyword.first == "attribute";
        if (args.positional.empty() && has_attribute) {
            Value attribute;
            Value fallback;
            for (auto& [name, value] : args.keywords) {
                if (name == "attribute") {
                    attribute = value;
                } else if (name == "default") {
                    fallback = value;
                } else {
                    throw_type_error("Unexpected keyword argument '" + std::string(name) + "'");
                }
            }
            for (const Value& item : items)
                out.push_back(get_attribute_path(interpreter, item, attribute, fallback));
            return;
        }
        if (args.positional.empty()) throw_type_error("map requires a filter argument");
        const std::string filter = py_str(args.positional[0]);
        for (const Value& item : items) {
            CallArgs rest;
            rest.positional.assign(args.positional.begin() + 1, args.positional.end());
            rest.keywords = args.keywords;
            out.push_back(interpreter.apply_filter(filter, item, rest));
        }
    });
}

namespace {

Value min_max(Interpreter& interpreter, const Value& v, CallArgs& args, bool want_max, const char* name) {
    ArgBinder a(name, args, {"case_sensitive", "attribute"});
    const bool case_sensitive = a.has(0) && py_truthy(a[0]);
    const std::vector<Value> items = py_iterate(v);
    if (items.empty()) return undefined_with("No aggregated item, sequence was empty.");
    auto key = [&](const Value& item) {
        return sort_key(a.has(1) && !a[1].is_none() ? get_attribute_path(interpreter, item, a[1]) : item,
                        case_sensitive);
    };
    size_t best = 0;
    Value best_key = key(items[0]);
    for (size_t i = 1; i < items.size(); ++i) {
        Value k = key(items[i]);
        if (want_max ? py_less(best_key, k) : py_less(k, best_key)) {
            best = i;
            best_key = std::move(k);
        }
    }
    return items[best];
}

}  // namespace

Value f_max(Interpreter& interpreter, const Value& v, CallArgs& args) {
    return min_max(interpreter, v, args, true, "max");
}

Value f_min(Interpreter& interpreter, const Value& v, CallArgs& args) {
    return min_max(interpreter, v, args, false, "min");
}

namespace {

Value select_or_reject(Interpreter& interpreter, const Value& v, CallArgs& args, bool select,
                       bool by_attribute) {
    if (!py_truthy(v)) return make_generator({});
    const std::vector<Value> items = py_iterate(v);
    return generate([&](std::vector<Value>& out) {
        size_t next = 0;
        Value attribute;
        if (by_attribute) {
            if (args.positional.empty()) throw_type_error("Missing parameter for attribute name");
            attribute = args.positional[next++];
        }
        std::string test;
        bool has_test = false;
        if (next < args.positional.size()) {
            test = py_str(args.positional[next++]);
            has_test = true;
        }
        for (const Value& item : items) {
            const Value subject = by_attribute ? get_attribute_path(interpreter, item, attribute) : item;
            bool ok = false;
            if (has_test) {
                CallArgs test_args;
                test_args.positional.assign(args.positional.begin() + static_cast<long>(next),
                                            args.positional.end());
                test_args.keywords = args.keywords;
                ok = interpreter.apply_test(test, subject, test_args);
            } else {
                ok = py_truthy(subject);
            }
            if (ok == select) out.push_back(item);
        }
    });
}

}  // namespace

Value f_select(Interpreter& i, const Value& v, CallArgs& args) {
    return select_or_reject(i, v, args, true, false);
}

Value f_reject(Interpreter& i, const Value& v, CallArgs& args) {
    return select_or_reject(i, v, args, false, false);
}

Value f_selectattr(Interpreter& i, const Value& v, CallArgs& args) {
    return select_or_reject(i, v, args, true, true);
}

Value f_rejectattr(Interpreter& i, const Value& v, CallArgs& args) {
    return select_or_reject(i, v, args, false, true);
}

Value f_reverse(Interpreter&, const Value& v, CallArgs& args) {
    ArgBinder a("reverse", args, {});
    if (v.is_string()) {
        auto cps = to_code_points(v.as_string());
        std::reverse(cps.begin(), cps.end());
        return Value::string(from_code_points(cps), v.is_markup());
    }
    // reversed() gives an iterator over sequences, dicts and dict views; anything else iterable
    // (a generator) is reversed into a list.
    const bool reversible = v.is_dict() || v.is_undefined() || (v.is_list() && !v.is_generator());
    std::vector<Value> items = py_iterate(v);
    std::reverse(items.begin(), items.end());
    if (reversible) return make_generator(std::move(items));
    return Value::list(std::move(items));
}

Value f_slice(Interpreter&, const Value& v, CallArgs& args) {
    ArgBinder a("slice", args, {"slices", "fill_with"});
    return generate([&](std::vector<Value>& out) {
        const int64_t slices = require_int(a[0], "slices");
        const std::vector<Value> seq = py_iterate(v);
        const auto length = static_cast<int64_t>(seq.size());
        if (slices <= 0) throw_type_error("ZeroDivisionError: integer division or modulo by zero");
        const int64_t per_slice = length / slices;
        const int64_t with_extra = length % slices;
        int64_t offset = 0;
        for (int64_t n = 0; n < slices; ++n) {
            const int64_t start = offset + n * per_slice;
            if (n < with_extra) ++offset;
            const int64_t end = offset + (n + 1) * per_slice;
            std::vector<Value> part(seq.begin() + start, seq.begin() + end);
            if (a.has(1) && !a[1].is_none() && n >= with_extra) part.push_back(a[1]);
            out.push_back(Value::list(std::move(part)));
        }
    });
}

// Jinja2's sort keys come from make_multi_attrgetter: a list holding one value per comma-separated
// attribute (or the item itself), so equal undefined keys compare equal instead of raising.
Value f_sort(Interpreter& interpreter, const Value& v, CallArgs& args) {
    ArgBinder a("sort", args, {"reverse", "case_sensitive", "attribute"});
    const bool reverse = a.has(0) && py_truthy(a[0]);
    const bool case_sensitive = a.has(1) && py_truthy(a[1]);
    std::vector<Value> attributes;
    if (a.has(2) && a[2].is_string()) {
        const std::string comma = ",";
        for (const std::string& part : py_split(a[2].as_string(), &comma, -1))
            attributes.push_back(Value::string(part));
    } else {
        attributes.push_back(a.has(2) ? a[2] : Value::none());
    }
    std::vector<Value> items = py_iterate(v);
    std::vector<std::pair<Value, Value>> keyed;
    keyed.reserve(items.size());
    for (const Value& item : items) {
        std::vector<Value> key;
        for (const Value& attribute : attributes) {
            key.push_back(sort_key(get_attribute_path(interpreter, item, attribute), case_sensitive));
        }
        keyed.emplace_back(Value::list(std::move(key)), item);
    }
    std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& x, const auto& y) {
        return reverse ? py_less(y.first, x.first) : py_less(x.first, y.first);
    });
    std::vector<Value> out;
    for (auto& entry : keyed)
        out.push_back(std::move(entry.second));
    return Value::list(std::move(out));
}

Value f_sum(Interpreter& interpreter, const Value& v, CallArgs& args) {
    ArgBinder a("sum", args, {"attribute", "start"});
    Value total = a.has(1) ? a[1] : Value::integer(0);
    for (const Value& item : py_iterate(v)) {
        total = py_binary(BinaryOp::Add, total,
                          a.has(0) && !a[0].is_none() ? get_attribute_path(interpreter, item, a[0]) : item);
    }
    return total;
}

Value f_unique(Interpreter& interpreter, const Value& v, CallArgs& args) {
    ArgBinder a("unique", args, {"case_sensitive", "attribute"});
    return generate([&](std::vector<Value>& out) {
        const bool case_sensitive = a.has(0) && py_truthy(a[0]);
        std::vector<Value> seen;
        for (const Value& item : py_iterate(v)) {
            Value key =
                sort_key(a.has(1) && !a[1].is_none() ? get_attribute_path(interpreter, item, a[1]) : item,
                         case_sensitive);
            if (!py_hashable(key))
                throw_type_error("unhashable type: '" + std::string(py_type_name(key)) + "'");
            bool duplicate = false;
            for (const Value& s : seen) {
                if (py_equal(s, key)) {
                    duplicate = true;
                    break;
                }
            }
            if (duplicate) continue;
            seen.push_back(std::move(key));
            out.push_back(item);
        }
    });
}

}  // namespace vela::openai::jinja
