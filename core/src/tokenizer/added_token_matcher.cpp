#include "tokenizer/added_token_matcher.h"

#include <utf8proc.h>

#include "tokenizer/utf8.h"

namespace vela::tokenizer {

namespace {

bool is_word_character(char32_t cp) {
    if (cp == '_') return true;
    const utf8proc_category_t category = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
    return (category >= UTF8PROC_CATEGORY_LU && category <= UTF8PROC_CATEGORY_LO) ||
           (category >= UTF8PROC_CATEGORY_ND && category <= UTF8PROC_CATEGORY_NO);
}

// The start of the character that ends just before `pos`.
size_t previous_char_start(std::string_view text, size_t pos) {
    size_t start = pos - 1;
    while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80)
        --start;
    return start;
}

bool word_character_before(std::string_view text, size_t pos) {
    if (pos == 0) return false;
    size_t start = previous_char_start(text, pos);
    return is_word_character(utf8_decode(text, start));
}

bool word_character_at(std::string_view text, size_t pos) {
    if (pos >= text.size()) return false;
    return is_word_character(utf8_decode(text, pos));
}

}  // namespace

AddedTokenMatcher::AddedTokenMatcher(const std::vector<AddedToken>& tokens) {
    terminal_of_node_.push_back(-1);
    for (const AddedToken& token : tokens) {
        if (token.content.empty()) continue;
        int32_t node = 0;
        for (const char c : token.content) {
            const auto byte = static_cast<unsigned char>(c);
            const auto [it, inserted] = edges_.try_emplace(edge_key(node, byte), 0);
            if (inserted) {
                it->second = static_cast<int32_t>(terminal_of_node_.size());
                terminal_of_node_.push_back(-1);
            }
            node = it->second;
        }
        const Terminal terminal{token.id, token.special, token.lstrip, token.rstrip, token.single_word};
        int32_t& slot = terminal_of_node_[static_cast<size_t>(node)];
        if (slot >= 0) {
            terminals_[static_cast<size_t>(slot)] = terminal;
        } else {
            slot = static_cast<int32_t>(terminals_.size());
            terminals_.push_back(terminal);
        }
        can_start_[static_cast<unsigned char>(token.content[0])] = true;
    }
}

std::pair<int32_t, size_t> AddedTokenMatcher::longest_match(std::string_view text, size_t pos,
                                                            bool parse_special) const {
    std::pair<int32_t, size_t> best{-1, 0};
    int32_t node = 0;
    for (size_t i = pos; i < text.size(); ++i) {
        const auto it = edges_.find(edge_key(node, static_cast<unsigned char>(text[i])));
        if (it == edges_.end()) break;
        node = it->second;
        const int32_t t = terminal_of_node_[static_cast<size_t>(node)];
        if (t < 0) continue;
        const Terminal& terminal = terminals_[static_cast<size_t>(t)];
        if (terminal.special && !parse_special) continue;
        const size_t end = i + 1;
        // A match must end on a character boundary (a token that ends mid-character cannot occur in
        // valid text, but a shorter byte prefix of one could).
        if (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) continue;
        if (terminal.single_word && (word_character_before(text, pos) || word_character_at(text, end)))
            continue;
        best = {t, end - pos};
    }
    return best;
}

std::vector<TextSection> AddedTokenMatcher::split(std::string_view text, bool parse_special) const {
    std::vector<TextSection> sections;
    size_t text_start = 0;  // start of the pending ordinary text
    size_t pos = 0;
    auto flush_text = [&](size_t end) {
        if (end > text_start) sections.push_back({false, 0, text_start, end});
    };
    while (pos < text.size()) {
        const auto byte = static_cast<unsigned char>(text[pos]);
        const auto [t, length] =
            can_start_[byte] ? longest_match(text, pos, parse_special) : std::pair<int32_t, size_t>{-1, 0};
        if (t < 0) {
            pos += utf8_char_length(text, pos);
            continue;
        }
        const Terminal& terminal = terminals_[static_cast<size_t>(t)];
        size_t text_end = pos;
        if (terminal.lstrip) {
            while (text_end > text_start) {
                size_t start = previous_char_start(text, text_end);
                size_t next = start;
                if (!is_unicode_whitespace(utf8_decode(text, next))) break;
                text_end = start;
            }
        }
        flush_text(text_end);
        sections.push_back({true, terminal.id, 0, 0});
        pos += length;
        if (terminal.rstrip) {
            while (pos < text.size()) {
                size_t next = pos;
                if (!is_unicode_whitespace(utf8_decode(text, next))) break;
                pos = next;
            }
        }
        text_start = pos;
    }
    flush_text(text.size());
    return sections;
}

}  // namespace vela::tokenizer
