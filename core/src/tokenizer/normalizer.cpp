#include "tokenizer/normalizer.h"

#include <utf8proc.h>

#include <cstdlib>

#include "tokenizer/utf8.h"

namespace vela::tokenizer {

namespace {

bool is_ascii(std::string_view text) {
    for (const char c : text) {
        if (static_cast<unsigned char>(c) >= 0x80) return false;
    }
    return true;
}

std::string replace_all(std::string_view text, std::string_view from, std::string_view to) {
    if (from.empty()) return std::string(text);
    std::string out;
    out.reserve(text.size());
    size_t pos = 0;
    while (true) {
        const size_t hit = text.find(from, pos);
        if (hit == std::string_view::npos) break;
        out.append(text.substr(pos, hit - pos));
        out.append(to);
        pos = hit + from.size();
    }
    out.append(text.substr(pos));
    return out;
}

std::string replace_regex(std::string_view text, const Regex& pattern, std::string_view to) {
    std::vector<Span> matches;
    pattern.find_all(text, matches);
    std::string out;
    out.reserve(text.size());
    size_t pos = 0;
    for (const Span& m : matches) {
        out.append(text.substr(pos, m.begin - pos));
        out.append(to);
        pos = m.end;
    }
    out.append(text.substr(pos));
    return out;
}

std::string strip(std::string_view text, bool left, bool right) {
    size_t begin = 0;
    size_t end = text.size();
    if (left) {
        while (begin < end) {
            size_t next = begin;
            if (!is_unicode_whitespace(utf8_decode(text, next))) break;
            begin = next;
        }
    }
    if (right) {
        while (end > begin) {
            size_t start = end - 1;
            while (start > begin && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80)
                --start;
            size_t next = start;
            if (!is_unicode_whitespace(utf8_decode(text, next))) break;
            end = start;
        }
    }
    return std::string(text.substr(begin, end - begin));
}

}  // namespace

std::string normalize_unicode(std::string_view text, UnicodeForm form) {
    if (is_ascii(text)) return std::string(text);  // ASCII is invariant under every form
    int options = UTF8PROC_STABLE;
    switch (form) {
        case UnicodeForm::Nfc:
            options |= UTF8PROC_COMPOSE;
            break;
        case UnicodeForm::Nfd:
            options |= UTF8PROC_DECOMPOSE;
            break;
        case UnicodeForm::Nfkc:
            options |= UTF8PROC_COMPOSE | UTF8PROC_COMPAT;
            break;
        case UnicodeForm::Nfkd:
            options |= UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT;
            break;
    }
    utf8proc_uint8_t* mapped = nullptr;
    const utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                                            static_cast<utf8proc_ssize_t>(text.size()), &mapped,
                                            static_cast<utf8proc_option_t>(options));
    // utf8proc only fails on invalid UTF-8 or out of memory; the input is valid, so keep it unchanged.
    if (n < 0) return std::string(text);
    std::string out(reinterpret_cast<const char*>(mapped), static_cast<size_t>(n));
    std::free(mapped);
    return out;
}

std::string Normalizer::apply(std::string_view text) const {
    std::string current(text);
    for (const Step& step : steps_) {
        if (const auto* form = std::get_if<UnicodeForm>(&step)) {
            current = normalize_unicode(current, *form);
        } else if (const auto* replace = std::get_if<ReplaceLiteral>(&step)) {
            current = replace_all(current, replace->from, replace->to);
        } else if (const auto* replace_re = std::get_if<ReplaceRegex>(&step)) {
            current = replace_regex(current, replace_re->pattern, replace_re->to);
        } else if (const auto* prepend = std::get_if<Prepend>(&step)) {
            if (!current.empty()) current.insert(0, prepend->text);
        } else if (const auto* s = std::get_if<Strip>(&step)) {
            current = strip(current, s->left, s->right);
        }
    }
    return current;
}

}  // namespace vela::tokenizer
