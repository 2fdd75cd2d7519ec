#include "tokenizer/utf8.h"

namespace vela::tokenizer {

namespace {

// The number of bytes a sequence with this lead byte has, 0 for bytes that cannot lead.
size_t sequence_length(unsigned char lead) {
    if (lead < 0x80) return 1;
    if (lead >= 0xC2 && lead <= 0xDF) return 2;
    if (lead >= 0xE0 && lead <= 0xEF) return 3;
    if (lead >= 0xF0 && lead <= 0xF4) return 4;
    return 0;
}

// The valid range of the second byte after `lead` (tighter than 80..BF for E0, ED, F0 and F4, which
// rules out overlong forms, surrogates and values above U+10FFFF).
void second_byte_range(unsigned char lead, unsigned char& lo, unsigned char& hi) {
    lo = 0x80;
    hi = 0xBF;
    if (lead == 0xE0) lo = 0xA0;
    if (lead == 0xED) hi = 0x9F;
    if (lead == 0xF0) lo = 0x90;
    if (lead == 0xF4) hi = 0x8F;
}

// The number of bytes from `pos` that form a valid prefix of a sequence (1 for a lone lead byte), and
// whether the whole sequence is there. A byte that cannot lead gives 0.
size_t valid_prefix(std::string_view text, size_t pos, bool& complete) {
    const auto lead = static_cast<unsigned char>(text[pos]);
    const size_t n = sequence_length(lead);
    complete = false;
    if (n == 0) return 0;
    if (n == 1) {
        complete = true;
        return 1;
    }
    unsigned char lo = 0;
    unsigned char hi = 0;
    second_byte_range(lead, lo, hi);
    size_t i = 1;
    for (; i < n && pos + i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[pos + i]);
        if (c < lo || c > hi) break;
        lo = 0x80;
        hi = 0xBF;
    }
    complete = (i == n);
    return i;
}

}  // namespace

size_t utf8_valid_length(std::string_view text, size_t pos) {
    bool complete = false;
    const size_t n = valid_prefix(text, pos, complete);
    return complete ? n : 0;
}

size_t utf8_char_length(std::string_view text, size_t pos) {
    const size_t n = sequence_length(static_cast<unsigned char>(text[pos]));
    return n == 0 ? 1 : n;
}

char32_t utf8_decode(std::string_view text, size_t& pos) {
    const auto lead = static_cast<unsigned char>(text[pos]);
    const size_t n = utf8_char_length(text, pos);
    char32_t cp = n == 1 ? lead : n == 2 ? (lead & 0x1Fu) : n == 3 ? (lead & 0x0Fu) : (lead & 0x07u);
    for (size_t i = 1; i < n; ++i)
        cp = (cp << 6) | (static_cast<unsigned char>(text[pos + i]) & 0x3Fu);
    pos += n;
    return cp;
}

void utf8_append(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

bool is_valid_utf8(std::string_view text) {
    size_t pos = 0;
    while (pos < text.size()) {
        if (static_cast<unsigned char>(text[pos]) < 0x80) {
            ++pos;
            continue;
        }
        const size_t n = utf8_valid_length(text, pos);
        if (n == 0) return false;
        pos += n;
    }
    return true;
}

std::string repair_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    size_t pos = 0;
    while (pos < text.size()) {
        bool complete = false;
        const size_t n = valid_prefix(text, pos, complete);
        if (complete) {
            out.append(text.substr(pos, n));
            pos += n;
        } else {
            out.append(kReplacementCharacter);
            pos += n == 0 ? 1 : n;
        }
    }
    return out;
}

size_t utf8_complete_prefix(std::string_view text) {
    // A character is at most 4 bytes, so only the last 3 bytes can start an unfinished one.
    const size_t first = text.size() > 3 ? text.size() - 3 : 0;
    for (size_t pos = first; pos < text.size(); ++pos) {
        const auto c = static_cast<unsigned char>(text[pos]);
        if (c < 0x80 || (c & 0xC0) == 0x80) continue;
        bool complete = false;
        const size_t n = valid_prefix(text, pos, complete);
        if (!complete && n > 0 && pos + n == text.size()) return pos;
    }
    return text.size();
}

bool is_unicode_whitespace(char32_t cp) {
    return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
           cp == 0x3000;
}

}  // namespace vela::tokenizer
