// Python string formatting. Numeric conversions are delegated to snprintf, whose %d/%x/%o/%e/%f/%g
// output matches CPython's for finite values; padding, alignment, grouping and argument handling
// follow the Python documentation for printf-style formatting and the format-spec mini-language.
#include "template/py_format.h"

#include <cmath>
#include <cstdio>
#include <vector>

#include "template/py_text.h"
#include "template/template_error.h"

namespace vela::openai::jinja {

namespace {

std::string c_format(const std::string& spec, double value) {
    char buf[512];
    const int n = std::snprintf(buf, sizeof buf, spec.c_str(), value);
    if (n < 0) return {};
    if (static_cast<size_t>(n) < sizeof buf) return std::string(buf, static_cast<size_t>(n));
    std::string big(static_cast<size_t>(n) + 1, '\0');
    std::snprintf(big.data(), big.size(), spec.c_str(), value);
    big.resize(static_cast<size_t>(n));
    return big;
}

// Python's float formatting of non-finite values ("inf", "-inf", "nan"; upper-case for E/F/G).
bool format_non_finite(double value, char type, std::string& out) {
    if (std::isfinite(value)) return false;
    const bool upper = type == 'E' || type == 'F' || type == 'G';
    if (std::isnan(value)) {
        out = upper ? "NAN" : "nan";
    } else {
        out = value < 0 ? (upper ? "-INF" : "-inf") : (upper ? "INF" : "inf");
    }
    return true;
}

int64_t to_int_for_format(const Value& v, char conversion) {
    if (v.is_int() || v.is_bool()) return v.as_int();
    if (v.is_float() && (conversion == 'd' || conversion == 'i' || conversion == 'u')) {
        const double d = v.as_double();
        if (!std::isfinite(d)) throw_type_error("cannot convert float " + py_repr_float(d) + " to integer");
        return static_cast<int64_t>(std::trunc(d));
    }
    if (conversion == 'd' || conversion == 'i' || conversion == 'u') {
        throw_type_error(std::string("%") + conversion + " format: a real number is required, not " +
                         std::string(py_type_name(v)));
    }
    throw_type_error(std::string("%") + conversion + " format: an integer is required, not " +
                     std::string(py_type_name(v)));
}

double to_float_for_format(const Value& v, char conversion) {
    if (v.is_number()) return v.as_double();
    throw_type_error(std::string("must be real number, not ") + std::string(py_type_name(v)) + " (in %" +
                     conversion + " format)");
}

std::string pad(const std::string& text, size_t width, bool left_align, char fill = ' ') {
    const size_t length = count_code_points(text);
    if (length >= width) return text;
    const std::string padding(width - length, fill);
    return left_align ? text + padding : padding + text;
}

// One printf-style integer conversion laid out as Python does (sign, 0x/0o prefix with '#',
// precision as minimum digits, '0' padding after the sign, '-' left alignment).
std::string percent_int(int64_t n, char conversion, const std::string& flags, int64_t width,
                        int64_t precision) {
    const bool negative = n < 0;
    unsigned long long magnitude =
        negative ? 0ULL - static_cast<unsigned long long>(n) : static_cast<unsigned long long>(n);
    const unsigned base = conversion == 'o' ? 8 : ((conversion == 'x' || conversion == 'X') ? 16 : 10);
    const char* digit_chars = conversion == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
    std::string digits;
    do {
        digits.insert(digits.begin(), digit_chars[magnitude % base]);
        magnitude /= base;
    } while (magnitude != 0);
    if (precision > static_cast<int64_t>(digits.size())) {
        digits.insert(0, static_cast<size_t>(precision) - digits.size(), '0');
    }
    std::string prefix;
    if (flags.find('#') != std::string::npos && base != 10)
        prefix = conversion == 'o' ? "0o" : (conversion == 'X' ? "0X" : "0x");
    std::string sign =
        negative ? "-"
                 : (flags.find('+') != std::string::npos ? "+"
                                                         : (flags.find(' ') != std::string::npos ? " " : ""));
    const size_t length = sign.size() + prefix.size() + digits.size();
    if (width < 0 || static_cast<size_t>(width) <= length) return sign + prefix + digits;
    const size_t n_fill = static_cast<size_t>(width) - length;
    if (flags.find('-') != std::string::npos) return sign + prefix + digits + std::string(n_fill, ' ');
    if (flags.find('0') != std::string::npos) return sign + prefix + std::string(n_fill, '0') + digits;
    return std::string(n_fill, ' ') + sign + prefix + digits;
}

}  // namespace

std::string py_percent_format(std::string_view format, const Value& args) {
    const bool is_tuple = args.is_list() && args.list_kind() == ListKind::Tuple;
    const bool is_mapping = args.is_dict();
    // Python skips the "not all arguments converted" check for any argument with __getitem__ that
    // is not a tuple or str (dicts and lists).
    const bool has_getitem = is_mapping || (args.is_list() && args.list_kind() == ListKind::List);
    std::vector<Value> positional;
    if (is_tuple) {
        positional = args.items();
    } else if (!is_mapping) {
        positional.push_back(args);
    }
    size_t next_arg = 0;
    auto take = [&]() -> Value {
        if (is_mapping && positional.empty()) {
            // A dict used without %(name) keys is one positional argument.
            if (next_arg++ == 0) return args;
            throw_type_error("not enough arguments for format string");
        }
        if (next_arg >= positional.size()) throw_type_error("not enough arguments for format string");
        return positional[next_arg++];
    };
    std::string out;
    size_t i = 0;
    while (i < format.size()) {
        const char c = format[i];
        if (c != '%') {
            out.push_back(c);
            ++i;
            continue;
        }
        ++i;
        if (i >= format.size()) throw_type_error("incomplete format");
        Value value;
        bool have_value = false;
        if (format[i] == '(') {
            if (!is_mapping) throw_type_error("format requires a mapping");
            const size_t close = format.find(')', i);
            if (close == std::string_view::npos) throw_type_error("incomplete format key");
            const std::string key(format.substr(i + 1, close - i - 1));
            const Value* found = args.as_dict().find(std::string_view(key));
            if (found == nullptr) throw_type_error("KeyError: " + py_repr_string(key));
            value = *found;
            have_value = true;
            i = close + 1;
        }
        std::string flags;
        while (i < format.size() && std::string_view("-+ #0").find(format[i]) != std::string_view::npos) {
            flags.push_back(format[i++]);
        }
        auto read_number = [&]() -> int64_t {
            if (i < format.size() && format[i] == '*') {
                ++i;
                const Value n = take();
                if (!n.is_int()) throw_type_error("* wants int");
                return n.as_int();
            }
            int64_t n = 0;
            bool any = false;
            while (i < format.size() && format[i] >= '0' && format[i] <= '9') {
                n = n * 10 + (format[i++] - '0');
                any = true;
            }
            return any ? n : -1;
        };
        int64_t width = read_number();
        if (width < -1) {
            flags.push_back('-');
            width = -width;
        }
        int64_t precision = -1;
        if (i < format.size() && format[i] == '.') {
            ++i;
            precision = read_number();
            if (precision < 0) precision = 0;
        }
        while (i < format.size() && (format[i] == 'h' || format[i] == 'l' || format[i] == 'L'))
            ++i;
        if (i >= format.size()) throw_type_error("incomplete format");
        const char conversion = format[i++];
        if (conversion == '%') {
            out.push_back('%');
            continue;
        }
        if (!have_value) value = take();
        const bool left = flags.find('-') != std::string::npos;
        std::string piece;
        switch (conversion) {
            case 's':
            case 'r':
            case 'a': {
                piece = conversion == 's' ? py_str(value) : py_repr(value);
                if (value.is_undefined() && conversion == 's') piece.clear();
                if (precision >= 0) {
                    const auto cps = to_code_points(piece);
                    if (static_cast<int64_t>(cps.size()) > precision) {
                        piece = from_code_points(std::vector<char32_t>(cps.begin(), cps.begin() + precision));
                    }
                }
                out += pad(piece, width < 0 ? 0 : static_cast<size_t>(width), left);
                continue;
            }
            case 'c': {
                if (value.is_string()) {
                    if (count_code_points(value.as_string()) != 1)
                        throw_type_error("%c requires int or char");
                    piece = value.as_string();
                } else {
                    const int64_t cp = to_int_for_format(value, 'c');
                    if (cp < 0 || cp > 0x10FFFF) throw_type_error("%c arg not in range(0x110000)");
                    append_utf8(piece, static_cast<char32_t>(cp));
                }
                out += pad(piece, width < 0 ? 0 : static_cast<size_t>(width), left);
                continue;
            }
            case 'd':
            case 'i':
            case 'u':
            case 'o':
            case 'x':
            case 'X': {
                const int64_t n = to_int_for_format(value, conversion);
                out += percent_int(n, conversion, flags, width, precision);
                continue;
            }
            case 'e':
            case 'E':
            case 'f':
            case 'F':
            case 'g':
            case 'G': {
                const double d = to_float_for_format(value, conversion);
                std::string special;
                if (format_non_finite(d, conversion, special)) {
                    if (d > 0 && flags.find('+') != std::string::npos) special = "+" + special;
                    out += pad(special, width < 0 ? 0 : static_cast<size_t>(width), left);
                    continue;
                }
                std::string spec = "%" + flags;
                if (width >= 0) spec += std::to_string(width);
                if (precision >= 0) spec += "." + std::to_string(precision);
                spec.push_back(conversion);
                out += c_format(spec, d);
                continue;
            }
            default:
                throw_type_error(std::string("unsupported format character '") + conversion + "'");
        }
    }
    if (!has_getitem && next_arg < positional.size()) {
        throw_type_error("not all arguments converted during string formatting");
    }
    return out;
}

namespace {

struct FormatSpec {
    char fill = ' ';
    std::string fill_text = " ";
    char align = '\0';
    char sign = '-';
    bool alternate = false;
    bool zero = false;
    int64_t width = -1;
    char grouping = '\0';
    int64_t precision = -1;
    char type = '\0';
};

FormatSpec parse_spec(std::string_view spec) {
    FormatSpec s;
    size_t i = 0;
    auto is_align = [](char c) { return c == '<' || c == '>' || c == '^' || c == '='; };
    // [[fill]align]: the fill may be any code point.
    if (!spec.empty()) {
        size_t first_end = 0;
        decode_utf8(spec, first_end);
        if (first_end < spec.size() && is_align(spec[first_end])) {
            s.fill_text = std::string(spec.substr(0, first_end));
            s.align = spec[first_end];
            i = first_end + 1;
        } else if (is_align(spec[0])) {
            s.align = spec[0];
            i = 1;
        }
    }
    if (i < spec.size() && (spec[i] == '+' || spec[i] == '-' || spec[i] == ' ')) s.sign = spec[i++];
    if (i < spec.size() && spec[i] == 'z') ++i;
    if (i < spec.size() && spec[i] == '#') {
        s.alternate = true;
        ++i;
    }
    if (i < spec.size() && spec[i] == '0') {
        s.zero = true;
        ++i;
    }
    int64_t width = -1;
    while (i < spec.size() && spec[i] >= '0' && spec[i] <= '9')
        width = (width < 0 ? 0 : width) * 10 + (spec[i++] - '0');
    s.width = width;
    if (i < spec.size() && (spec[i] == ',' || spec[i] == '_')) s.grouping = spec[i++];
    if (i < spec.size() && spec[i] == '.') {
        ++i;
        int64_t precision = 0;
        bool any = false;
        while (i < spec.size() && spec[i] >= '0' && spec[i] <= '9') {
            precision = precision * 10 + (spec[i++] - '0');
            any = true;
        }
        if (!any) throw_type_error("Format specifier missing precision");
        s.precision = precision;
    }
    if (i < spec.size()) s.type = spec[i++];
    if (i != spec.size()) throw_type_error("Invalid format specifier '" + std::string(spec) + "'");
    if (s.zero && s.align == '\0') {
        s.fill_text = "0";
        s.align = '=';
    }
    return s;
}

std::string group_digits(const std::string& digits, char separator) {
    std::string out;
    const size_t n = digits.size();
    for (size_t i = 0; i < n; ++i) {
        if (i != 0 && (n - i) % 3 == 0) out.push_back(separator);
        out.push_back(digits[i]);
    }
    return out;
}

// Lays out sign + body with fill/alignment per the spec; `numeric` selects right alignment default.
std::string align_field(const FormatSpec& s, const std::string& sign, const std::string& body, bool numeric) {
    const size_t length = count_code_points(sign) + count_code_points(body);
    if (s.width < 0 || length >= static_cast<size_t>(s.width)) return sign + body;
    const size_t n_fill = static_cast<size_t>(s.width) - length;
    auto repeat_fill = [&](size_t n) {
        std::string f;
        for (size_t k = 0; k < n; ++k)
            f += s.fill_text;
        return f;
    };
    const char align = s.align != '\0' ? s.align : (numeric ? '>' : '<');
    switch (align) {
        case '<':
            return sign + body + repeat_fill(n_fill);
        case '^':
            return repeat_fill(n_fill / 2) + sign + body + repeat_fill(n_fill - n_fill / 2);
        case '=':
            return sign + repeat_fill(n_fill) + body;
        default:
            return repeat_fill(n_fill) + sign + body;
    }
}

std::string format_integer(int64_t n, const FormatSpec& s) {
    const bool negative = n < 0;
    const auto magnitude =
        static_cast<unsigned long long>(negative ? -(n + 1) + 1ULL : static_cast<unsigned long long>(n));
    std::string body;
    std::string prefix;
    switch (s.type) {
        case '\0':
        case 'd':
        case 'n':
            body = std::to_string(magnitude);
            break;
        case 'x':
        case 'X':
        case 'o':
        case 'b': {
            const unsigned base = s.type == 'o' ? 8 : (s.type == 'b' ? 2 : 16);
            const char* digits = s.type == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
            unsigned long long m = magnitude;
            do {
                body.insert(body.begin(), digits[m % base]);
                m /= base;
            } while (m != 0);
            if (s.alternate) prefix = std::string("0") + (s.type == 'X' ? 'X' : s.type);
            break;
        }
        case 'c': {
            if (n < 0 || n > 0x10FFFF) throw_type_error("%c arg not in range(0x110000)");
            std::string ch;
            append_utf8(ch, static_cast<char32_t>(n));
            return align_field(s, "", ch, false);
        }
        default:
            throw_type_error(std::string("Unknown format code '") + s.type + "' for object of type 'int'");
    }
    if (s.grouping != '\0') body = group_digits(body, s.grouping);
    std::string sign = negative ? "-" : (s.sign == '+' ? "+" : (s.sign == ' ' ? " " : ""));
    return align_field(s, sign + prefix, body, true);
}

std::string format_float(double d, const FormatSpec& s) {
    char type = s.type;
    std::string body;
    const bool negative = std::signbit(d) && !std::isnan(d);
    const double magnitude = std::fabs(d);
    if (!format_non_finite(magnitude, type, body)) {
        if (type == '\0' && s.precision < 0) {
            body = py_repr_float(magnitude);
        } else if (type == '\0') {
            body = c_format("%." + std::to_string(s.precision == 0 ? 1 : s.precision) + "g", magnitude);
            if (body.find_first_of(".e") == std::string::npos) body += ".0";
        } else if (type == '%') {
            body = c_format("%." + std::to_string(s.precision < 0 ? 6 : s.precision) + "f", magnitude * 100) +
                   "%";
        } else if (type == 'n') {
            body = c_format("%." + std::to_string(s.precision < 0 ? 6 : s.precision) + "g", magnitude);
        } else {
            std::string spec = "%";
            if (s.alternate) spec += "#";
            spec += "." + std::to_string(s.precision < 0 ? 6 : s.precision);
            spec.push_back(type);
            body = c_format(spec, magnitude);
        }
        if (s.grouping != '\0') {
            const size_t end = body.find_first_of(".e%");
            body = group_digits(body.substr(0, end), s.grouping) +
                   (end == std::string::npos ? "" : body.substr(end));
        }
    }
    std::string sign = negative ? "-" : (s.sign == '+' ? "+" : (s.sign == ' ' ? " " : ""));
    return align_field(s, sign, body, true);
}

}  // namespace

std::string py_format_value(const Value& value, std::string_view spec_text) {
    if (spec_text.empty()) return py_str(value);
    const FormatSpec s = parse_spec(spec_text);
    if (value.is_int() || value.is_bool()) {
        if (s.type == 'e' || s.type == 'E' || s.type == 'f' || s.type == 'F' || s.type == 'g' ||
            s.type == 'G' || s.type == '%') {
            return format_float(value.as_double(), s);
        }
        if (s.precision >= 0) throw_type_error("Precision not allowed in integer format specifier");
        return format_integer(value.as_int(), s);
    }
    if (value.is_float()) {
        if (s.type != '\0' && std::string_view("eEfFgGn%").find(s.type) == std::string_view::npos) {
            throw_type_error(std::string("Unknown format code '") + s.type + "' for object of type 'float'");
        }
        return format_float(value.as_double(), s);
    }
    if (value.is_string()) {
        if (s.type != '\0' && s.type != 's') {
            throw_type_error(std::string("Unknown format code '") + s.type + "' for object of type 'str'");
        }
        if (s.sign != '-') throw_type_error("Sign not allowed in string format specifier");
        if (s.alternate) throw_type_error("Alternate form (#) not allowed in string format specifier");
        if (s.align == '=') throw_type_error("'=' alignment not allowed in string format specifier");
        std::string text = value.as_string();
        if (s.precision >= 0) {
            const auto cps = to_code_points(text);
            if (static_cast<int64_t>(cps.size()) > s.precision) {
                text = from_code_points(std::vector<char32_t>(cps.begin(), cps.begin() + s.precision));
            }
        }
        return align_field(s, "", text, false);
    }
    throw_type_error("unsupported format string passed to " + std::string(py_type_name(value)) +
                     ".__format__");
}

std::string py_str_format(std::string_view format, const CallArgs& args) {
    std::string out;
    size_t auto_index = 0;
    bool used_auto = false;
    bool used_manual = false;

    auto resolve = [&](std::string_view field) -> Value {
        size_t end = 0;
        while (end < field.size() && field[end] != '.' && field[end] != '[')
            ++end;
        const std::string_view head = field.substr(0, end);
        Value value;
        if (head.empty()) {
            if (used_manual)
                throw_type_error(
                    "cannot switch from manual field specification to automatic field numbering");
            used_auto = true;
            if (auto_index >= args.positional.size()) {
                throw_type_error("Replacement index " + std::to_string(auto_index) +
                                 " out of range for positional args tuple");
            }
            value = args.positional[auto_index++];
        } else if (head.find_first_not_of("0123456789") == std::string_view::npos) {
            if (used_auto)
                throw_type_error(
                    "cannot switch from automatic field numbering to manual field specification");
            used_manual = true;
            const size_t index = std::stoul(std::string(head));
            if (index >= args.positional.size()) {
                throw_type_error("Replacement index " + std::to_string(index) +
                                 " out of range for positional args tuple");
            }
            value = args.positional[index];
        } else {
            bool found = false;
            for (const auto& [name, v] : args.keywords) {
                if (name == head) {
                    value = v;
                    found = true;
                }
            }
            if (!found) throw_type_error("KeyError: " + py_repr_string(std::string(head)));
        }
        size_t i = end;
        while (i < field.size()) {
            if (field[i] == '.') {
                size_t j = i + 1;
                while (j < field.size() && field[j] != '.' && field[j] != '[')
                    ++j;
                const std::string attr(field.substr(i + 1, j - i - 1));
                const Value* found = value.is_dict() ? value.as_dict().find(std::string_view(attr)) : nullptr;
                if (value.is_object()) {
                    value = value.as_object().attribute(attr);
                } else if (found != nullptr) {
                    value = *found;
                } else {
                    throw_type_error("'" + std::string(py_type_name(value)) + "' object has no attribute " +
                                     py_repr_string(attr));
                }
                i = j;
            } else {
                const size_t close = field.find(']', i);
                if (close == std::string_view::npos) throw_type_error("Missing ']' in format string");
                const std::string key(field.substr(i + 1, close - i - 1));
                Value key_value = key.find_first_not_of("0123456789") == std::string::npos && !key.empty()
                                      ? Value::integer(std::stoll(key))
                                      : Value::string(key);
                if (value.is_dict()) {
                    const Value* found = value.as_dict().find(key_value);
                    if (found == nullptr) throw_type_error("KeyError: " + py_repr(key_value));
                    value = *found;
                } else if (value.is_list() && key_value.is_int()) {
                    const auto index = static_cast<size_t>(key_value.as_int());
                    if (index >= value.items().size())
                        throw_type_error("IndexError: list index out of range");
                    value = value.items()[index];
                } else {
                    throw_type_error("'" + std::string(py_type_name(value)) +
                                     "' object is not subscriptable");
                }
                i = close + 1;
            }
        }
        return value;
    };

    size_t i = 0;
    while (i < format.size()) {
        const char c = format[i];
        if (c == '{') {
            if (i + 1 < format.size() && format[i + 1] == '{') {
                out.push_back('{');
                i += 2;
                continue;
            }
            // Find the matching '}' allowing one level of nested fields in the spec.
            size_t j = i + 1;
            int depth = 1;
            while (j < format.size() && depth > 0) {
                if (format[j] == '{') ++depth;
                if (format[j] == '}') --depth;
                if (depth > 0) ++j;
            }
            if (j >= format.size()) throw_type_error("expected '}' before end of string");
            const std::string_view field = format.substr(i + 1, j - i - 1);
            size_t colon = std::string_view::npos;
            size_t bang = std::string_view::npos;
            for (size_t k = 0; k < field.size(); ++k) {
                if (field[k] == '[') {
                    const size_t close = field.find(']', k);
                    if (close != std::string_view::npos) k = close;
                    continue;
                }
                if (field[k] == '!' && bang == std::string_view::npos && colon == std::string_view::npos)
                    bang = k;
                if (field[k] == ':') {
                    colon = k;
                    break;
                }
            }
            const std::string_view name = field.substr(0, std::min(bang, colon));
            Value value = resolve(name);
            if (bang != std::string_view::npos) {
                const std::string_view conversion = field.substr(
                    bang + 1, (colon == std::string_view::npos ? field.size() : colon) - bang - 1);
                if (conversion == "r" || conversion == "a") {
                    value = Value::string(py_repr(value));
                } else if (conversion == "s") {
                    value = Value::string(py_str(value));
                } else {
                    throw_type_error("Unknown conversion specifier " + std::string(conversion));
                }
            }
            std::string spec;
            if (colon != std::string_view::npos) {
                const std::string_view raw_spec = field.substr(colon + 1);
                if (raw_spec.find('{') != std::string_view::npos) {
                    spec = py_str_format(raw_spec, args);
                } else {
                    spec = std::string(raw_spec);
                }
            }
            out += spec.empty() ? (value.is_undefined() ? std::string() : py_str(value))
                                : py_format_value(value, spec);
            i = j + 1;
            continue;
        }
        if (c == '}') {
            if (i + 1 < format.size() && format[i + 1] == '}') {
                out.push_back('}');
                i += 2;
                continue;
            }
            throw_type_error("Single '}' encountered in format string");
        }
        out.push_back(c);
        ++i;
    }
    return out;
}

}  // namespace vela::openai::jinja
