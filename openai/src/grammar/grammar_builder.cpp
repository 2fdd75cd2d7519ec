#include "grammar/grammar_builder.h"

#include <algorithm>
#include <utility>

#include "vela/core/assert.h"

namespace vela::grammar {

void normalize_ranges(std::vector<SymbolRange>& ranges) {
    std::sort(ranges.begin(), ranges.end(),
              [](const SymbolRange& a, const SymbolRange& b) { return a.lo < b.lo; });
    std::vector<SymbolRange> merged;
    for (const SymbolRange& r : ranges) {
        if (r.lo > r.hi) continue;
        if (!merged.empty() && r.lo <= merged.back().hi + 1) {
            merged.back().hi = std::max(merged.back().hi, r.hi);
        } else {
            merged.push_back(r);
        }
    }
    ranges = std::move(merged);
}

GrammarBuilder::GrammarBuilder() {
    nothing_ = add(Expr{.kind = ExprKind::Nothing});
    empty_ = add(Expr{.kind = ExprKind::Empty});
}

ExprId GrammarBuilder::add(Expr expr) {
    grammar_.exprs.push_back(std::move(expr));
    return static_cast<ExprId>(grammar_.exprs.size() - 1);
}

ExprId GrammarBuilder::literal(std::string_view text) {
    if (text.empty()) return empty_;
    return add(Expr{.kind = ExprKind::Literal, .literal = std::string(text)});
}

ExprId GrammarBuilder::symbols(std::vector<SymbolRange> ranges) {
    normalize_ranges(ranges);
    if (ranges.empty()) return nothing_;
    return add(Expr{.kind = ExprKind::Symbols, .ranges = std::move(ranges)});
}

ExprId GrammarBuilder::byte_range(uint8_t lo, uint8_t hi) {
    return symbols({{lo, hi}});
}

ExprId GrammarBuilder::any_byte_except(std::string_view excluded) {
    std::vector<bool> out(256, false);
    for (char c : excluded)
        out[static_cast<uint8_t>(c)] = true;
    std::vector<SymbolRange> ranges;
    for (Symbol b = 0; b < 256; ++b) {
        if (!out[b]) ranges.push_back({b, b});
    }
    return symbols(std::move(ranges));
}

ExprId GrammarBuilder::special_token(TokenId token) {
    VELA_ASSERT(token >= 0, "special_token needs a valid token id");
    Symbol s = kSpecialSymbolBase + static_cast<Symbol>(token);
    return symbols({{s, s}});
}

ExprId GrammarBuilder::sequence(std::vector<ExprId> children) {
    std::vector<ExprId> flat;
    for (ExprId c : children) {
        const Expr& e = grammar_.exprs[c];
        if (e.kind == ExprKind::Nothing) return nothing_;
        if (e.kind == ExprKind::Empty) continue;
        flat.push_back(c);
    }
    if (flat.empty()) return empty_;
    if (flat.size() == 1) return flat[0];
    return add(Expr{.kind = ExprKind::Sequence, .children = std::move(flat)});
}

ExprId GrammarBuilder::choice(std::vector<ExprId> children) {
    std::vector<ExprId> kept;
    for (ExprId c : children) {
        if (grammar_.exprs[c].kind == ExprKind::Nothing) continue;
        if (std::find(kept.begin(), kept.end(), c) == kept.end()) kept.push_back(c);
    }
    if (kept.empty()) return nothing_;
    if (kept.size() == 1) return kept[0];
    return add(Expr{.kind = ExprKind::Choice, .children = std::move(kept)});
}

ExprId GrammarBuilder::repeat(ExprId child, uint32_t min, uint32_t max) {
    VELA_ASSERT(min <= max, "repeat needs min <= max");
    if (max == 0) return empty_;
    const Expr& e = grammar_.exprs[child];
    if (e.kind == ExprKind::Empty) return empty_;
    if (e.kind == ExprKind::Nothing) return min == 0 ? empty_ : nothing_;
    if (min == 1 && max == 1) return child;
    return add(Expr{.kind = ExprKind::Repeat, .children = {child}, .min = min, .max = max});
}

ExprId GrammarBuilder::text_until(std::string_view terminator) {
    VELA_ASSERT(!terminator.empty(), "text_until needs a terminator");
    // KMP automaton: state q = length of the longest prefix of the terminator that ends the text so
    // far; state m (the whole terminator) accepts and has no way out.
    const size_t m = terminator.size();
    std::vector<size_t> fail(m + 1, 0);
    for (size_t i = 1; i < m; ++i) {
        size_t k = fail[i];
        while (k > 0 && terminator[i] != terminator[k])
            k = fail[k];
        fail[i + 1] = (terminator[i] == terminator[k]) ? k + 1 : 0;
    }
    StoredDfa dfa;
    dfa.edges.resize(m + 1);
    dfa.accepting = std::vector<uint8_t>(m, 0);
    dfa.accepting.push_back(1);
    for (size_t q = 0; q < m; ++q) {
        std::vector<uint32_t> next(256);
        for (size_t b = 0; b < 256; ++b) {
            size_t k = q;
            while (k > 0 && static_cast<uint8_t>(terminator[k]) != b)
                k = fail[k];
            if (static_cast<uint8_t>(terminator[k]) == b) ++k;
            next[b] = static_cast<uint32_t>(k);
        }
        for (Symbol b = 0; b < 256;) {
            Symbol e = b;
            while (e + 1 < 256 && next[e + 1] == next[b])
                ++e;
            dfa.edges[q].push_back({{b, e}, next[b]});
            b = e + 1;
        }
    }
    return automaton(std::move(dfa));
}

RuleId GrammarBuilder::declare_rule(std::string name) {
    grammar_.rules.push_back(Rule{.name = std::move(name)});
    return static_cast<RuleId>(grammar_.rules.size() - 1);
}

void GrammarBuilder::define_rule(RuleId rule, ExprId body) {
    VELA_ASSERT(rule < grammar_.rules.size() && !grammar_.rules[rule].defined, "rule defined twice");
    grammar_.rules[rule].body = body;
    grammar_.rules[rule].defined = true;
}

ExprId GrammarBuilder::call(RuleId rule) {
    VELA_ASSERT(rule < grammar_.rules.size(), "call of an unknown rule");
    return add(Expr{.kind = ExprKind::Call, .rule = rule});
}

ExprId GrammarBuilder::automaton(StoredDfa dfa) {
    grammar_.automata.push_back(std::move(dfa));
    return add(
        Expr{.kind = ExprKind::Automaton, .automaton = static_cast<uint32_t>(grammar_.automata.size() - 1)});
}

Grammar GrammarBuilder::finish(RuleId root) {
    grammar_.root = root;
    Grammar out = std::move(grammar_);
    grammar_ = Grammar{};
    nothing_ = add(Expr{.kind = ExprKind::Nothing});
    empty_ = add(Expr{.kind = ExprKind::Empty});
    return out;
}

Grammar GrammarBuilder::finish_with(ExprId root_expr) {
    RuleId root = declare_rule("root");
    define_rule(root, root_expr);
    return finish(root);
}

}  // namespace vela::grammar
