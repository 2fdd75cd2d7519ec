// The Jinja lexer. The root state scans for the next `{{`, `{%` or `{#` and applies the whitespace
// rules to the text before it exactly as Jinja2's OptionalLStrip does: `-` strips all trailing
// whitespace, otherwise (unless `+`, and never for `{{`) lstrip_blocks strips the spaces after the
// last newline when nothing else is on that line. Inside a tag the end delimiter is only honoured
// when brackets are balanced, and expression tokens follow Jinja2's regular expressions.
#include "template/lexer.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "template/py_text.h"
#include "template/template_error.h"

namespace vela::openai::jinja {

namespace {

// Normalises \r\n and \r to \n and drops one trailing newline (keep_trailing_newline=False).
std::string normalize_source(std::string_view source) {
    std::string out;
    out.reserve(source.size());
    for (size_t i = 0; i < source.size(); ++i) {
        if (source[i] == '\r') {
            out.push_back('\n');
            if (i + 1 < source.size() && source[i + 1] == '\n') ++i;
        } else {
            out.push_back(source[i]);
        }
    }
    if (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

bool is_name_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           static_cast<unsigned char>(c) >= 0x80;
}

bool is_name_char(char c) {
    return is_name_start(c) || (c >= '0' && c <= '9');
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

class Lexer {
  public:
    explicit Lexer(std::string source) : src_(std::move(source)) {}

    std::vector<Token> run() {
        while (pos_ < src_.size())
            lex_root();
        push(TokenType::End, {}, src_.size());
        return std::move(tokens_);
    }

  private:
    enum class TagKind { Variable, Block, Comment, Raw };

    // Advances the line/column cursor to byte `offset` (offsets only grow).
    void seek(size_t offset) {
        for (; cursor_ < offset && cursor_ < src_.size(); ++cursor_) {
            const char c = src_[cursor_];
            if (c == '\n') {
                ++line_;
                column_ = 1;
            } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
                ++column_;
            }
        }
    }

    void push(TokenType type, std::string text, size_t offset) {
        seek(offset);
        Token token;
        token.type = type;
        token.text = std::move(text);
        token.line = line_;
        token.column = column_;
        tokens_.push_back(std::move(token));
    }

    [[noreturn]] void fail(const std::string& message, size_t offset) {
        seek(offset);
        throw TemplateError(TemplateErrorKind::Syntax, message, line_, column_);
    }

    // Whitespace in the sense of Python's \s, at byte `pos`; returns its byte length or 0.
    size_t space_at(size_t pos) const {
        if (pos >= src_.size()) return 0;
        const auto c = static_cast<unsigned char>(src_[pos]);
        if (c < 0x80) return is_py_space(c) ? 1 : 0;
        size_t next = pos;
        const char32_t cp = decode_utf8(src_, next);
        return is_py_space(cp) ? next - pos : 0;
    }

    size_t skip_spaces(size_t pos) const {
        while (size_t n = space_at(pos))
            pos += n;
        return pos;
    }

    // Applies the OptionalLStrip rule to the data before a tag and emits it.
    void emit_data(size_t begin, size_t end, char sign, bool is_variable) {
        std::string_view text(src_.data() + begin, end - begin);
        if (sign == '-') {
            text = py_strip(text, nullptr, false, true);
        } else if (sign != '+' && !is_variable) {
            const size_t newline = text.rfind('\n');
            const size_t l_pos = newline == std::string_view::npos ? 0 : newline + 1;
            if ((l_pos > 0 || line_starting_) && l_pos < text.size() &&
                py_strip(text.substr(l_pos), nullptr, true, true).empty()) {
                text = text.substr(0, l_pos);
            }
        }
        if (!text.empty()) push(TokenType::Data, std::string(text), begin);
    }

    // Finds the next tag start at or after `from`; returns npos when none.
    size_t find_tag(size_t from, TagKind& kind) const {
        for (size_t i = src_.find('{', from); i != std::string::npos; i = src_.find('{', i + 1)) {
            if (i + 1 >= src_.size()) return std::string::npos;
            const char c = src_[i + 1];
            if (c == '{') {
                kind = TagKind::Variable;
                return i;
            }
            if (c == '#') {
                kind = TagKind::Comment;
                return i;
            }
            if (c == '%') {
                kind = is_raw_begin(i) ? TagKind::Raw : TagKind::Block;
                return i;
            }
        }
        return std::string::npos;
    }

    // Matches `{%[-+]?\s*raw\s*(-%}\s*|%})` at `pos`; sets raw_end_ to the end of the match.
    bool is_raw_begin(size_t pos) const {
        size_t p = pos + 2;
        if (p < src_.size() && (src_[p] == '-' || src_[p] == '+')) ++p;
        p = skip_spaces(p);
        if (src_.compare(p, 3, "raw") != 0) return false;
        p = skip_spaces(p + 3);
        if (src_.compare(p, 3, "-%}") == 0) return true;
        return src_.compare(p, 2, "%}") == 0;
    }

    void lex_root() {
        TagKind kind = TagKind::Block;
        const size_t tag = find_tag(pos_, kind);
        if (tag == std::string::npos) {
            push(TokenType::Data, src_.substr(pos_), pos_);
            pos_ = src_.size();
            return;
        }
        const char sign = tag + 2 < src_.size() ? src_[tag + 2] : '\0';
        const char strip_sign = (sign == '-' || sign == '+') ? sign : '\0';
        emit_data(pos_, tag, strip_sign, kind == TagKind::Variable);
        size_t p = tag + 2 + (strip_sign ? 1 : 0);
        switch (kind) {
            case TagKind::Comment:
                lex_comment(tag, p);
                break;
            case TagKind::Raw:
                lex_raw(tag, p);
                break;
            case TagKind::Variable:
                push(TokenType::VariableBegin, "{{", tag);
                lex_tag(p, false);
                break;
            case TagKind::Block:
                push(TokenType::BlockBegin, "{%", tag);
                lex_tag(p, true);
                break;
        }
    }

    // Consumes the end of a block-like tag whose closing delimiter starts at `p` (at `-`, `+` or
    // the delimiter itself) and returns the position after it, applying trim rules.
    size_t consume_block_end(size_t p, std::string_view delimiter) {
        size_t end = p;
        if (src_[p] == '-') {
            end = skip_spaces(p + 1 + delimiter.size());
        } else if (src_[p] == '+') {
            end = p + 1 + delimiter.size();
        } else {
            end = p + delimiter.size();
            if (end < src_.size() && src_[end] == '\n') ++end;
        }
        line_starting_ = end > 0 && src_[end - 1] == '\n';
        return end;
    }

    void lex_comment(size_t tag, size_t p) {
        const size_t close = src_.find("#}", p);
        if (close == std::string::npos) fail("Missing end of comment tag", tag);
        size_t delimiter_start = close;
        if (close > p && (src_[close - 1] == '-' || src_[close - 1] == '+')) --delimiter_start;
        pos_ = consume_block_end(delimiter_start, "#}");
    }

    void lex_raw(size_t tag, size_t p) {
        // Skip the rest of the raw-begin tag: \s*raw\s*(-%}\s*|%}) (no trim_blocks here).
        p = skip_spaces(skip_spaces(p) + 3);
        if (src_[p] == '-') {
            p = skip_spaces(p + 3);
        } else {
            p += 2;
        }
        line_starting_ = src_[p - 1] == '\n';
        // Find `{%[-+]?\s*endraw\s*(+%}|-%}\s*|%}\n?)`.
        for (size_t i = src_.find("{%", p); i != std::string::npos; i = src_.find("{%", i + 1)) {
            size_t q = i + 2;
            char sign = '\0';
            if (q < src_.size() && (src_[q] == '-' || src_[q] == '+')) sign = src_[q++];
            q = skip_spaces(q);
            if (src_.compare(q, 6, "endraw") != 0) continue;
            q = skip_spaces(q + 6);
            if (src_.compare(q, 3, "+%}") != 0 && src_.compare(q, 3, "-%}") != 0 &&
                src_.compare(q, 2, "%}") != 0) {
                continue;
            }
            emit_data(p, i, sign, false);
            pos_ = consume_block_end(q, "%}");
            return;
        }
        fail("Missing end of raw directive", tag);
    }

    // Lexes the expression tokens of a `{{ }}` or `{% %}` tag starting at `p`.
    void lex_tag(size_t p, bool is_block) {
        std::vector<char> balance;
        const std::string_view close = is_block ? "%}" : "}}";
        while (true) {
            if (p >= src_.size()) {
                pos_ = p;
                line_starting_ = false;
                return;
            }
            if (balance.empty()) {
                if (src_.compare(p, 2, close) == 0 || ((src_[p] == '-' || (is_block && src_[p] == '+')) &&
                                                       src_.compare(p + 1, 2, close) == 0)) {
                    push(is_block ? TokenType::BlockEnd : TokenType::VariableEnd, std::string(close), p);
                    if (is_block) {
                        pos_ = consume_block_end(p, close);
                    } else {
                        pos_ = src_[p] == '-' ? skip_spaces(p + 3) : p + 2;
                        line_starting_ = pos_ > 0 && src_[pos_ - 1] == '\n';
                    }
                    return;
                }
            }
            if (const size_t n = space_at(p)) {
                p += n;
                continue;
            }
            const char c = src_[p];
            if (is_digit(c)) {
                p = lex_number(p);
            } else if (is_name_start(c)) {
                size_t end = p;
                while (end < src_.size() && is_name_char(src_[end]))
                    ++end;
                push(TokenType::Name, src_.substr(p, end - p), p);
                p = end;
            } else if (c == '\'' || c == '"') {
                p = lex_string(p);
            } else {
                p = lex_operator(p, balance);
            }
        }
    }

    size_t lex_number(size_t p) {
        const size_t start = p;
        auto digits = [&](size_t q, auto&& accept) {
            // (\d+_)*\d+ style: digits with single underscores between them.
            size_t end = q;
            while (end < src_.size() && accept(src_[end])) {
                ++end;
                if (end + 1 < src_.size() && src_[end] == '_' && accept(src_[end + 1])) ++end;
            }
            return end;
        };
        auto dec = [](char ch) { return is_digit(ch); };
        // Float: digits ( (.digits)? e[+-]?digits | .digits ), not directly after a '.'.
        const bool after_dot = start > 0 && src_[start - 1] == '.';
        size_t int_end = digits(p, dec);
        if (!after_dot) {
            size_t q = int_end;
            bool is_float = false;
            if (q + 1 < src_.size() && src_[q] == '.' && is_digit(src_[q + 1])) {
                q = digits(q + 1, dec);
                is_float = true;
            }
            if (q < src_.size() && (src_[q] == 'e' || src_[q] == 'E')) {
                size_t e = q + 1;
                if (e < src_.size() && (src_[e] == '+' || src_[e] == '-')) ++e;
                if (e < src_.size() && is_digit(src_[e])) {
                    q = digits(e, dec);
                    is_float = true;
                }
            }
            if (is_float) {
                std::string text;
                for (size_t i = start; i < q; ++i) {
                    if (src_[i] != '_') text.push_back(src_[i]);
                }
                push(TokenType::Float, text, start);
                tokens_.back().float_value = std::strtod(text.c_str(), nullptr);
                return q;
            }
        }
        // Integer: 0b/0o/0x prefixes, decimal without leading zeros, or zeros.
        int base = 10;
        size_t q = start;
        if (src_[start] == '0' && start + 1 < src_.size()) {
            const char x = static_cast<char>(src_[start + 1] | 0x20);
            if (x == 'b' || x == 'o' || x == 'x') {
                base = x == 'b' ? 2 : (x == 'o' ? 8 : 16);
                q = start + 2;
            }
        }
        std::string digits_text;
        if (base != 10) {
            size_t end = q;
            while (end < src_.size()) {
                char ch = src_[end];
                if (ch == '_' && end + 1 < src_.size() && hex_value(src_[end + 1]) >= 0 &&
                    hex_value(src_[end + 1]) < base) {
                    ++end;
                    continue;
                }
                const int v = hex_value(ch);
                if (v < 0 || v >= base) break;
                digits_text.push_back(ch);
                ++end;
            }
            if (digits_text.empty()) {
                base = 10;
                digits_text = "0";
                q = start + 1;
            } else {
                q = end;
            }
        } else if (src_[start] == '0') {
            // 0(_?0)*: further nonzero digits are a separate token, as in Jinja2.
            size_t end = start + 1;
            while (end < src_.size() && (src_[end] == '0' || (src_[end] == '_' && end + 1 < src_.size() &&
                                                              src_[end + 1] == '0'))) {
                ++end;
            }
            digits_text = "0";
            q = end;
        } else {
            for (size_t i = start; i < int_end; ++i) {
                if (src_[i] != '_') digits_text.push_back(src_[i]);
            }
            q = int_end;
        }
        errno = 0;
        const unsigned long long parsed = std::strtoull(digits_text.c_str(), nullptr, base);
        if (errno == ERANGE || parsed > static_cast<unsigned long long>(INT64_MAX)) {
            fail("integer literal " + src_.substr(start, q - start) +
                     " does not fit in 64 bits; vela's Jinja integers are 64-bit",
                 start);
        }
        push(TokenType::Integer, src_.substr(start, q - start), start);
        tokens_.back().int_value = static_cast<int64_t>(parsed);
        return q;
    }

    size_t lex_string(size_t p) {
        const char quote = src_[p];
        std::string value;
        size_t q = p + 1;
        while (true) {
            if (q >= src_.size())
                fail("unexpected char " + py_repr_string(std::string(1, quote)) + " at " + std::to_string(p) +
                         " (unterminated string)",
                     p);
            const char c = src_[q];
            if (c == quote) break;
            if (c != '\\') {
                value.push_back(c);
                ++q;
                continue;
            }
            if (q + 1 >= src_.size()) fail("unterminated string literal", p);
            q = unescape(q, value, p);
        }
        push(TokenType::String, std::move(value), p);
        return q + 1;
    }

    // Decodes the escape at src_[q] == '\\' (Python's unicode-escape rules) into `out`.
    size_t unescape(size_t q, std::string& out, size_t literal_start) {
        const char e = src_[q + 1];
        auto hex_escape = [&](size_t n_digits, const char* name) {
            char32_t cp = 0;
            for (size_t i = 0; i < n_digits; ++i) {
                const size_t at = q + 2 + i;
                const int v = at < src_.size() ? hex_value(src_[at]) : -1;
                if (v < 0) fail(std::string("truncated ") + name + " escape", literal_start);
                cp = cp * 16 + static_cast<char32_t>(v);
            }
            if (cp > 0x10FFFF) fail("illegal Unicode character", literal_start);
            append_utf8(out, cp);
            return q + 2 + n_digits;
        };
        switch (e) {
            case '\n':
                return q + 2;
            case '\\':
            case '\'':
            case '"':
                out.push_back(e);
                return q + 2;
            case 'a':
                out.push_back('\a');
                return q + 2;
            case 'b':
                out.push_back('\b');
                return q + 2;
            case 'f':
                out.push_back('\f');
                return q + 2;
            case 'n':
                out.push_back('\n');
                return q + 2;
            case 'r':
                out.push_back('\r');
                return q + 2;
            case 't':
                out.push_back('\t');
                return q + 2;
            case 'v':
                out.push_back('\v');
                return q + 2;
            case 'x':
                return hex_escape(2, "\\xXX");
            case 'u':
                return hex_escape(4, "\\uXXXX");
            case 'U':
                return hex_escape(8, "\\UXXXXXXXX");
            case 'N':
                fail(
                    "\\N{...} escapes in string literals are not supported; write the character "
                    "itself",
                    literal_start);
            default:
                break;
        }
        if (e >= '0' && e <= '7') {
            char32_t cp = 0;
            size_t i = q + 1;
            for (int n = 0; n < 3 && i < src_.size() && src_[i] >= '0' && src_[i] <= '7'; ++n, ++i) {
                cp = cp * 8 + static_cast<char32_t>(src_[i] - '0');
            }
            append_utf8(out, cp);
            return i;
        }
        out.push_back('\\');
        return q + 1;
    }

    size_t lex_operator(size_t p, std::vector<char>& balance) {
        static constexpr std::string_view kTwoChar[] = {"//", "**", "==", "!=", ">=", "<="};
        for (std::string_view op : kTwoChar) {
            if (src_.compare(p, 2, op) == 0) {
                push(TokenType::Operator, std::string(op), p);
                return p + 2;
            }
        }
        const char c = src_[p];
        if (std::strchr("+-/*%~[](){}<>=.:|,;", c) == nullptr || c == '\0') {
            fail("unexpected char " + py_repr_string(std::string(1, c)) + " at " + std::to_string(p), p);
        }
        if (c == '(' || c == '[' || c == '{') {
            balance.push_back(c == '(' ? ')' : (c == '[' ? ']' : '}'));
        } else if (c == ')' || c == ']' || c == '}') {
            if (balance.empty()) fail(std::string("unexpected '") + c + "'", p);
            if (balance.back() != c) {
                fail(std::string("unexpected '") + c + "', expected '" + balance.back() + "'", p);
            }
            balance.pop_back();
        }
        push(TokenType::Operator, std::string(1, c), p);
        return p + 1;
    }

    std::string src_;
    size_t pos_ = 0;
    bool line_starting_ = true;
    size_t cursor_ = 0;
    uint32_t line_ = 1;
    uint32_t column_ = 1;
    std::vector<Token> tokens_;
};

}  // namespace

std::vector<Token> tokenize(std::string_view source) {
    return Lexer(normalize_source(source)).run();
}

}  // namespace vela::openai::jinja
