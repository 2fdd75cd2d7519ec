// Python str semantics on UTF-8 text. Character classes and case mappings come from utf8proc's
// Unicode tables; the algorithms (split, strip, title, find, slicing) follow the behaviour that
// Python's documentation specifies, counting code points rather than bytes.
#include "template/py_text.h"

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace vela::openai::jinja {

namespace {

int category_of(char32_t cp) {
    return utf8proc_category(static_cast<utf8proc_int32_t>(cp));
}

bool in_ranges(char32_t cp, std::initializer_list<std::pair<char32_t, char32_t>> ranges) {
    for (const auto& [lo, hi] : ranges) {
        if (cp >= lo && cp <= hi) return true;
    }
    return false;
}

// Code points that Python's str.isdigit() accepts beyond category Nd (Numeric_Type=Digit).
bool is_extra_digit(char32_t cp) {
    return in_ranges(cp, {{0xB2, 0xB3},
                          {0xB9, 0xB9},
                          {0x2070, 0x2070},
                          {0x2074, 0x2079},
                          {0x2080, 0x2089},
                          {0x2460, 0x2468},
                          {0x2474, 0x247C},
                          {0x2488, 0x2490},
                          {0x24EA, 0x24EA},
                          {0x24F5, 0x24FD},
                          {0x24FF, 0x24FF},
                          {0x2776, 0x277E},
                          {0x2780, 0x2788},
                          {0x278A, 0x2792}});
}

bool is_line_break(char32_t cp) {
    switch (cp) {
        case '\n':
        case '\r':
        case 0x0B:
        case 0x0C:
        case 0x1C:
        case 0x1D:
        case 0x1E:
        case 0x85:
        case 0x2028:
        case 0x2029:
            return true;
        default:
            return false;
    }
}

template <class F>
std::string map_code_points(std::string_view text, F&& f) {
    std::string out;
    out.reserve(text.size());
    if (is_ascii(text)) {
        for (char c : text)
            out.push_back(static_cast<char>(f(static_cast<char32_t>(c))));
        return out;
    }
    size_t pos = 0;
    while (pos < text.size())
        append_utf8(out, f(decode_utf8(text, pos)));
    return out;
}

}  // namespace

bool is_ascii(std::string_view text) {
    for (char c : text) {
        if (static_cast<unsigned char>(c) >= 0x80) return false;
    }
    return true;
}

char32_t decode_utf8(std::string_view text, size_t& pos) {
    const auto b0 = static_cast<unsigned char>(text[pos]);
    if (b0 < 0x80) {
        ++pos;
        return b0;
    }
    int n_extra = 0;
    char32_t cp = 0;
    if ((b0 & 0xE0) == 0xC0) {
        n_extra = 1;
        cp = b0 & 0x1F;
    } else if ((b0 & 0xF0) == 0xE0) {
        n_extra = 2;
        cp = b0 & 0x0F;
    } else if ((b0 & 0xF8) == 0xF0) {
        n_extra = 3;
        cp = b0 & 0x07;
    } else {
        ++pos;
        return 0xFFFD;
    }
    if (pos + static_cast<size_t>(n_extra) >= text.size()) {
        ++pos;
        return 0xFFFD;
    }
    for (int i = 1; i <= n_extra; ++i) {
        const auto b = static_cast<unsigned char>(text[pos + static_cast<size_t>(i)]);
        if ((b & 0xC0) != 0x80) {
            ++pos;
            return 0xFFFD;
        }
        cp = (cp << 6) | (b & 0x3F);
    }
    pos += static_cast<size_t>(n_extra) + 1;
    return cp;
}

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

std::vector<char32_t> to_code_points(std::string_view text) {
    std::vector<char32_t> cps;
    cps.reserve(text.size());
    size_t pos = 0;
    while (pos < text.size())
        cps.push_back(decode_utf8(text, pos));
    return cps;
}

std::string from_code_points(const std::vector<char32_t>& cps) {
    std::string out;
    out.reserve(cps.size());
    for (char32_t cp : cps)
        append_utf8(out, cp);
    return out;
}

size_t count_code_points(std::string_view text) {
    size_t n = 0;
    for (char c : text) {
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
    }
    return n;
}

bool is_py_space(char32_t cp) {
    if (cp < 0x80) return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20);
    return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
           cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

bool is_py_printable(char32_t cp) {
    if (cp == ' ') return true;
    if (cp < 0x20 || cp == 0x7F) return false;
    if (cp < 0x7F) return true;
    switch (category_of(cp)) {
        case UTF8PROC_CATEGORY_CN:
        case UTF8PROC_CATEGORY_CC:
        case UTF8PROC_CATEGORY_CF:
        case UTF8PROC_CATEGORY_CS:
        case UTF8PROC_CATEGORY_CO:
        case UTF8PROC_CATEGORY_ZS:
        case UTF8PROC_CATEGORY_ZL:
        case UTF8PROC_CATEGORY_ZP:
            return false;
        default:
            return true;
    }
}

bool is_py_alpha(char32_t cp) {
    if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
    const int cat = category_of(cp);
    return cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LL || cat == UTF8PROC_CATEGORY_LT ||
           cat == UTF8PROC_CATEGORY_LM || cat == UTF8PROC_CATEGORY_LO;
}

bool is_py_decimal(char32_t cp) {
    if (cp < 0x80) return cp >= '0' && cp <= '9';
    return category_of(cp) == UTF8PROC_CATEGORY_ND;
}

bool is_py_digit(char32_t cp) {
    return is_py_decimal(cp) || is_extra_digit(cp);
}

bool is_py_numeric(char32_t cp) {
    if (cp < 0x80) return cp >= '0' && cp <= '9';
    const int cat = category_of(cp);
    return cat == UTF8PROC_CATEGORY_ND || cat == UTF8PROC_CATEGORY_NL || cat == UTF8PROC_CATEGORY_NO;
}

char32_t to_lower_cp(char32_t cp) {
    if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
    return static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cp)));
}

char32_t to_upper_cp(char32_t cp) {
    if (cp < 0x80) return (cp >= 'a' && cp <= 'z') ? cp - 32 : cp;
    return static_cast<char32_t>(utf8proc_toupper(static_cast<utf8proc_int32_t>(cp)));
}

static char32_t to_title_cp(char32_t cp) {
    if (cp < 0x80) return to_upper_cp(cp);
    return static_cast<char32_t>(utf8proc_totitle(static_cast<utf8proc_int32_t>(cp)));
}

bool is_cased_cp(char32_t cp) {
    if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
    const int cat = category_of(cp);
    return cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LL || cat == UTF8PROC_CATEGORY_LT ||
           to_lower_cp(cp) != cp || to_upper_cp(cp) != cp;
}

bool is_upper_cp(char32_t cp) {
    if (cp < 0x80) return cp >= 'A' && cp <= 'Z';
    return utf8proc_isupper(static_cast<utf8proc_int32_t>(cp)) != 0;
}

bool is_lower_cp(char32_t cp) {
    if (cp < 0x80) return cp >= 'a' && cp <= 'z';
    return utf8proc_islower(static_cast<utf8proc_int32_t>(cp)) != 0;
}

std::string py_lower(std::string_view text) {
    return map_code_points(text, to_lower_cp);
}

std::string py_upper(std::string_view text) {
    return map_code_points(text, to_upper_cp);
}

std::string py_swapcase(std::string_view text) {
    return map_code_points(text, [](char32_t cp) {
        if (is_upper_cp(cp)) return to_lower_cp(cp);
        if (is_lower_cp(cp)) return to_upper_cp(cp);
        return cp;
    });
}

std::string py_title(std::string_view text) {
    bool previous_is_cased = false;
    return map_code_points(text, [&](char32_t cp) {
        const char32_t mapped = previous_is_cased ? to_lower_cp(cp) : to_title_cp(cp);
        previous_is_cased = is_cased_cp(cp);
        return mapped;
    });
}

std::string py_capitalize(std::string_view text) {
    bool first = true;
    return map_code_points(text, [&](char32_t cp) {
        const char32_t mapped = first ? to_title_cp(cp) : to_lower_cp(cp);
        first = false;
        return mapped;
    });
}

std::string_view py_strip(std::string_view text, const std::string* chars, bool left, bool right) {
    std::vector<char32_t> set;
    if (chars != nullptr) set = to_code_points(*chars);
    auto strippable = [&](char32_t cp) {
        if (chars == nullptr) return is_py_space(cp);
        return std::find(set.begin(), set.end(), cp) != set.end();
    };
    size_t begin = 0;
    size_t end = text.size();
    if (left) {
        while (begin < end) {
            size_t next = begin;
            if (!strippable(decode_utf8(text, next))) break;
            begin = next;
        }
    }
    if (right) {
        while (end > begin) {
            size_t start = end - 1;
            while (start > begin && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80)
                --start;
            size_t pos = start;
            if (!strippable(decode_utf8(text, pos))) break;
            end = start;
        }
    }
    return text.substr(begin, end - begin);
}

namespace {

struct CodePointSpan {
    size_t begin;  // byte offset
    size_t end;    // byte offset
    char32_t cp;
};

std::vector<CodePointSpan> spans_of(std::string_view text) {
    std::vector<CodePointSpan> spans;
    spans.reserve(text.size());
    size_t pos = 0;
    while (pos < text.size()) {
        const size_t begin = pos;
        const char32_t cp = decode_utf8(text, pos);
        spans.push_back({begin, pos, cp});
    }
    return spans;
}

}  // namespace

std::vector<std::string> py_split(std::string_view text, const std::string* sep, int64_t max_split) {
    std::vector<std::string> parts;
    if (sep != nullptr) {
        size_t start = 0;
        int64_t n_splits = 0;
        while (max_split < 0 || n_splits < max_split) {
            const size_t found = text.find(*sep, start);
            if (found == std::string_view::npos) break;
            parts.emplace_back(text.substr(start, found - start));
            start = found + sep->size();
            ++n_splits;
        }
        parts.emplace_back(text.substr(start));
        return parts;
    }
    const auto spans = spans_of(text);
    size_t i = 0;
    int64_t remaining = max_split < 0 ? INT64_MAX : max_split;
    while (remaining-- > 0) {
        while (i < spans.size() && is_py_space(spans[i].cp))
            ++i;
        if (i == spans.size()) break;
        const size_t j = i;
        while (i < spans.size() && !is_py_space(spans[i].cp))
            ++i;
        parts.emplace_back(
            text.substr(spans[j].begin, (i < spans.size() ? spans[i].begin : text.size()) - spans[j].begin));
    }
    if (i < spans.size()) {
        while (i < spans.size() && is_py_space(spans[i].cp))
            ++i;
        if (i != spans.size()) parts.emplace_back(text.substr(spans[i].begin));
    }
    return parts;
}

std::vector<std::string> py_rsplit(std::string_view text, const std::string* sep, int64_t max_split) {
    std::vector<std::string> parts;
    if (sep != nullptr) {
        size_t end = text.size();
        int64_t n_splits = 0;
        while (max_split < 0 || n_splits < max_split) {
            if (end < sep->size()) break;
            const size_t found = text.rfind(*sep, end - sep->size());
            if (found == std::string_view::npos) break;
            parts.emplace_back(text.substr(found + sep->size(), end - found - sep->size()));
            end = found;
            ++n_splits;
        }
        parts.emplace_back(text.substr(0, end));
        std::reverse(parts.begin(), parts.end());
        return parts;
    }
    const auto spans = spans_of(text);
    int64_t i = static_cast<int64_t>(spans.size()) - 1;
    int64_t remaining = max_split < 0 ? INT64_MAX : max_split;
    auto at = [&](int64_t k) { return spans[static_cast<size_t>(k)]; };
    while (remaining-- > 0) {
        while (i >= 0 && is_py_space(at(i).cp))
            --i;
        if (i < 0) break;
        const int64_t j = i;
        while (i >= 0 && !is_py_space(at(i).cp))
            --i;
        const size_t begin = at(i + 1).begin;
        parts.emplace_back(text.substr(begin, at(j).end - begin));
    }
    if (i >= 0) {
        while (i >= 0 && is_py_space(at(i).cp))
            --i;
        if (i >= 0) parts.emplace_back(text.substr(0, at(i).end));
    }
    std::reverse(parts.begin(), parts.end());
    return parts;
}

std::vector<std::string> py_splitlines(std::string_view text, bool keep_ends) {
    std::vector<std::string> lines;
    size_t pos = 0;
    size_t line_start = 0;
    while (pos < text.size()) {
        const size_t cp_start = pos;
        const char32_t cp = decode_utf8(text, pos);
        if (!is_line_break(cp)) continue;
        size_t line_end = pos;
        if (cp == '\r' && pos < text.size() && text[pos] == '\n') line_end = ++pos;
        lines.emplace_back(text.substr(line_start, (keep_ends ? line_end : cp_start) - line_start));
        line_start = pos;
    }
    if (line_start < text.size()) lines.emplace_back(text.substr(line_start));
    return lines;
}

std::string py_replace(std::string_view text, std::string_view old_text, std::string_view new_text,
                       int64_t count) {
    std::string out;
    int64_t n_done = 0;
    if (old_text.empty()) {
        const auto spans = spans_of(text);
        size_t i = 0;
        for (; i <= spans.size(); ++i) {
            if (count >= 0 && n_done >= count) break;
            out += new_text;
            ++n_done;
            if (i < spans.size()) out += text.substr(spans[i].begin, spans[i].end - spans[i].begin);
        }
        if (i < spans.size()) out += text.substr(spans[i].begin);
        return out;
    }
    size_t start = 0;
    while (count < 0 || n_done < count) {
        const size_t found = text.find(old_text, start);
        if (found == std::string_view::npos) break;
        out += text.substr(start, found - start);
        out += new_text;
        start = found + old_text.size();
        ++n_done;
    }
    out += text.substr(start);
    return out;
}

std::string py_repr_string(std::string_view text) {
    const bool has_single = text.find('\'') != std::string_view::npos;
    const bool has_double = text.find('"') != std::string_view::npos;
    const char quote = (has_single && !has_double) ? '"' : '\'';
    std::string out;
    out.reserve(text.size() + 2);
    out.push_back(quote);
    size_t pos = 0;
    while (pos < text.size()) {
        const size_t start = pos;
        const char32_t cp = decode_utf8(text, pos);
        if (cp == static_cast<char32_t>(quote) || cp == '\\') {
            out.push_back('\\');
            out.push_back(static_cast<char>(cp));
        } else if (cp == '\n') {
            out += "\\n";
        } else if (cp == '\r') {
            out += "\\r";
        } else if (cp == '\t') {
            out += "\\t";
        } else if (!is_py_printable(cp)) {
            char buf[16];
            if (cp < 0x100) {
                std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(cp));
            } else if (cp < 0x10000) {
                std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
            } else {
                std::snprintf(buf, sizeof buf, "\\U%08x", static_cast<unsigned>(cp));
            }
            out += buf;
        } else {
            out.append(text.substr(start, pos - start));
        }
    }
    out.push_back(quote);
    return out;
}

std::string py_repr_float(double value) {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    // Shortest round-trip digits in scientific form, then laid out as Python's float_repr_style
    // 'short' does: positional for exponents in [-4, 16), scientific otherwise.
    char buf[64];
    const auto result = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
    std::string_view sci(buf, static_cast<size_t>(result.ptr - buf));
    const bool negative = !sci.empty() && sci[0] == '-';
    if (negative) sci.remove_prefix(1);
    const size_t e_pos = sci.find('e');
    std::string digits;
    for (char c : sci.substr(0, e_pos)) {
        if (c != '.') digits.push_back(c);
    }
    int exponent = 0;
    std::from_chars(sci.data() + e_pos + (sci[e_pos + 1] == '+' ? 2 : 1), sci.data() + sci.size(), exponent);
    while (digits.size() > 1 && digits.back() == '0')
        digits.pop_back();
    std::string out = negative ? "-" : "";
    if (exponent >= -4 && exponent < 16) {
        if (exponent < 0) {
            out += "0.";
            out.append(static_cast<size_t>(-exponent - 1), '0');
            out += digits;
        } else {
            const auto n_int = static_cast<size_t>(exponent) + 1;
            if (digits.size() <= n_int) {
                out += digits;
                out.append(n_int - digits.size(), '0');
                out += ".0";
            } else {
                out += digits.substr(0, n_int);
                out += '.';
                out += digits.substr(n_int);
            }
        }
        return out;
    }
    out += digits.substr(0, 1);
    if (digits.size() > 1) {
        out += '.';
        out += digits.substr(1);
    }
    char exp_buf[16];
    std::snprintf(exp_buf, sizeof exp_buf, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    out += exp_buf;
    return out;
}

std::vector<int64_t> py_slice_indices(int64_t length, const int64_t* start, const int64_t* stop,
                                      int64_t step) {
    std::vector<int64_t> indices;
    auto clamp = [&](const int64_t* bound, int64_t fallback, int64_t lower, int64_t upper) {
        if (bound == nullptr) return fallback;
        int64_t v = *bound;
        if (v < 0) v += length;
        return std::clamp(v, lower, upper);
    };
    if (step > 0) {
        const int64_t begin = clamp(start, 0, 0, length);
        const int64_t end = clamp(stop, length, 0, length);
        for (int64_t i = begin; i < end; i += step)
            indices.push_back(i);
    } else {
        const int64_t begin = clamp(start, length - 1, -1, length - 1);
        const int64_t end = clamp(stop, -1, -1, length - 1);
        for (int64_t i = begin; i > end; i += step)
            indices.push_back(i);
    }
    return indices;
}

size_t byte_offset_of(std::string_view text, int64_t cp_index) {
    size_t pos = 0;
    for (int64_t i = 0; i < cp_index && pos < text.size(); ++i) {
        ++pos;
        while (pos < text.size() && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80)
            ++pos;
    }
    return pos;
}

namespace {

// Normalises [start, end) against `length` as Python's ADJUST_INDICES does.
void adjust_indices(int64_t length, int64_t& start, int64_t& end) {
    if (end > length) {
        end = length;
    } else if (end < 0) {
        end += length;
        if (end < 0) end = 0;
    }
    if (start < 0) {
        start += length;
        if (start < 0) start = 0;
    }
}

}  // namespace

int64_t py_find(std::string_view text, std::string_view needle, int64_t start, int64_t end, bool rfind) {
    const bool ascii = is_ascii(text);
    const auto length = static_cast<int64_t>(ascii ? text.size() : count_code_points(text));
    adjust_indices(length, start, end);
    if (start > length) return -1;
    if (end - start < 0) return -1;
    const size_t begin_byte = ascii ? static_cast<size_t>(start) : byte_offset_of(text, start);
    const size_t end_byte = ascii ? static_cast<size_t>(end) : byte_offset_of(text, end);
    const std::string_view window = text.substr(begin_byte, end_byte - begin_byte);
    const size_t found = rfind ? window.rfind(needle) : window.find(needle);
    if (found == std::string_view::npos) return -1;
    const auto prefix = window.substr(0, found);
    return start + static_cast<int64_t>(ascii ? prefix.size() : count_code_points(prefix));
}

int64_t py_count(std::string_view text, std::string_view needle, int64_t start, int64_t end) {
    const bool ascii = is_ascii(text);
    const auto length = static_cast<int64_t>(ascii ? text.size() : count_code_points(text));
    adjust_indices(length, start, end);
    if (start > length || end < start) return 0;
    const size_t begin_byte = ascii ? static_cast<size_t>(start) : byte_offset_of(text, start);
    const size_t end_byte = ascii ? static_cast<size_t>(end) : byte_offset_of(text, end);
    const std::string_view window = text.substr(begin_byte, end_byte - begin_byte);
    if (needle.empty()) return static_cast<int64_t>(count_code_points(window)) + 1;
    int64_t n = 0;
    size_t pos = 0;
    while ((pos = window.find(needle, pos)) != std::string_view::npos) {
        ++n;
        pos += needle.size();
    }
    return n;
}

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&#34;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out.push_back(c);
        }
    }
    return out;
}

}  // namespace vela::openai::jinja
