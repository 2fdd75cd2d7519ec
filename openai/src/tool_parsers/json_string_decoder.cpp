#include "tool_parsers/json_string_decoder.h"

namespace vela::openai {
namespace {

constexpr uint32_t kReplacement = 0xFFFD;

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool is_high_surrogate(uint32_t cp) {
    return cp >= 0xD800 && cp <= 0xDBFF;
}

bool is_low_surrogate(uint32_t cp) {
    return cp >= 0xDC00 && cp <= 0xDFFF;
}

}  // namespace

void append_utf8(std::string& out, uint32_t cp) {
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

JsonStringDecoder::Step JsonStringDecoder::step(char c, std::string& out) {
    switch (state_) {
        case State::Normal:
            return step_normal(c, out);
        case State::Escape:
            return step_escape(c, out);
        case State::Unicode:
        case State::LowUnicode:
            return step_hex(c, out);
        case State::LowEscape:
            if (c == '\\') {
                state_ = State::LowU;
                return Step::More;
            }
            if (!lenient_) return Step::Error;
            append_utf8(out, kReplacement);  // the high surrogate had no partner
            state_ = State::Normal;
            return step_normal(c, out);
        case State::LowU:
            if (c == 'u') {
                state_ = State::LowUnicode;
                code_ = 0;
                n_hex_ = 0;
                return Step::More;
            }
            if (!lenient_) return Step::Error;
            append_utf8(out, kReplacement);
            state_ = State::Escape;  // the backslash starts an ordinary escape
            return step_escape(c, out);
    }
    return Step::Error;
}

JsonStringDecoder::Step JsonStringDecoder::step_normal(char c, std::string& out) {
    if (c == '"') return Step::Done;
    if (c == '\\') {
        state_ = State::Escape;
        return Step::More;
    }
    if (static_cast<unsigned char>(c) < 0x20 && !lenient_) return Step::Error;
    out.push_back(c);
    return Step::More;
}

JsonStringDecoder::Step JsonStringDecoder::step_escape(char c, std::string& out) {
    char decoded = 0;
    switch (c) {
        case '"':
        case '\\':
        case '/':
            decoded = c;
            break;
        case 'b':
            decoded = '\b';
            break;
        case 'f':
            decoded = '\f';
            break;
        case 'n':
            decoded = '\n';
            break;
        case 'r':
            decoded = '\r';
            break;
        case 't':
            decoded = '\t';
            break;
        case 'u':
            state_ = State::Unicode;
            code_ = 0;
            n_hex_ = 0;
            return Step::More;
        default:
            if (!lenient_) return Step::Error;
            out.push_back('\\');  // an unknown escape passes through as written
            state_ = State::Normal;
            return step_normal(c, out);
    }
    out.push_back(decoded);
    state_ = State::Normal;
    return Step::More;
}

JsonStringDecoder::Step JsonStringDecoder::step_hex(char c, std::string& out) {
    const int digit = hex_value(c);
    if (digit < 0) {
        if (!lenient_) return Step::Error;
        // Pass the broken escape through as written, then read `c` as an ordinary character.
        if (state_ == State::LowUnicode) append_utf8(out, kReplacement);
        out += "\\u";
        out.append(hex_raw_, n_hex_);
        state_ = State::Normal;
        return step_normal(c, out);
    }
    const uint32_t code = code_ * 16 + static_cast<uint32_t>(digit);
    if (n_hex_ + 1 < 4) {
        hex_raw_[n_hex_++] = c;
        code_ = code;
        return Step::More;
    }
    if (state_ == State::Unicode) {
        if (is_high_surrogate(code)) {
            high_ = code;
            state_ = State::LowEscape;
            return Step::More;
        }
        if (is_low_surrogate(code) && !lenient_) return Step::Error;
        append_utf8(out, is_low_surrogate(code) ? kReplacement : code);
        state_ = State::Normal;
        return Step::More;
    }
    // The low half of a surrogate pair.
    if (!is_low_surrogate(code)) {
        if (!lenient_) return Step::Error;
        append_utf8(out, kReplacement);
        append_utf8(out, is_high_surrogate(code) ? kReplacement : code);
    } else {
        append_utf8(out, 0x10000 + ((high_ - 0xD800) << 10) + (code - 0xDC00));
    }
    state_ = State::Normal;
    return Step::More;
}

}  // namespace vela::openai
