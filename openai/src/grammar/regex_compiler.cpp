#include "grammar/regex_compiler.h"

#include <optional>
#include <string>
#include <vector>

namespace vela::grammar {
namespace {

CodePointSet digit_set() {
    return CodePointSet({{'0', '9'}});
}
CodePointSet word_set() {
    return CodePointSet({{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}});
}
CodePointSet space_set() {
    return CodePointSet({{0x09, 0x0D},
                         {0x20, 0x20},
                         {0xA0, 0xA0},
                         {0x1680, 0x1680},
                         {0x2000, 0x200A},
                         {0x2028, 0x2029},
                         {0x202F, 0x202F},
                         {0x205F, 0x205F},
                         {0x3000, 0x3000},
                         {0xFEFF, 0xFEFF}});
}
CodePointSet dot_set() {
    return CodePointSet({{0x0A, 0x0A}, {0x0D, 0x0D}, {0x2028, 0x2029}}).complement();
}

int hex_value(uint32_t c) {
    if (c >= '0' && c <= '9') return static_cast<int>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<int>(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') return static_cast<int>(c - 'A' + 10);
    return -1;
}

bool is_ascii_alnum(uint32_t c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// One alternative of the top level, with its anchors.
struct Branch {
    ExprId expr = 0;
    bool anchored_start = false;
    bool anchored_end = false;
};

class RegexParser {
  public:
    RegexParser(JsonGrammarBlocks& json, std::string_view pattern, std::vector<uint32_t> cps)
        : json_(json), b_(json.builder()), pattern_(pattern), cps_(std::move(cps)) {}

    Result<ExprId> parse() {
        std::vector<ExprId> options;
        while (true) {
            auto branch = parse_sequence(true);
            if (!branch) return std::move(branch).error();
            ExprId any = b_.star(json_.any_char());
            options.push_back(b_.sequence({branch->anchored_start ? b_.empty() : any, branch->expr,
                                           branch->anchored_end ? b_.empty() : any}));
            if (at_end()) break;
            if (peek() == '|') {
                ++pos_;
                continue;
            }
            return error("unbalanced ')'");
        }
        return b_.choice(std::move(options));
    }

  private:
    bool at_end() const { return pos_ >= cps_.size(); }
    uint32_t peek(size_t ahead = 0) const { return pos_ + ahead < cps_.size() ? cps_[pos_ + ahead] : 0; }

    Error error(const std::string& what) const {
        return Error{Errc::Unsupported,
                     "pattern '" + std::string(pattern_) + "': " + what + " at offset " +
                         std::to_string(pos_) +
                         " is not supported (supported: literals, ., classes, \\d \\w \\s, "
                         "groups, |, * + ? {n,m}, ^ at the start and $ at the end)"};
    }

    Result<ExprId> parse_alternation() {
        std::vector<ExprId> options;
        while (true) {
            auto branch = parse_sequence(false);
            if (!branch) return std::move(branch).error();
            options.push_back(branch->expr);
            if (!at_end() && peek() == '|') {
                ++pos_;
                continue;
            }
            return b_.choice(std::move(options));
        }
    }

    Result<Branch> parse_sequence(bool top) {
        Branch branch;
        std::vector<ExprId> items;
        if (top && !at_end() && peek() == '^') {
            ++pos_;
            branch.anchored_start = true;
        }
        while (!at_end() && peek() != '|' && peek() != ')') {
            if (peek() == '$') {
                if (top && (pos_ + 1 == cps_.size() || peek(1) == '|')) {
                    ++pos_;
                    branch.anchored_end = true;
                    break;
                }
                return error("the anchor '$' in the middle of the pattern");
            }
            if (peek() == '^') return error("the anchor '^' in the middle of the pattern");
            auto atom = parse_atom();
            if (!atom) return std::move(atom).error();
            auto quantified = parse_quantifier(*atom);
            if (!quantified) return std::move(quantified).error();
            items.push_back(*quantified);
        }
        branch.expr = b_.sequence(std::move(items));
        return branch;
    }

    // Reads {n}, {n,} or {n,m} at pos_ without consuming; nullopt when it is not a quantifier.
    std::optional<std::pair<uint32_t, uint32_t>> braces(size_t& length) const {
        size_t i = pos_;
        if (i >= cps_.size() || cps_[i] != '{') return std::nullopt;
        ++i;
        auto number = [&](uint64_t& value) {
            size_t start = i;
            value = 0;
            while (i < cps_.size() && cps_[i] >= '0' && cps_[i] <= '9') {
                value = std::min<uint64_t>(value * 10 + (cps_[i] - '0'), uint64_t{1} << 40);
                ++i;
            }
            return i > start;
        };
        uint64_t lo = 0;
        uint64_t hi = 0;
        if (!number(lo)) return std::nullopt;
        if (i < cps_.size() && cps_[i] == '}') {
            hi = lo;
        } else if (i < cps_.size() && cps_[i] == ',') {
            ++i;
            if (!number(hi)) hi = kUnbounded;
            if (i >= cps_.size() || cps_[i] != '}') return std::nullopt;
        } else {
            return std::nullopt;
        }
        length = i + 1 - pos_;
        auto clamp = [](uint64_t v) { return v > kUnbounded ? kUnbounded : static_cast<uint32_t>(v); };
        return std::make_pair(clamp(lo), hi == kUnbounded ? kUnbounded : clamp(hi));
    }

    Result<ExprId> parse_quantifier(ExprId atom) {
        if (at_end()) return atom;
        uint32_t lo = 0;
        uint32_t hi = 0;
        const uint32_t c = peek();
        if (c == '*') {
            lo = 0;
            hi = kUnbounded;
            ++pos_;
        } else if (c == '+') {
            lo = 1;
            hi = kUnbounded;
            ++pos_;
        } else if (c == '?') {
            lo = 0;
            hi = 1;
            ++pos_;
        } else if (size_t length = 0; auto counts = braces(length)) {
            lo = counts->first;
            hi = counts->second;
            if (hi != kUnbounded && lo > hi) return error("a quantifier {n,m} with n > m");
            if (lo > kMaxRegexRepeat || (hi != kUnbounded && hi > kMaxRegexRepeat)) {
                return error("a repetition count above " + std::to_string(kMaxRegexRepeat));
            }
            pos_ += length;
        } else {
            return atom;
        }
        if (!at_end() && peek() == '?') ++pos_;  // lazy: same language
        if (!at_end()) {
            size_t length = 0;
            if (peek() == '*' || peek() == '+' || peek() == '?' || braces(length)) {
                return error("a quantifier after a quantifier");
            }
        }
        return b_.repeat(atom, lo, hi);
    }

    Result<ExprId> parse_atom() {
        const uint32_t c = peek();
        if (c == '(') {
            ++pos_;
            if (!at_end() && peek() == '?') {
                if (peek(1) != ':')
                    return error("a group of the form '(?" + std::string(1, static_cast<char>(peek(1))) +
                                 "'");
                pos_ += 2;
            }
            auto inner = parse_alternation();
            if (!inner) return inner;
            if (at_end() || peek() != ')') return error("a '(' without ')'");
            ++pos_;
            return inner;
        }
        if (c == '[') return parse_class();
        if (c == '.') {
            ++pos_;
            return json_.chars(dot_set());
        }
        if (c == '*' || c == '+' || c == '?') return error("a quantifier with nothing to repeat");
        if (size_t length = 0; braces(length)) return error("a quantifier with nothing to repeat");
        if (c == '\\') {
            ++pos_;
            auto set = parse_escape(false);
            if (!set) return std::move(set).error();
            return json_.chars(*set);
        }
        ++pos_;
        return json_.chars(CodePointSet::of(c));
    }

    // After a backslash: the set the escape stands for.
    Result<CodePointSet> parse_escape(bool in_class) {
        if (at_end()) return error("a pattern ending in '\\'");
        const uint32_t c = peek();
        ++pos_;
        switch (c) {
            case 'd':
                return digit_set();
            case 'D':
                return digit_set().complement();
            case 'w':
                return word_set();
            case 'W':
                return word_set().complement();
            case 's':
                return space_set();
            case 'S':
                return space_set().complement();
            case 't':
                return CodePointSet::of(0x09);
            case 'n':
                return CodePointSet::of(0x0A);
            case 'v':
                return CodePointSet::of(0x0B);
            case 'f':
                return CodePointSet::of(0x0C);
            case 'r':
                return CodePointSet::of(0x0D);
            case 'b':
                if (in_class) return CodePointSet::of(0x08);
                return error("the word boundary '\\b'");
            case 'B':
                return error("the word boundary '\\B'");
            case '0':
                if (!at_end() && peek() >= '0' && peek() <= '9') return error("an octal escape");
                return CodePointSet::of(0);
            case 'x': {
                int h = hex_value(peek());
                int l = hex_value(peek(1));
                if (h < 0 || l < 0) return error("'\\x' without two hex digits");
                pos_ += 2;
                return CodePointSet::of(static_cast<uint32_t>(h * 16 + l));
            }
            case 'u': {
                auto unit = [&]() -> std::optional<uint32_t> {
                    uint32_t v = 0;
                    for (size_t k = 0; k < 4; ++k) {
                        int h = hex_value(peek(k));
                        if (h < 0) return std::nullopt;
                        v = v * 16 + static_cast<uint32_t>(h);
                    }
                    pos_ += 4;
                    return v;
                };
                auto first = unit();
                if (!first) return error("'\\u' without four hex digits");
                if (*first >= 0xD800 && *first <= 0xDBFF && peek() == '\\' && peek(1) == 'u') {
                    pos_ += 2;
                    auto second = unit();
                    if (!second || *second < 0xDC00 || *second > 0xDFFF)
                        return error("an unpaired surrogate escape");
                    return CodePointSet::of(0x10000 + ((*first - 0xD800) << 10) + (*second - 0xDC00));
                }
                if (*first >= 0xD800 && *first <= 0xDFFF) return error("an unpaired surrogate escape");
                return CodePointSet::of(*first);
            }
            case 'p':
            case 'P':
                return error("the Unicode property escape '\\" + std::string(1, static_cast<char>(c)) + "'");
            case 'c':
                return error("the control escape '\\c'");
            case 'k':
                return error("the named backreference '\\k'");
            default:
                break;
        }
        if (c >= '1' && c <= '9')
            return error("the backreference '\\" + std::string(1, static_cast<char>(c)) + "'");
        if (is_ascii_alnum(c))
            return error("the unknown escape '\\" + std::string(1, static_cast<char>(c)) + "'");
        return CodePointSet::of(c);
    }

    // One class atom: a single code point (returned as `single`) or a set.
    Result<CodePointSet> parse_class_atom(std::optional<uint32_t>& single) {
        single.reset();
        const uint32_t c = peek();
        ++pos_;
        if (c != '\\') {
            single = c;
            return CodePointSet::of(c);
        }
        auto set = parse_escape(true);
        if (set && set->ranges().size() == 1 && set->ranges()[0].lo == set->ranges()[0].hi) {
            single = set->ranges()[0].lo;
        }
        return set;
    }

    Result<ExprId> parse_class() {
        ++pos_;  // '['
        bool negated = false;
        if (!at_end() && peek() == '^') {
            negated = true;
            ++pos_;
        }
        CodePointSet set;
        while (true) {
            if (at_end()) return error("a '[' without ']'");
            if (peek() == ']') {
                ++pos_;
                break;
            }
            std::optional<uint32_t> lo;
            auto first = parse_class_atom(lo);
            if (!first) return std::move(first).error();
            if (!at_end() && peek() == '-' && peek(1) != ']' && pos_ + 1 < cps_.size()) {
                ++pos_;
                std::optional<uint32_t> hi;
                auto second = parse_class_atom(hi);
                if (!second) return std::move(second).error();
                if (!lo || !hi) return error("a class range whose end is a set such as \\d");
                if (*lo > *hi) return error("a class range out of order");
                set.add(*lo, *hi);
                continue;
            }
            set.add(*first);
        }
        return json_.chars(negated ? set.complement() : set);
    }

    JsonGrammarBlocks& json_;
    GrammarBuilder& b_;
    std::string_view pattern_;
    std::vector<uint32_t> cps_;
    size_t pos_ = 0;
};

}  // namespace

Result<ExprId> compile_regex(JsonGrammarBlocks& json, std::string_view pattern) {
    auto cps = decode_utf8(pattern);
    if (!cps) return Error{Errc::InvalidArgument, "pattern is not valid UTF-8"};
    RegexParser parser(json, pattern, std::move(*cps));
    return parser.parse();
}

}  // namespace vela::grammar
