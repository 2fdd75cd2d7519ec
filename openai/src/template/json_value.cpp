// A small JSON reader and writer that reproduce Python's json module byte for byte: the reader is a
// recursive-descent parser with a depth limit, the writer mirrors json.encoder's layout rules.
#include "template/json_value.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "template/py_text.h"
#include "template/template_error.h"

namespace vela::openai::jinja {

namespace {

constexpr int kMaxJsonDepth = 512;

class JsonReader {
  public:
    explicit JsonReader(std::string_view text) : text_(text) {}

    Value read_document() {
        skip_space();
        Value value = read_value(0);
        skip_space();
        if (pos_ != text_.size()) fail("extra data after the JSON value");
        return value;
    }

  private:
    [[noreturn]] void fail(const std::string& what) const {
        throw TemplateError(TemplateErrorKind::Type,
                            "invalid JSON at byte " + std::to_string(pos_) + ": " + what);
    }

    void skip_space() {
        while (pos_ < text_.size() &&
               (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r')) {
            ++pos_;
        }
    }

    bool consume(std::string_view word) {
        if (text_.substr(pos_, word.size()) != word) return false;
        pos_ += word.size();
        return true;
    }

    Value read_value(int depth) {
        if (depth > kMaxJsonDepth) fail("nesting deeper than " + std::to_string(kMaxJsonDepth));
        if (pos_ >= text_.size()) fail("expected a value, found the end of the text");
        const char c = text_[pos_];
        switch (c) {
            case '{':
                return read_object(depth);
            case '[':
                return read_array(depth);
            case '"':
                return Value::string(read_string());
            default:
                break;
        }
        if (consume("null")) return Value::none();
        if (consume("true")) return Value::boolean(true);
        if (consume("false")) return Value::boolean(false);
        if (consume("NaN")) return Value::floating(std::nan(""));
        if (consume("Infinity")) return Value::floating(INFINITY);
        if (consume("-Infinity")) return Value::floating(-INFINITY);
        if (c == '-' || (c >= '0' && c <= '9')) return read_number();
        fail(std::string("unexpected character ") + py_repr_string(std::string(1, c)));
    }

    Value read_number() {
        const size_t start = pos_;
        if (text_[pos_] == '-') ++pos_;
        auto digits = [&] {
            const size_t begin = pos_;
            while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9')
                ++pos_;
            return pos_ - begin;
        };
        if (pos_ < text_.size() && text_[pos_] == '0') {
            ++pos_;
        } else if (digits() == 0) {
            fail("expected digits");
        }
        bool is_float = false;
        if (pos_ + 1 < text_.size() && text_[pos_] == '.' && text_[pos_ + 1] >= '0' &&
            text_[pos_ + 1] <= '9') {
            ++pos_;
            digits();
            is_float = true;
        }
        if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
            const size_t save = pos_;
            ++pos_;
            if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
            if (digits() == 0) {
                pos_ = save;
            } else {
                is_float = true;
            }
        }
        const std::string number(text_.substr(start, pos_ - start));
        if (!is_float) {
            errno = 0;
            const long long value = std::strtoll(number.c_str(), nullptr, 10);
            if (errno != ERANGE) return Value::integer(value);
        }
        return Value::floating(std::strtod(number.c_str(), nullptr));
    }

    unsigned read_hex4() {
        if (pos_ + 4 > text_.size()) fail("truncated \\u escape");
        unsigned value = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = text_[pos_++];
            value <<= 4;
            if (c >= '0' && c <= '9') {
                value |= static_cast<unsigned>(c - '0');
            } else if (c >= 'a' && c <= 'f') {
                value |= static_cast<unsigned>(c - 'a' + 10);
            } else if (c >= 'A' && c <= 'F') {
                value |= static_cast<unsigned>(c - 'A' + 10);
            } else {
                fail("invalid \\u escape");
            }
        }
        return value;
    }

    std::string read_string() {
        ++pos_;  // opening quote
        std::string out;
        while (true) {
            if (pos_ >= text_.size()) fail("unterminated string");
            const char c = text_[pos_];
            if (c == '"') {
                ++pos_;
                return out;
            }
            if (static_cast<unsigned char>(c) < 0x20) fail("invalid control character in string");
            if (c != '\\') {
                out.push_back(c);
                ++pos_;
                continue;
            }
            ++pos_;
            if (pos_ >= text_.size()) fail("unterminated escape");
            const char e = text_[pos_++];
            switch (e) {
                case '"':
                case '\\':
                case '/':
                    out.push_back(e);
                    break;
                case 'b':
                    out.push_back('\b');
                    break;
                case 'f':
                    out.push_back('\f');
                    break;
                case 'n':
                    out.push_back('\n');
                    break;
                case 'r':
                    out.push_back('\r');
                    break;
                case 't':
                    out.push_back('\t');
                    break;
                case 'u': {
                    char32_t cp = read_hex4();
                    if (cp >= 0xD800 && cp <= 0xDBFF && text_.substr(pos_, 2) == "\\u") {
                        const size_t save = pos_;
                        pos_ += 2;
                        const unsigned low = read_hex4();
                        if (low >= 0xDC00 && low <= 0xDFFF) {
                            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                        } else {
                            pos_ = save;
                        }
                    }
                    if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;  // lone surrogate
                    append_utf8(out, cp);
                    break;
                }
                default:
                    fail(std::string("invalid escape \\") + e);
            }
        }
    }

    Value read_array(int depth) {
        ++pos_;
        std::vector<Value> items;
        skip_space();
        if (pos_ < text_.size() && text_[pos_] == ']') {
            ++pos_;
            return Value::list(std::move(items));
        }
        while (true) {
            skip_space();
            items.push_back(read_value(depth + 1));
            skip_space();
            if (pos_ >= text_.size()) fail("unterminated array");
            if (text_[pos_] == ',') {
                ++pos_;
                continue;
            }
            if (text_[pos_] == ']') {
                ++pos_;
                return Value::list(std::move(items));
            }
            fail("expected ',' or ']' in array");
        }
    }

    Value read_object(int depth) {
        ++pos_;
        auto dict = std::make_shared<DictData>();
        skip_space();
        if (pos_ < text_.size() && text_[pos_] == '}') {
            ++pos_;
            return Value::dict(std::move(dict));
        }
        while (true) {
            skip_space();
            if (pos_ >= text_.size() || text_[pos_] != '"') fail("expected a string key in object");
            Value key = Value::string(read_string());
            skip_space();
            if (pos_ >= text_.size() || text_[pos_] != ':') fail("expected ':' after object key");
            ++pos_;
            skip_space();
            dict->set(std::move(key), read_value(depth + 1));
            skip_space();
            if (pos_ >= text_.size()) fail("unterminated object");
            if (text_[pos_] == ',') {
                ++pos_;
                continue;
            }
            if (text_[pos_] == '}') {
                ++pos_;
                return Value::dict(std::move(dict));
            }
            fail("expected ',' or '}' in object");
        }
    }

    std::string_view text_;
    size_t pos_ = 0;
};

void append_json_string(std::string& out, std::string_view text, bool ensure_ascii) {
    out.push_back('"');
    size_t pos = 0;
    while (pos < text.size()) {
        const auto byte = static_cast<unsigned char>(text[pos]);
        if (byte < 0x80) {
            ++pos;
            switch (byte) {
                case '"':
                    out += "\\\"";
                    break;
                case '\\':
                    out += "\\\\";
                    break;
                case '\n':
                    out += "\\n";
                    break;
                case '\r':
                    out += "\\r";
                    break;
                case '\t':
                    out += "\\t";
                    break;
                case '\b':
                    out += "\\b";
                    break;
                case '\f':
                    out += "\\f";
                    break;
                default:
                    if (byte < 0x20 || (byte == 0x7f && ensure_ascii)) {
                        char buf[8];
                        std::snprintf(buf, sizeof buf, "\\u%04x", byte);
                        out += buf;
                    } else {
                        out.push_back(static_cast<char>(byte));
                    }
            }
            continue;
        }
        const size_t start = pos;
        const char32_t cp = decode_utf8(text, pos);
        if (!ensure_ascii) {
            out.append(text.substr(start, pos - start));
            continue;
        }
        char buf[16];
        if (cp >= 0x10000) {
            const char32_t v = cp - 0x10000;
            std::snprintf(buf, sizeof buf, "\\u%04x\\u%04x", static_cast<unsigned>(0xD800 | (v >> 10)),
                          static_cast<unsigned>(0xDC00 | (v & 0x3FF)));
        } else {
            std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
        }
        out += buf;
    }
    out.push_back('"');
}

std::string json_float(double value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
    return py_repr_float(value);
}

class JsonWriter {
  public:
    explicit JsonWriter(const JsonDumpOptions& options) : options_(options) {}

    void write(std::string& out, const Value& value, int level) {
        switch (value.kind()) {
            case ValueKind::None:
                out += "null";
                return;
            case ValueKind::Bool:
                out += value.as_bool() ? "true" : "false";
                return;
            case ValueKind::Int:
                out += std::to_string(value.as_int());
                return;
            case ValueKind::Float:
                out += json_float(value.as_double());
                return;
            case ValueKind::String:
                append_json_string(out, value.as_string(), options_.ensure_ascii);
                return;
            case ValueKind::List:
                if (value.list_kind() == ListKind::List || value.list_kind() == ListKind::Tuple) {
                    write_array(out, value.items(), level);
                    return;
                }
                break;
            case ValueKind::Dict:
                write_object(out, value.as_dict(), level);
                return;
            default:
                break;
        }
        throw_type_error("Object of type " + std::string(py_type_name(value)) + " is not JSON serializable");
    }

  private:
    void newline(std::string& out, int level) {
        out.push_back('\n');
        for (int i = 0; i < level; ++i)
            out += *options_.indent;
    }

    void write_array(std::string& out, const std::vector<Value>& items, int level) {
        if (items.empty()) {
            out += "[]";
            return;
        }
        out.push_back('[');
        for (size_t i = 0; i < items.size(); ++i) {
            if (i != 0) out += options_.item_separator;
            if (options_.indent) newline(out, level + 1);
            write(out, items[i], level + 1);
        }
        if (options_.indent) newline(out, level);
        out.push_back(']');
    }

    static std::string key_text(const Value& key) {
        switch (key.kind()) {
            case ValueKind::String:
                return key.as_string();
            case ValueKind::Bool:
                return key.as_bool() ? "true" : "false";
            case ValueKind::None:
                return "null";
            case ValueKind::Int:
                return std::to_string(key.as_int());
            case ValueKind::Float:
                return json_float(key.as_double());
            default:
                throw_type_error("keys must be str, int, float, bool or None, not " +
                                 std::string(py_type_name(key)));
        }
    }

    void write_object(std::string& out, const DictData& dict, int level) {
        if (dict.size() == 0) {
            out += "{}";
            return;
        }
        std::vector<const std::pair<Value, Value>*> entries;
        entries.reserve(dict.size());
        for (const auto& entry : dict.entries())
            entries.push_back(&entry);
        if (options_.sort_keys) {
            std::stable_sort(entries.begin(), entries.end(),
                             [](const auto* a, const auto* b) { return py_less(a->first, b->first); });
        }
        out.push_back('{');
        bool first = true;
        for (const auto* entry : entries) {
            if (!first) out += options_.item_separator;
            first = false;
            if (options_.indent) newline(out, level + 1);
            append_json_string(out, key_text(entry->first), options_.ensure_ascii);
            out += options_.key_separator;
            write(out, entry->second, level + 1);
        }
        if (options_.indent) newline(out, level);
        out.push_back('}');
    }

    const JsonDumpOptions& options_;
};

}  // namespace

Value parse_json(std::string_view text) {
    return JsonReader(text).read_document();
}

std::string dump_json(const Value& value, const JsonDumpOptions& options) {
    std::string out;
    JsonWriter(options).write(out, value, 0);
    return out;
}

}  // namespace vela::openai::jinja
