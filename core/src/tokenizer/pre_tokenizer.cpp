#include "tokenizer/pre_tokenizer.h"

#include <algorithm>
#include <utility>

namespace vela::tokenizer {

namespace {

// One part of a piece: a byte range and whether it is a delimiter.
struct Part {
    Span span;
    bool is_delimiter;
};

void find_literal(std::string_view text, std::string_view delimiter, std::vector<Span>& out) {
    if (delimiter.empty()) return;
    size_t pos = 0;
    while (true) {
        const size_t hit = text.find(delimiter, pos);
        if (hit == std::string_view::npos) return;
        out.push_back({hit, hit + delimiter.size()});
        pos = hit + delimiter.size();
    }
}

// Cuts `text` into matched and unmatched parts (non-empty, covering all of it).
std::vector<Part> parts_of(size_t n_bytes, const std::vector<Span>& matches, bool invert) {
    std::vector<Part> parts;
    size_t pos = 0;
    for (const Span& m : matches) {
        if (m.begin > pos) parts.push_back({{pos, m.begin}, invert});
        parts.push_back({m, !invert});
        pos = m.end;
    }
    if (pos < n_bytes) parts.push_back({{pos, n_bytes}, invert});
    return parts;
}

// Applies a delimiter behaviour; the result spans are the pieces to keep.
std::vector<Span> apply_behavior(const std::vector<Part>& parts, SplitBehavior behavior) {
    std::vector<Span> out;
    bool previous_delimiter = false;
    switch (behavior) {
        case SplitBehavior::Removed:
            for (const Part& p : parts) {
                if (!p.is_delimiter) out.push_back(p.span);
            }
            break;
        case SplitBehavior::Isolated:
            for (const Part& p : parts)
                out.push_back(p.span);
            break;
        case SplitBehavior::Contiguous:
            for (size_t i = 0; i < parts.size(); ++i) {
                if (i > 0 && parts[i].is_delimiter == previous_delimiter) {
                    out.back().end = parts[i].span.end;
                } else {
                    out.push_back(parts[i].span);
                }
                previous_delimiter = parts[i].is_delimiter;
            }
            break;
        case SplitBehavior::MergedWithPrevious:
            for (const Part& p : parts) {
                if (p.is_delimiter && !previous_delimiter && !out.empty()) {
                    out.back().end = p.span.end;
                } else {
                    out.push_back(p.span);
                }
                previous_delimiter = p.is_delimiter;
            }
            break;
        case SplitBehavior::MergedWithNext:
            for (size_t k = parts.size(); k-- > 0;) {
                const Part& p = parts[k];
                if (p.is_delimiter && !previous_delimiter && !out.empty()) {
                    out.back().begin = p.span.begin;
                } else {
                    out.push_back(p.span);
                }
                previous_delimiter = p.is_delimiter;
            }
            std::reverse(out.begin(), out.end());
            break;
    }
    return out;
}

std::string replace_spaces(std::string_view text, std::string_view replacement) {
    std::string out;
    out.reserve(text.size() + text.size() / 4);
    for (const char c : text) {
        if (c == ' ') {
            out.append(replacement);
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace

void PreTokenizer::add_split(Regex pattern, SplitBehavior behavior, bool invert) {
    steps_.emplace_back(Split{std::move(pattern), behavior, invert});
}

void PreTokenizer::add_literal_split(std::string delimiter, SplitBehavior behavior, bool invert) {
    steps_.emplace_back(Split{std::move(delimiter), behavior, invert});
}

void PreTokenizer::add_prefix_space() {
    steps_.emplace_back(PrefixSpace{});
}

void PreTokenizer::add_metaspace(std::string replacement, PrependScheme scheme, bool split) {
    steps_.emplace_back(Metaspace{std::move(replacement), scheme, split});
}

std::vector<std::string> PreTokenizer::split(std::string_view text, bool at_text_start) const {
    std::vector<std::string> pieces;
    pieces.emplace_back(text);
    std::vector<std::string> next;
    std::vector<Span> matches;
    for (const Step& step : steps_) {
        next.clear();
        for (size_t i = 0; i < pieces.size(); ++i) {
            std::string& piece = pieces[i];
            if (const auto* s = std::get_if<Split>(&step)) {
                matches.clear();
                if (const auto* regex = std::get_if<Regex>(&s->pattern)) {
                    regex->find_all(piece, matches);
                } else {
                    find_literal(piece, std::get<std::string>(s->pattern), matches);
                }
                if (matches.empty() && !s->invert) {
                    next.push_back(std::move(piece));  // common fast path: nothing to split
                    continue;
                }
                for (const Span& span :
                     apply_behavior(parts_of(piece.size(), matches, s->invert), s->behavior)) {
                    next.emplace_back(std::string_view(piece).substr(span.begin, span.end - span.begin));
                }
            } else if (std::holds_alternative<PrefixSpace>(step)) {
                if (piece.empty() || piece[0] != ' ') piece.insert(0, " ");
                next.push_back(std::move(piece));
            } else {
                const auto& m = std::get<Metaspace>(step);
                std::string replaced = replace_spaces(piece, m.replacement);
                const bool starts_with_replacement = std::string_view(replaced).starts_with(m.replacement);
                const bool prepend = m.scheme == PrependScheme::Always ||
                                     (m.scheme == PrependScheme::First && at_text_start && i == 0);
                if (prepend && !starts_with_replacement) replaced.insert(0, m.replacement);
                if (!m.split) {
                    next.push_back(std::move(replaced));
                    continue;
                }
                matches.clear();
                find_literal(replaced, m.replacement, matches);
                for (const Span& span : apply_behavior(parts_of(replaced.size(), matches, false),
                                                       SplitBehavior::MergedWithNext)) {
                    next.emplace_back(std::string_view(replaced).substr(span.begin, span.end - span.begin));
                }
            }
        }
        pieces.swap(next);
    }
    return pieces;
}

}  // namespace vela::tokenizer
