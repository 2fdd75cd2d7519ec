// Jinja2's builtin filters (jinja2/filters.py semantics) and Hugging Face's tojson: the text and
// number filters live here with the table that maps every filter name (including aliases such as d,
// e, count) to its function; the sequence filters are in sequence_filters.cpp.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <unordered_map>

#include "template/builtins.h"
#include "template/filter_support.h"
#include "template/interpreter.h"
#include "template/json_value.h"
#include "template/operators.h"
#include "template/py_format.h"
#include "template/py_text.h"
#include "template/template_error.h"

namespace vela::openai::jinja {

namespace {

// A string operation that keeps the markup flag, as Markup's own methods do.
template <class F>
Value map_text(const Value& value, F&& f) {
    const Value text = soft_str(value);
    return Value::string(f(text.as_string()), text.is_markup());
}

// ---- filters ----

Value f_abs(Interpreter&, const Value& v, CallArgs& args) {
    ArgBinder a("abs", args, {});
    if (v.is_float()) return Value::floating(std::fabs(v.as_double()));
    if (v.is_int() || v.is_bool()) {
        if (v.as_int() == INT64_MIN) throw_type_error("integer overflow in abs");
        return Value::integer(v.as_int() < 0 ? -v.as_int() : v.as_int());
    }
    if (v.is_undefined()) throw_undefined(v);
    throw_type_error("bad operand type for abs(): '" + std::string(py_type_name(v)) + "'");
}

Value f_attr(Interpreter& interpreter, const Value& v, CallArgs& args) {
    ArgBinder a("attr", args, {"name"});
    const std::string name = py_str(a[0]);
    if (v.is_dict() && find_dict_method(name).fn == nullptr) {
        return Value::undefined(UndefinedReason::Attribute, text_data(name), "dict object");
    }
    return interpreter.get_attribute(v, text_data(name));
}

Value f_capitalize(Interpreter&, const Value& v, CallArgs& args) {
    ArgBinder a("capitalize", args, {});
    return map_text(v, [](const std::string& s) { return py_capitalize(s); });
}

std::string center_text(const std::string& text, int64_t width, const std::string& fill) {
    const auto length = static_cast<int64_t>(count_code_points(text));
    if (width <= length) return text;
    const int64_t margin = width - length;
    const int64_t left = margin / 2 + (margin & width & 1);
    std::string out;
    for (int64_t i = 0; i < left; ++i)
        out += fill;
    out += text;
    for (int64_t i = 0; i < margin - left; ++i)
        out += fill;
    return out;
}

Value f_center(Interpreter&, const Value& v, CallArgs& args) {
    ArgBinder a("center", args, {"width"});
    const int64_t width = a.has(0) ? require_int(a[0], "width") : 80;
    return map_text(v, [&](const std::string& s) { return center_text(s, width, " "); });
}

Value f_default(Interpreter&, const Value& v, CallArgs& args) {
    ArgBinder a("default", args, {"default_value", "boolean"});
    const bool boolean = a.has(1) && py_truthy(a[1]);
    if (v.is_undefined() || (boolean && !py_truthy(v))) return a.has(0) ? a[0] : Value::string("");
    return v;
}

Value f_escape(Interpreter&, const Value& v, CallArgs& args) {
    ArgBinder a("escape", args, {});
    if (v.is_markup()) return v;
    return Value::string(html_escape(py_str(v)), true);
}

Value f_forceescape(Interpreter&, const Value& v, CallArgs& args) {
    ArgBinder a("forceescape", args, {});
    return Value::string(html_escape(py_str(v)), true);
}

// Python's float(str): surrounding whitespace, underscores between digits, inf/nan spellings.
bool parse_py_float(const std::string& text, double& out) {
    const std::string_view stripped = py_strip(text, nullptr, true, true);
    std::string clean;
    for (size_t i = 0; i < stripped.size(); ++i) {
        const char c = stripped[i];
        if (c == '_') {
            const bool ok = i > 0 && i + 1 < stripped.size() &&
                            std::isdigit(static_cast<unsigned char>(stripped[i - 1])) &&
                            std::isdigit(static_cast<unsigned char>(stripped[i + 1]));
            if (!ok) return false;
            continue;
        }
        clean.push_back(c);
    }
    if (clean.empty()) return false;
    std::string lower = py_lower(clean);
    std::string_view body = lower;
    if (!body.empty() && (body[0] == '+' || body[0] == '-')) body.remove_prefix(1);
    if (body == "inf" || body == "infinity" || body == "nan") {
        out = body == "nan" ? std::nan("") : INFINITY;
        if (lower[0] == '-') out = -out;
        return true;
    }
    if (body.empty() || body.find_first_not_of("0123456789.e+-") != std::string_view::npos) return false;
    char* end = nullptr;
    out = std::strtod(clean.c_str(), &end);
    return end == clean.c_str() + clean.size();
}

// Python's int(str, base) for base 10 and 0/2/8/16 prefixes.
bool parse_py_int(const std::string& text, int64_t base, int64_t& out) {
    std::string_view s = py_strip(text, nullptr, true, true);
    bool negative = false;
    if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
        negative = s[0] == '-';
        s.remove_prefix(1);
    }
    if (s.size() >= 2 && s[0] == '0') {
        const char p = static_cast<char>(s[1] | 0x20);
        const int64_t prefix_base = p == 'x' ? 16 : (p == 'o' ? 8 : (p == 'b' ? 2 : 0));
        if (prefix_base != 0 && (base == 0 || base == prefix_base)) {
            base = prefix_base;
            s.remove_prefix(2);
            if (!s.empty() && s[0] == '_') s.remove_prefix(1);
        }
    }
    if (base == 0) base = 10;
    if (s.empty()) return false;
    unsigned long long value = 0;
    bool last_underscore = true;
    for (char c : s) {
        if (c == '_') {
            if (last_underscore) return false;
            last_underscore = true;
            continue;
        }
        last_underscore = false;
        int digit = -1;
        if (c >= '0' && c <= '9') digit = c - '0';
        if (c >= 'a' && c <= 'z') digit = c - 'a' + 10;
        if (c >= 'A' && c <= 'Z') digit = c - 'A' + 10;
        if (digit < 0 || digit >= base) return false;
        if (__builtin_mul_overflow(value, static_cast<unsigned long long>(base), &value) ||
            __builtin_add_overflow(value, static_cast<unsigned long long>(digit), &value) ||
            value > static_cast<unsigned long long>(INT64_MAX)) {
            return false;
        }
    }
    if (last_underscore) return false;
    out = negative ? -static_cast<int64_t>(value) : static_cast<int64_t>(value);
    return true;
}

Value f_float(Interpreter&, const Value& v, CallArgs& args) {
    ArgBinder a("float", args, {"default"});
    if (v.is_undefined()) throw_undefined(v);
    const Value fallback = a.has(0) ? a[0] : Value::floating(0.0);
    if (v.is_number()) return Value::floating(v.as_double());
    if (v.is_string()) {
        double d = 0;
        if (parse_py_float(v.as_string(), d)) return Value::floating(d);
    }
    return fallback;
}

Value f_int(Interpreter&, const Value& v, CallArgs& args) {
    ArgBinder a("int", args, {"default", "base"});
    if (v.is_undefined()) throw_undefined(v);
    const Value fallback = a.has(0) ? a[0] : Value::integer(0);
    const int64_t base = a.has(1) ? require_int(a[1], "base") : 10;
    if (v.is_int() || v.is_bool()) return Value::integer(v.as_int());
    if (v.is_float()) {
        const double d = v.as_double();
        if (!std::isfinite(d) || std::fabs(d) >= 9.2e18) return fallback;
        return Value::integer(static_cast<int64_t>(std::trunc(d)));
    }
    if (v.is_string()) {
        int64_t n = 0;
        if (parse_py_int(v.as_string(), base, n)) return Value::integer(n);
        double d = 0;
        if (parse_py_float(v.as_string(), d) && std::isfinite(d) && std::fabs(d) < 9.2e18) {
            return Value::integer(static_cast<int64_t>(std::trunc(d)));
        }
    }
    return fallback;
}

Value f_format(Interpreter&, const Value& v, CallArgs& args) {
    if (!args.positional.empty() && !args.keywords.empty()) {
        throw_type_error("can't handle positional and keyword arguments at the same time");
    }
    const Value text = soft_str(v);
    Value params;
    if (!args.keywords.empty()) {
        auto dict = std::make_shared<DictData>();
        for (auto& [name, value] : args.keywords)
            dict->set(Value::string(std::string(name)), value);
        params = Value::dict(std::move(dict));
    } else {
        params = Value::list(args.positional, ListKind::Tuple);
    }
    return Value::string(py_percent_format(text.as_string(), params), text.is_markup());
}

Value f_indent(Interpreter&, const Value& v, CallArgs& args) {
    ArgBinder a("indent", args, {"width", "first", "blank"});
    if (v.is_undefined()) throw_undefined(v);
    if (!v.is_string()) {
        throw_type_error("unsupported operand type(s) for +=: '" + std::string(py_type_name(v)) +
                         "' and 'str'");
    }
    std::string indention = "    ";
    if (a.has(0)) {
        if (a[0].is_string()) {
            indention = a[0].as_string();
        } else {
            indention.assign(static_cast<size_t>(std::max<int64_t>(0, require_int(a[0], "width"))), ' ');
        }
    }
    const bool first = a.has(1) && py_truthy(a[1]);
    const bool blank = a.has(2) && py_truthy(a[2]);
    const std::string text = py_str(v) + "\n";
    const std::vector<std::string> lines = py_splitlines(text, false);
    std::string out;
    if (blank) {
        for (size_t i = 0; i < lines.size(); ++i) {
            if (i != 0) out += "\n" + indention;
            out += lines[i];
        }
    } else if (!lines.empty()) {
        out = lines[0];
        for (size_t i = 1; i < lines.size(); ++i) {
            out += "\n";
            if (!lines[i].empty()) out += indention;
            out += lines[i];
        }
    }
    if (first) out = indention + out;
    return Value::string(std::move(out), v.is_markup());
}

Value f_lower(Interpreter&, const Value& v, CallArgs& args) {
    ArgBinder a("lower", args, {});
    return map_text(v, [](const std::string& s) { return py_lower(s); });
}

Value f_upper(Interpreter&, const Value& v, CallArgs& args) {
    ArgBinder a("upper", args, {});
    return map_text(v, [](const std::string& s) { return py_upper(s); });
}

Value f_replace(Interpreter&, const Value& v, CallArgs& args) {
    ArgBinder a("replace", args, {"old", "new", "count"});
    const int64_t count = a.has(2) && !a[2].is_none() ? require_int(a[2], "count") : -1;
    return Value::string(py_replace(py_str(v), py_str(a[0]), py_str(a[1]), count));
}

// Python's round(x, n) for floats: correctly rounded through the shortest decimal text.
double py_round(double x, int64_t digits) {
    if (!std::isfinite(x)) return x;
    if (digits > 300) return x;
    if (digits < -300) return 0.0 * x;
    if (digits >= 0) {
        char buf[512];
        std::snprintf(buf, sizeof buf, "%.*f", static_cast<int>(digits), x);
        return std::strtod(buf, nullptr);
    }
    const double scale = std::pow(10.0, static_cast<double>(-digits));
    const double y = x / scale;
    double rounded = std::nearbyint(y);
    return rounded * scale;
}

Value f_round(Interpreter&, const Value& v, CallArgs& args) {
    ArgBinder a("round", args, {"precision", "method"});
    const int64_t precision = a.has(0) ? require_int(a[0], "precision") : 0;
    const std::string method = a.has(1) ? py_str(a[1]) : "common";
    if (method != "common" && method != "ceil" && method != "floor") {
        throw_type_error("method must be common, ceil or floor");
    }
    if (!v.is_number()) {
        if (v.is_undefined()) throw_undefined(v);
        throw_type_error("type " + std::string(py_type_name(v)) + " doesn't define __round__ method");
    }
    if (method == "common") {
        if (!v.is_float()) return Value::integer(v.as_int());
        return Value::floating(py_round(v.as_double(), precision));
    }
    const double scale = std::pow(10.0, static_cast<double>(precision));
    const double scaled = v.as_double() * scale;
    return Value::floating((method == "ceil" ? std::ceil(scaled) : std::floor(scaled)) / scale);
}

Value f_safe(Interpreter&, const Value& v, CallArgs& args) {
    ArgBinder a("safe", args, {});
    if (v.is_markup()) return v;
    return Value::string(py_str(v), true);
}

Value f_string(Interpreter&, const Value& v, CallArgs& args) {
    ArgBinder a("string", args, {});
    return soft_str(v);
}

std::string html_unescape(std::string_view text) {
    static const std::pair<std::string_view, std::string_view> kEntities[] = {
        {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}, {"nbsp", "\xc2\xa0"}};
    std::string out;
    size_t i = 0;
    while (i < text.size()) {
        if (text[i] != '&') {
            out.push_back(text[i++]);
            continue;
        }
        const size_t semi = text.find(';', i);
        if (semi == std::string_view::npos || semi - i > 10) {
            out.push_back(text[i++]);
            continue;
        }
        const std::string_view name = text.substr(i + 1, semi - i - 1);
        bool done = false;
        if (!name.empty() && name[0] == '#') {
            const bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
            const std::string digits(name.substr(hex ? 2 : 1));
            char* end = nullptr;
            const unsigned long cp = std::strtoul(digits.c_str(), &end, hex ? 16 : 10);
            if (!digits.empty() && end == digits.c_str() + digits.size() && cp <= 0x10FFFF) {
                append_utf8(out, static_cast<char32_t>(cp));
                done = true;
            }
        } else {
            for (const auto& [entity, replacement] : kEntities) {
                if (name == entity) {
                    out += replacement;
                    done = true;
                }
            }
        }
        if (done) {
            i = semi + 1;
        } else {
            out.push_back(text[i++]);
        }
    }
    return out;
}

Value f_striptags(Interpreter&, const Value& v, CallArgs& args) {
    ArgBinder a("striptags", args, {});
    const std::string text = py_str(v);
    std::string stripped;
    size_t i = 0;
    while (i < text.size()) {
        if (text.compare(i, 4, "<!--") == 0) {
            const size_t end = text.find("-->", i + 4);
            if (end != std::string::npos) {
                i = end + 3;
                continue;
            }
        }
        if (text[i] == '<') {
            const size_t end = text.find('>', i + 1);
            if (end != std::string::npos) {
                i = end + 1;
                continue;
            }
        }
        stripped.push_back(text[i++]);
    }
    std::string collapsed;
    for (const std::string& word : py_split(stripped, nullptr, -1)) {
        if (!collapsed.empty()) collapsed.push_back(' ');
        collapsed += word;
    }
    return Value::string(html_unescape(collapsed));
}

// Jinja2's title filter: words start after runs of whitespace, '-', '(', '{', '[' or '<'.
Value f_title(Interpreter&, const Value& v, CallArgs& args) {
    ArgBinder a("title", args, {});
    return map_text(v, [](const std::string& s) {
        auto is_boundary = [](char32_t cp) {
            return is_py_space(cp) || cp == '-' || cp == '(' || cp == '{' || cp == '[' || cp == '<';
        };
        std::string out;
        const auto cps = to_code_points(s);
        size_t i = 0;
        while (i < cps.size()) {
            const bool boundary = is_boundary(cps[i]);
            size_t j = i;
            while (j < cps.size() && is_boundary(cps[j]) == boundary)
                ++j;
            for (size_t k = i; k < j; ++k)
                append_utf8(out, k == i ? to_upper_cp(cps[k]) : to_lower_cp(cps[k]));
            i = j;
        }
        return out;
    });
}

Value f_tojson(Interpreter&, const Value& v, CallArgs& args) {
    ArgBinder a("tojson", args, {"ensure_ascii", "indent", "separators", "sort_keys"});
    JsonDumpOptions options;
    options.ensure_ascii = a.has(0) && py_truthy(a[0]);
    if (a.has(1) && !a[1].is_none()) {
        if (a[1].is_string()) {
            options.indent = a[1].as_string();
        } else {
            options.indent =
                std::string(static_cast<size_t>(std::max<int64_t>(0, require_int(a[1], "indent"))), ' ');
        }
        options.item_separator = ",";
    }
    if (a.has(2) && !a[2].is_none()) {
        const Value& separators = a[2];
        if (!separators.is_list() || separators.items().size() != 2 || !separators.items()[0].is_string() ||
            !separators.items()[1].is_string()) {
            throw_type_error("tojson separators must be a pair of strings (item_separator, key_separator)");
        }
        options.item_separator = separators.items()[0].as_string();
        options.key_separator = separators.items()[1].as_string();
    }
    options.sort_keys = a.has(3) && py_truthy(a[3]);
    return Value::string(dump_json(v, options));
}

Value f_trim(Interpreter&, const Value& v, CallArgs& args) {
    ArgBinder a("trim", args, {"chars"});
    const Value text = soft_str(v);
    std::string chars;
    const bool has_chars = a.has(0) && !a[0].is_none();
    if (has_chars) chars = py_str(a[0]);
    return Value::string(std::string(py_strip(text.as_string(), has_chars ? &chars : nullptr, true, true)),
                         text.is_markup());
}

Value f_truncate(Interpreter&, const Value& v, CallArgs& args) {
    ArgBinder a("truncate", args, {"length", "killwords", "end", "leeway"});
    const int64_t length = a.has(0) ? require_int(a[0], "length") : 255;
    const bool killwords = a.has(1) && py_truthy(a[1]);
    const std::string end = a.has(2) ? py_str(a[2]) : "...";
    const int64_t leeway = a.has(3) && !a[3].is_none() ? require_int(a[3], "leeway") : 5;
    const auto end_length = static_cast<int64_t>(count_code_points(end));
    if (length < end_length)
        throw_type_error("expected length >= " + std::to_string(end_length) + ", got " +
                         std::to_string(length));
    if (leeway < 0) throw_type_error("expected leeway >= 0, got " + std::to_string(leeway));
    // Jinja2 returns the value itself when it is short enough, whatever its type.
    if (py_len(v) <= length + leeway) return v;
    if (!v.is_string()) throw_type_error("'" + std::string(py_type_name(v)) + "' object cannot be truncated");
    const auto cps = to_code_points(v.as_string());
    const std::string head =
        from_code_points(std::vector<char32_t>(cps.begin(), cps.begin() + (length - end_length)));
    if (killwords) return Value::string(head + end);
    const std::string space = " ";
    return Value::string(py_rsplit(head, &space, 1).front() + end);
}

Value f_wordcount(Interpreter&, const Value& v, CallArgs& args) {
    ArgBinder a("wordcount", args, {});
    int64_t n = 0;
    bool in_word = false;
    for (char32_t cp : to_code_points(py_str(v))) {
        const bool word = cp == '_' || is_py_alpha(cp) || is_py_numeric(cp);
        if (word && !in_word) ++n;
        in_word = word;
    }
    return Value::integer(n);
}

const std::unordered_map<std::string_view, FilterFn>& filter_table() {
    static const std::unordered_map<std::string_view, FilterFn> kFilters = {
        {"abs", f_abs},           {"attr", f_attr},
        {"batch", f_batch},       {"capitalize", f_capitalize},
        {"center", f_center},     {"count", f_length},
        {"d", f_default},         {"default", f_default},
        {"dictsort", f_dictsort}, {"e", f_escape},
        {"escape", f_escape},     {"first", f_first},
        {"float", f_float},       {"forceescape", f_forceescape},
        {"format", f_format},     {"indent", f_indent},
        {"int", f_int},           {"items", f_items},
        {"join", f_join},         {"last", f_last},
        {"length", f_length},     {"list", f_list},
        {"lower", f_lower},       {"map", f_map},
        {"max", f_max},           {"min", f_min},
        {"reject", f_reject},     {"rejectattr", f_rejectattr},
        {"replace", f_replace},   {"reverse", f_reverse},
        {"round", f_round},       {"safe", f_safe},
        {"select", f_select},     {"selectattr", f_selectattr},
        {"slice", f_slice},       {"sort", f_sort},
        {"string", f_string},     {"striptags", f_striptags},
        {"sum", f_sum},           {"title", f_title},
        {"tojson", f_tojson},     {"trim", f_trim},
        {"truncate", f_truncate}, {"unique", f_unique},
        {"upper", f_upper},       {"wordcount", f_wordcount},
    };
    return kFilters;
}

}  // namespace

FilterFn find_filter(std::string_view name) {
    const auto& table = filter_table();
    const auto it = table.find(name);
    return it == table.end() ? nullptr : it->second;
}

}  // namespace vela::openai::jinja
