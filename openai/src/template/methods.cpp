// The Python methods of str, list/tuple and dict that templates call (`content.strip()`,
// `message.get('role')`, `text.split('</think>')[-1]`, ...). Mutating list and dict methods are in
// the tables only so the sandbox can refuse them by name, exactly as Hugging Face's
// ImmutableSandboxedEnvironment does ("access to attribute 'append' of 'list' object is unsafe.").
// On a markupsafe.Markup receiver, string results stay Markup and string arguments are escaped.
#include <algorithm>
#include <unordered_map>

#include "template/builtins.h"
#include "template/interpreter.h"
#include "template/py_format.h"
#include "template/py_text.h"
#include "template/template_error.h"

namespace vela::openai::jinja {

namespace {

const std::string& text_of(const Value& v, const char* what) {
    if (!v.is_string()) {
        throw_type_error(std::string(what) + " must be str, not " + std::string(py_type_name(v)));
    }
    return v.as_string();
}

// A string argument as the receiver sees it: escaped when the receiver is Markup.
std::string arg_text(const Value& self, const Value& v, const char* what) {
    const std::string& text = text_of(v, what);
    return self.is_markup() && !v.is_markup() ? html_escape(text) : text;
}

Value result(const Value& self, std::string text) {
    return Value::string(std::move(text), self.is_markup());
}

Value result_list(const Value& self, const std::vector<std::string>& parts) {
    std::vector<Value> items;
    items.reserve(parts.size());
    for (const std::string& part : parts)
        items.push_back(Value::string(part, self.is_markup()));
    return Value::list(std::move(items));
}

int64_t optional_index(const ArgBinder& a, size_t i, int64_t fallback) {
    if (!a.has(i) || a[i].is_none()) return fallback;
    return require_int(a[i], "slice index");
}

// ---- str ----

Value s_upper(Interpreter&, const Value& self, CallArgs& args) {
    ArgBinder a("upper", args, {});
    return result(self, py_upper(self.as_string()));
}

Value s_lower(Interpreter&, const Value& self, CallArgs& args) {
    ArgBinder a("lower", args, {});
    return result(self, py_lower(self.as_string()));
}

Value s_title(Interpreter&, const Value& self, CallArgs& args) {
    ArgBinder a("title", args, {});
    return result(self, py_title(self.as_string()));
}

Value s_capitalize(Interpreter&, const Value& self, CallArgs& args) {
    ArgBinder a("capitalize", args, {});
    return result(self, py_capitalize(self.as_string()));
}

Value s_swapcase(Interpreter&, const Value& self, CallArgs& args) {
    ArgBinder a("swapcase", args, {});
    return result(self, py_swapcase(self.as_string()));
}

Value strip_impl(const Value& self, CallArgs& args, const char* name, bool left, bool right) {
    ArgBinder a(name, args, {"chars"});
    if (!a.has(0) || a[0].is_none())
        return result(self, std::string(py_strip(self.as_string(), nullptr, left, right)));
    const std::string chars = arg_text(self, a[0], "strip arg");
    return result(self, std::string(py_strip(self.as_string(), &chars, left, right)));
}

Value s_strip(Interpreter&, const Value& self, CallArgs& args) {
    return strip_impl(self, args, "strip", true, true);
}
Value s_lstrip(Interpreter&, const Value& self, CallArgs& args) {
    return strip_impl(self, args, "lstrip", true, false);
}
Value s_rstrip(Interpreter&, const Value& self, CallArgs& args) {
    return strip_impl(self, args, "rstrip", false, true);
}

Value split_impl(const Value& self, CallArgs& args, const char* name, bool from_right) {
    ArgBinder a(name, args, {"sep", "maxsplit"});
    const int64_t max_split = a.has(1) ? require_int(a[1], "maxsplit") : -1;
    if (!a.has(0) || a[0].is_none()) {
        const auto parts = from_right ? py_rsplit(self.as_string(), nullptr, max_split)
                                      : py_split(self.as_string(), nullptr, max_split);
        return result_list(self, parts);
    }
    const std::string sep = arg_text(self, a[0], "separator");
    if (sep.empty()) throw_type_error("ValueError: empty separator");
    const auto parts = from_right ? py_rsplit(self.as_string(), &sep, max_split)
                                  : py_split(self.as_string(), &sep, max_split);
    return result_list(self, parts);
}

Value s_split(Interpreter&, const Value& self, CallArgs& args) {
    return split_impl(self, args, "split", false);
}
Value s_rsplit(Interpreter&, const Value& self, CallArgs& args) {
    return split_impl(self, args, "rsplit", true);
}

Value s_splitlines(Interpreter&, const Value& self, CallArgs& args) {
    ArgBinder a("splitlines", args, {"keepends"});
    return result_list(self, py_splitlines(self.as_string(), a.has(0) && py_truthy(a[0])));
}

Value affix_impl(const Value& self, CallArgs& args, const char* name, bool at_end) {
    ArgBinder a(name, args, {"prefix", "start", "end"});
    const std::string& text = self.as_string();
    const auto length = static_cast<int64_t>(is_ascii(text) ? text.size() : count_code_points(text));
    int64_t start = optional_index(a, 1, 0);
    int64_t end = optional_index(a, 2, length);
    if (end > length) end = length;
    if (end < 0) end = std::max<int64_t>(0, end + length);
    if (start < 0) start = std::max<int64_t>(0, start + length);
    std::vector<std::string> candidates;
    if (a[0].is_string()) {
        candidates.push_back(a[0].as_string());
    } else if (a[0].is_list() && a[0].list_kind() == ListKind::Tuple) {
        for (const Value& item : a[0].items()) {
            if (!item.is_string()) {
                throw_type_error(std::string("tuple for ") + name + " must only contain str, not " +
                                 std::string(py_type_name(item)));
            }
            candidates.push_back(item.as_string());
        }
    } else {
        throw_type_error(std::string(name) + " first arg must be str or a tuple of str, not " +
                         std::string(py_type_name(a[0])));
    }
    if (start > length) return Value::boolean(false);
    const size_t begin_byte = byte_offset_of(text, start);
    const size_t end_byte = byte_offset_of(text, std::max(start, end));
    const std::string_view window = std::string_view(text).substr(begin_byte, end_byte - begin_byte);
    for (const std::string& candidate : candidates) {
        if (candidate.size() > window.size()) continue;
        if (at_end ? window.substr(window.size() - candidate.size()) == candidate
                   : window.substr(0, candidate.size()) == candidate) {
            return Value::boolean(true);
        }
    }
    return Value::boolean(false);
}

Value s_startswith(Interpreter&, const Value& self, CallArgs& args) {
    return affix_impl(self, args, "startswith", false);
}
Value s_endswith(Interpreter&, const Value& self, CallArgs& args) {
    return affix_impl(self, args, "endswith", true);
}

Value s_replace(Interpreter&, const Value& self, CallArgs& args) {
    ArgBinder a("replace", args, {"old", "new", "count"});
    const int64_t count = a.has(2) ? require_int(a[2], "count") : -1;
    return result(self, py_replace(self.as_string(), arg_text(self, a[0], "replace arg 1"),
                                   arg_text(self, a[1], "replace arg 2"), count));
}

Value find_impl(const Value& self, CallArgs& args, const char* name, bool from_right, bool must_exist) {
    ArgBinder a(name, args, {"sub", "start", "end"});
    const std::string& needle = text_of(a[0], "substring");
    const int64_t result_index = py_find(self.as_string(), needle, optional_index(a, 1, 0),
                                         optional_index(a, 2, INT64_MAX), from_right);
    if (must_exist && result_index < 0) throw_type_error("ValueError: substring not found");
    return Value::integer(result_index);
}

Value s_find(Interpreter&, const Value& self, CallArgs& args) {
    return find_impl(self, args, "find", false, false);
}
Value s_rfind(Interpreter&, const Value& self, CallArgs& args) {
    return find_impl(self, args, "rfind", true, false);
}
Value s_index(Interpreter&, const Value& self, CallArgs& args) {
    return find_impl(self, args, "index", false, true);
}
Value s_rindex(Interpreter&, const Value& self, CallArgs& args) {
    return find_impl(self, args, "rindex", true, true);
}

Value s_count(Interpreter&, const Value& self, CallArgs& args) {
    ArgBinder a("count", args, {"sub", "start", "end"});
    return Value::integer(py_count(self.as_string(), text_of(a[0], "substring"), optional_index(a, 1, 0),
                                   optional_index(a, 2, INT64_MAX)));
}

Value s_join(Interpreter&, const Value& self, CallArgs& args) {
    ArgBinder a("join", args, {"iterable"});
    std::string out;
    size_t index = 0;
    for (const Value& item : py_iterate(a[0])) {
        if (!item.is_string()) {
            throw_type_error("sequence item " + std::to_string(index) + ": expected str instance, " +
                             std::string(py_type_name(item)) + " found");
        }
        if (index++ != 0) out += self.as_string();
        out += self.is_markup() && !item.is_markup() ? html_escape(item.as_string()) : item.as_string();
    }
    return result(self, std::move(out));
}

Value s_format(Interpreter&, const Value& self, CallArgs& args) {
    if (!self.is_markup()) return Value::string(py_str_format(self.as_string(), args));
    CallArgs escaped = args;
    for (Value& v : escaped.positional) {
        if (v.is_string() && !v.is_markup()) v = Value::string(html_escape(v.as_string()), true);
    }
    for (auto& [name, v] : escaped.keywords) {
        if (v.is_string() && !v.is_markup()) v = Value::string(html_escape(v.as_string()), true);
    }
    return result(self, py_str_format(self.as_string(), escaped));
}

Value justify_impl(const Value& self, CallArgs& args, const char* name, char mode) {
    ArgBinder a(name, args, {"width", "fillchar"});
    const int64_t width = require_int(a[0], "width");
    std::string fill = " ";
    if (a.has(1)) {
        fill = text_of(a[1], "fillchar");
        if (count_code_points(fill) != 1)
            throw_type_error("The fill character must be exactly one character long");
    }
    const std::string& text = self.as_string();
    const auto length = static_cast<int64_t>(count_code_points(text));
    if (width <= length) return self;
    const int64_t margin = width - length;
    int64_t left = 0;
    if (mode == 'r') left = margin;
    if (mode == 'c') left = margin / 2 + (margin & width & 1);
    std::string out;
    for (int64_t i = 0; i < left; ++i)
        out += fill;
    out += text;
    for (int64_t i = 0; i < margin - left; ++i)
        out += fill;
    return result(self, std::move(out));
}

Value s_center(Interpreter&, const Value& self, CallArgs& args) {
    return justify_impl(self, args, "center", 'c');
}
Value s_ljust(Interpreter&, const Value& self, CallArgs& args) {
    return justify_impl(self, args, "ljust", 'l');
}
Value s_rjust(Interpreter&, const Value& self, CallArgs& args) {
    return justify_impl(self, args, "rjust", 'r');
}

Value s_zfill(Interpreter&, const Value& self, CallArgs& args) {
    ArgBinder a("zfill", args, {"width"});
    const int64_t width = require_int(a[0], "width");
    const std::string& text = self.as_string();
    const auto length = static_cast<int64_t>(count_code_points(text));
    if (width <= length) return self;
    const auto n_zeros = static_cast<size_t>(width - length);
    if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
        return result(self, text.substr(0, 1) + std::string(n_zeros, '0') + text.substr(1));
    }
    return result(self, std::string(n_zeros, '0') + text);
}

Value s_removeprefix(Interpreter&, const Value& self, CallArgs& args) {
    ArgBinder a("removeprefix", args, {"prefix"});
    const std::string prefix = arg_text(self, a[0], "prefix");
    const std::string& text = self.as_string();
    return result(self, text.compare(0, prefix.size(), prefix) == 0 ? text.substr(prefix.size()) : text);
}

Value s_removesuffix(Interpreter&, const Value& self, CallArgs& args) {
    ArgBinder a("removesuffix", args, {"suffix"});
    const std::string suffix = arg_text(self, a[0], "suffix");
    const std::string& text = self.as_string();
    const bool match = !suffix.empty() && text.size() >= suffix.size() &&
                       text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
    return result(self, match ? text.substr(0, text.size() - suffix.size()) : text);
}

Value partition_impl(const Value& self, CallArgs& args, const char* name, bool from_right) {
    ArgBinder a(name, args, {"sep"});
    const std::string sep = arg_text(self, a[0], "separator");
    if (sep.empty()) throw_type_error("ValueError: empty separator");
    const std::string& text = self.as_string();
    const size_t found = from_right ? text.rfind(sep) : text.find(sep);
    auto part = [&](std::string s) { return Value::string(std::move(s), self.is_markup()); };
    if (found == std::string::npos) {
        if (from_right) return Value::list({part(""), part(""), part(text)}, ListKind::Tuple);
        return Value::list({part(text), part(""), part("")}, ListKind::Tuple);
    }
    return Value::list({part(text.substr(0, found)), part(sep), part(text.substr(found + sep.size()))},
                       ListKind::Tuple);
}

Value s_partition(Interpreter&, const Value& self, CallArgs& args) {
    return partition_impl(self, args, "partition", false);
}
Value s_rpartition(Interpreter&, const Value& self, CallArgs& args) {
    return partition_impl(self, args, "rpartition", true);
}

Value s_expandtabs(Interpreter&, const Value& self, CallArgs& args) {
    ArgBinder a("expandtabs", args, {"tabsize"});
    const int64_t tab = a.has(0) ? require_int(a[0], "tabsize") : 8;
    std::string out;
    int64_t column = 0;
    size_t pos = 0;
    const std::string& text = self.as_string();
    while (pos < text.size()) {
        const size_t start = pos;
        const char32_t cp = decode_utf8(text, pos);
        if (cp == '\t') {
            if (tab > 0) {
                const int64_t n = tab - column % tab;
                out.append(static_cast<size_t>(n), ' ');
                column += n;
            }
        } else {
            out.append(text, start, pos - start);
            column = (cp == '\n' || cp == '\r') ? 0 : column + 1;
        }
    }
    return result(self, std::move(out));
}

template <bool (*Pred)(char32_t)>
Value all_chars(const Value& self, CallArgs& args, const char* name) {
    ArgBinder a(name, args, {});
    const auto cps = to_code_points(self.as_string());
    if (cps.empty()) return Value::boolean(false);
    for (char32_t cp : cps) {
        if (!Pred(cp)) return Value::boolean(false);
    }
    return Value::boolean(true);
}

bool is_alnum_cp(char32_t cp) {
    return is_py_alpha(cp) || is_py_numeric(cp);
}

Value s_isalpha(Interpreter&, const Value& self, CallArgs& args) {
    return all_chars<is_py_alpha>(self, args, "isalpha");
}
Value s_isdigit(Interpreter&, const Value& self, CallArgs& args) {
    return all_chars<is_py_digit>(self, args, "isdigit");
}
Value s_isdecimal(Interpreter&, const Value& self, CallArgs& args) {
    return all_chars<is_py_decimal>(self, args, "isdecimal");
}
Value s_isnumeric(Interpreter&, const Value& self, CallArgs& args) {
    return all_chars<is_py_numeric>(self, args, "isnumeric");
}
Value s_isalnum(Interpreter&, const Value& self, CallArgs& args) {
    return all_chars<is_alnum_cp>(self, args, "isalnum");
}
Value s_isspace(Interpreter&, const Value& self, CallArgs& args) {
    return all_chars<is_py_space>(self, args, "isspace");
}

Value s_isascii(Interpreter&, const Value& self, CallArgs& args) {
    ArgBinder a("isascii", args, {});
    return Value::boolean(is_ascii(self.as_string()));
}

Value s_isprintable(Interpreter&, const Value& self, CallArgs& args) {
    ArgBinder a("isprintable", args, {});
    for (char32_t cp : to_code_points(self.as_string())) {
        if (!is_py_printable(cp)) return Value::boolean(false);
    }
    return Value::boolean(true);
}

Value case_test(const Value& self, CallArgs& args, const char* name, bool want_upper) {
    ArgBinder a(name, args, {});
    bool cased = false;
    for (char32_t cp : to_code_points(self.as_string())) {
        if (want_upper ? is_lower_cp(cp) : is_upper_cp(cp)) return Value::boolean(false);
        if (want_upper ? is_upper_cp(cp) : is_lower_cp(cp)) cased = true;
    }
    return Value::boolean(cased);
}

Value s_isupper(Interpreter&, const Value& self, CallArgs& args) {
    return case_test(self, args, "isupper", true);
}
Value s_islower(Interpreter&, const Value& self, CallArgs& args) {
    return case_test(self, args, "islower", false);
}

Value s_istitle(Interpreter&, const Value& self, CallArgs& args) {
    ArgBinder a("istitle", args, {});
    bool cased = false;
    bool previous_cased = false;
    for (char32_t cp : to_code_points(self.as_string())) {
        if (is_upper_cp(cp) || (is_cased_cp(cp) && !is_lower_cp(cp))) {
            if (previous_cased) return Value::boolean(false);
            previous_cased = true;
            cased = true;
        } else if (is_lower_cp(cp)) {
            if (!previous_cased) return Value::boolean(false);
            previous_cased = true;
            cased = true;
        } else {
            previous_cased = false;
        }
    }
    return Value::boolean(cased);
}

// ---- list / tuple ----

Value l_index(Interpreter&, const Value& self, CallArgs& args) {
    ArgBinder a("index", args, {"value", "start", "stop"});
    const auto& items = self.items();
    const auto length = static_cast<int64_t>(items.size());
    int64_t start = optional_index(a, 1, 0);
    int64_t stop = optional_index(a, 2, length);
    if (start < 0) start = std::max<int64_t>(0, start + length);
    if (stop < 0) stop = std::max<int64_t>(0, stop + length);
    stop = std::min(stop, length);
    for (int64_t i = start; i < stop; ++i) {
        if (py_equal(items[static_cast<size_t>(i)], a[0])) return Value::integer(i);
    }
    throw_type_error("ValueError: " + py_repr(a[0]) + " is not in list");
}

Value l_count(Interpreter&, const Value& self, CallArgs& args) {
    ArgBinder a("count", args, {"value"});
    int64_t n = 0;
    for (const Value& item : self.items())
        n += py_equal(item, a[0]) ? 1 : 0;
    return Value::integer(n);
}

Value l_copy(Interpreter&, const Value& self, CallArgs& args) {
    ArgBinder a("copy", args, {});
    return Value::list(self.items(), self.list_kind());
}

// ---- dict ----

Value d_get(Interpreter&, const Value& self, CallArgs& args) {
    ArgBinder a("get", args, {"key", "default"});
    if (const Value* found = self.as_dict().find(a[0])) return *found;
    return a.has(1) ? a[1] : Value::none();
}

Value dict_view(const Value& self, ListKind kind) {
    std::vector<Value> items;
    items.reserve(self.as_dict().size());
    for (const auto& [key, value] : self.as_dict().entries()) {
        if (kind == ListKind::DictItems) {
            items.push_back(Value::list({key, value}, ListKind::Tuple));
        } else {
            items.push_back(kind == ListKind::DictKeys ? key : value);
        }
    }
    return Value::list(std::move(items), kind);
}

Value d_items(Interpreter&, const Value& self, CallArgs& args) {
    ArgBinder a("items", args, {});
    return dict_view(self, ListKind::DictItems);
}

Value d_keys(Interpreter&, const Value& self, CallArgs& args) {
    ArgBinder a("keys", args, {});
    return dict_view(self, ListKind::DictKeys);
}

Value d_values(Interpreter&, const Value& self, CallArgs& args) {
    ArgBinder a("values", args, {});
    return dict_view(self, ListKind::DictValues);
}

Value d_copy(Interpreter&, const Value& self, CallArgs& args) {
    ArgBinder a("copy", args, {});
    auto dict = std::make_shared<DictData>(self.as_dict());
    return Value::dict(std::move(dict));
}

// Mutating methods: never reached (the interpreter refuses them before calling), present so the
// sandbox can recognise them by name.
Value refused(Interpreter&, const Value& self, CallArgs&) {
    throw TemplateError(TemplateErrorKind::Security,
                        "the sandbox refuses to mutate a " + std::string(py_type_name(self)));
}

const std::unordered_map<std::string_view, MethodEntry>& str_table() {
    static const std::unordered_map<std::string_view, MethodEntry> kMethods = {
        {"capitalize", {s_capitalize}},
        {"casefold", {s_lower}},
        {"center", {s_center}},
        {"count", {s_count}},
        {"endswith", {s_endswith}},
        {"expandtabs", {s_expandtabs}},
        {"find", {s_find}},
        {"format", {s_format}},
        {"index", {s_index}},
        {"isalnum", {s_isalnum}},
        {"isalpha", {s_isalpha}},
        {"isascii", {s_isascii}},
        {"isdecimal", {s_isdecimal}},
        {"isdigit", {s_isdigit}},
        {"islower", {s_islower}},
        {"isnumeric", {s_isnumeric}},
        {"isprintable", {s_isprintable}},
        {"isspace", {s_isspace}},
        {"istitle", {s_istitle}},
        {"isupper", {s_isupper}},
        {"join", {s_join}},
        {"ljust", {s_ljust}},
        {"lower", {s_lower}},
        {"lstrip", {s_lstrip}},
        {"partition", {s_partition}},
        {"removeprefix", {s_removeprefix}},
        {"removesuffix", {s_removesuffix}},
        {"replace", {s_replace}},
        {"rfind", {s_rfind}},
        {"rindex", {s_rindex}},
        {"rjust", {s_rjust}},
        {"rpartition", {s_rpartition}},
        {"rsplit", {s_rsplit}},
        {"rstrip", {s_rstrip}},
        {"split", {s_split}},
        {"splitlines", {s_splitlines}},
        {"startswith", {s_startswith}},
        {"strip", {s_strip}},
        {"swapcase", {s_swapcase}},
        {"title", {s_title}},
        {"upper", {s_upper}},
        {"zfill", {s_zfill}},
    };
    return kMethods;
}

const std::unordered_map<std::string_view, MethodEntry>& list_table() {
    static const std::unordered_map<std::string_view, MethodEntry> kMethods = {
        {"copy", {l_copy}},           {"count", {l_count}},       {"index", {l_index}},
        {"append", {refused, true}},  {"clear", {refused, true}}, {"extend", {refused, true}},
        {"insert", {refused, true}},  {"pop", {refused, true}},   {"remove", {refused, true}},
        {"reverse", {refused, true}}, {"sort", {refused, true}},
    };
    return kMethods;
}

const std::unordered_map<std::string_view, MethodEntry>& dict_table() {
    static const std::unordered_map<std::string_view, MethodEntry> kMethods = {
        {"copy", {d_copy}},
        {"get", {d_get}},
        {"items", {d_items}},
        {"keys", {d_keys}},
        {"values", {d_values}},
        {"clear", {refused, true}},
        {"pop", {refused, true}},
        {"popitem", {refused, true}},
        {"setdefault", {refused, true}},
        {"update", {refused, true}},
    };
    return kMethods;
}

MethodEntry find_in(const std::unordered_map<std::string_view, MethodEntry>& table, std::string_view name) {
    const auto it = table.find(name);
    return it == table.end() ? MethodEntry{} : it->second;
}

}  // namespace

MethodEntry find_str_method(std::string_view name) {
    return find_in(str_table(), name);
}
MethodEntry find_list_method(std::string_view name) {
    return find_in(list_table(), name);
}
MethodEntry find_dict_method(std::string_view name) {
    return find_in(dict_table(), name);
}

}  // namespace vela::openai::jinja
