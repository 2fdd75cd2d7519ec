#include "grammar/compiled_grammar.h"

#include <algorithm>
#include <unordered_map>
#include <utility>

#include "grammar/nfa.h"

namespace vela::grammar {
namespace {

constexpr uint64_t kSizeCap = uint64_t{1} << 40;

uint64_t saturating_mul(uint64_t a, uint64_t b) {
    if (a == 0 || b == 0) return 0;
    return a > kSizeCap / b ? kSizeCap : a * b;
}

// Upper bound on the NFA states an expression expands to when copied as a tree.
class SizeEstimate {
  public:
    explicit SizeEstimate(const Grammar& grammar) : grammar_(grammar) {}

    uint64_t of(ExprId id) {
        if (id < memo_.size() && memo_[id] != 0) return memo_[id] - 1;
        const Expr& e = grammar_.exprs[id];
        uint64_t n = 1;
        switch (e.kind) {
            case ExprKind::Nothing:
            case ExprKind::Empty:
            case ExprKind::Symbols:
            case ExprKind::Call:
                n = 1;
                break;
            case ExprKind::Literal:
                n = e.literal.size();
                break;
            case ExprKind::Automaton:
                n = grammar_.automata[e.automaton].edges.size() + 1;
                break;
            case ExprKind::Sequence:
            case ExprKind::Choice:
                n = 1;
                for (ExprId c : e.children)
                    n = std::min(kSizeCap, n + of(c));
                break;
            case ExprKind::Repeat: {
                uint64_t count = e.max == kUnbounded ? uint64_t{e.min} + 1 : e.max;
                n = std::min(kSizeCap, saturating_mul(of(e.children[0]) + 2, count) + 1);
                break;
            }
        }
        if (memo_.size() <= id) memo_.resize(grammar_.exprs.size(), 0);
        memo_[id] = n + 1;
        return n;
    }

  private:
    const Grammar& grammar_;
    std::vector<uint64_t> memo_;  // size + 1, 0 = unknown
};

// Per-state data while linking, before flattening.
struct WorkState {
    std::vector<std::pair<SymbolRange, uint32_t>> edges;
    std::vector<std::pair<RuleId, uint32_t>> calls;
    bool accepting = false;
    RuleId rule = 0;
};

}  // namespace

Result<std::shared_ptr<const CompiledGrammar>> CompiledGrammar::compile(Grammar grammar,
                                                                        const GrammarLimits& limits) {
    if (grammar.root >= grammar.rules.size()) {
        return Error{Errc::Internal, "grammar has no start rule"};
    }
    SizeEstimate sizes(grammar);
    std::unordered_map<ExprId, RuleId> hoisted;  // repeated child -> rule
    // A repeated piece whose copies would be large is compiled once as its own rule and called.
    auto hoist = [&](ExprId repeat_expr) -> std::optional<RuleId> {
        const Expr& e = grammar.exprs[repeat_expr];
        const ExprId child = e.children[0];
        const uint64_t count = e.max == kUnbounded ? uint64_t{e.min} + 1 : e.max;
        const uint64_t child_size = sizes.of(child);
        if (count < 2 || child_size < 16 || saturating_mul(child_size, count) < limits.hoist_threshold) {
            return std::nullopt;
        }
        if (auto it = hoisted.find(child); it != hoisted.end()) return it->second;
        RuleId rule = static_cast<RuleId>(grammar.rules.size());
        grammar.rules.push_back(
            Rule{.name = "repeated item " + std::to_string(child), .body = child, .defined = true});
        hoisted.emplace(child, rule);
        return rule;
    };

    std::vector<WorkState> work;
    std::vector<uint32_t> rule_start;
    for (RuleId r = 0; r < grammar.rules.size(); ++r) {
        if (!grammar.rules[r].defined) {
            return Error{Errc::Internal,
                         "grammar rule '" + grammar.rules[r].name + "' was declared but never defined"};
        }
        Nfa nfa(grammar, limits.max_states_per_rule, hoist);
        const uint32_t final = nfa.add_state();
        auto entry = nfa.emit(grammar.rules[r].body, final);
        if (!entry) {
            return Error{entry.error().code(),
                         "rule '" + grammar.rules[r].name + "': " + entry.error().message()};
        }
        auto dfa = determinize(nfa.states(), *entry, final, limits.max_states_per_rule);
        if (!dfa) {
            return Error{dfa.error().code(),
                         "rule '" + grammar.rules[r].name + "': " + dfa.error().message()};
        }
        const uint32_t base = static_cast<uint32_t>(work.size());
        if (work.size() + dfa->size() > limits.max_total_states) {
            return Error{Errc::Unsupported, "grammar too large: more than " +
                                                std::to_string(limits.max_total_states) +
                                                " states in total; simplify the schema"};
        }
        rule_start.push_back(base);
        for (DfaState& d : *dfa) {
            WorkState w;
            w.accepting = d.accepting;
            w.rule = r;
            for (auto& [range, target] : d.edges)
                w.edges.push_back({range, base + target});
            for (auto& [rule, target] : d.calls)
                w.calls.push_back({rule, base + target});
            work.push_back(std::move(w));
        }
    }

    // Productive rules and live states: a state is live when the end of its rule is reachable from it
    // through symbol edges and calls of productive rules. Iterate to a fixed point.
    const size_t n = work.size();
    const size_t n_rules = grammar.rules.size();
    std::vector<uint8_t> productive(n_rules, 0);
    std::vector<uint8_t> live(n, 0);
    std::vector<std::vector<uint32_t>> reverse(n);  // target -> sources (symbol and call edges)
    for (uint32_t s = 0; s < n; ++s) {
        for (const auto& e : work[s].edges)
            reverse[e.second].push_back(s);
        for (const auto& c : work[s].calls)
            reverse[c.second].push_back(s);
    }
    for (bool changed = true; changed;) {
        changed = false;
        std::fill(live.begin(), live.end(), 0);
        std::vector<uint32_t> stack;
        for (uint32_t s = 0; s < n; ++s) {
            if (work[s].accepting) {
                live[s] = 1;
                stack.push_back(s);
            }
        }
        while (!stack.empty()) {
            uint32_t t = stack.back();
            stack.pop_back();
            for (uint32_t s : reverse[t]) {
                if (live[s]) continue;
                bool via = false;
                for (const auto& e : work[s].edges)
                    via = via || e.second == t;
                for (const auto& c : work[s].calls)
                    via = via || (c.second == t && productive[c.first]);
                if (via) {
                    live[s] = 1;
                    stack.push_back(s);
                }
            }
        }
        for (RuleId r = 0; r < n_rules; ++r) {
            if (!productive[r] && live[rule_start[r]]) {
                productive[r] = 1;
                changed = true;
            }
        }
    }
    if (!productive[grammar.root]) {
        return Error{Errc::InvalidArgument, "the grammar accepts no input at all"};
    }
    for (WorkState& w : work) {
        std::erase_if(w.edges, [&](const auto& e) { return !live[e.second]; });
        std::erase_if(w.calls, [&](const auto& c) { return !live[c.second] || !productive[c.first]; });
    }

    // Left recursion: rule A reaches a call of B before reading anything (through calls of rules that
    // can end without reading). A cycle in that relation would make the matcher push forever.
    std::vector<uint8_t> nullable(n_rules, 0);
    auto reach_without_input = [&](RuleId r, std::vector<RuleId>* called) {
        std::vector<uint32_t> stack{rule_start[r]};
        std::vector<uint32_t> seen{rule_start[r]};
        bool ends = false;
        while (!stack.empty()) {
            uint32_t s = stack.back();
            stack.pop_back();
            ends = ends || work[s].accepting;
            for (const auto& [callee, ret] : work[s].calls) {
                if (called) called->push_back(callee);
                if (nullable[callee] && std::find(seen.begin(), seen.end(), ret) == seen.end()) {
                    seen.push_back(ret);
                    stack.push_back(ret);
                }
            }
        }
        return ends;
    };
    for (bool changed = true; changed;) {
        changed = false;
        for (RuleId r = 0; r < n_rules; ++r) {
            if (!nullable[r] && productive[r] && reach_without_input(r, nullptr)) {
                nullable[r] = 1;
                changed = true;
            }
        }
    }
    std::vector<std::vector<RuleId>> first_calls(n_rules);
    for (RuleId r = 0; r < n_rules; ++r) {
        if (productive[r]) reach_without_input(r, &first_calls[r]);
    }
    std::vector<uint8_t> color(n_rules, 0);  // 0 new, 1 on the DFS path, 2 done
    std::vector<std::pair<RuleId, size_t>> dfs;
    for (RuleId root = 0; root < n_rules; ++root) {
        if (color[root] != 0) continue;
        dfs.push_back({root, 0});
        color[root] = 1;
        while (!dfs.empty()) {
            auto& [r, i] = dfs.back();
            if (i < first_calls[r].size()) {
                RuleId next = first_calls[r][i++];
                if (color[next] == 1) {
                    return Error{Errc::InvalidArgument,
                                 "rule '" + grammar.rules[next].name +
                                     "' can reach itself without reading any input (left recursion, e.g. a "
                                     "$ref cycle that never enters an object or array)"};
                }
                if (color[next] == 0) {
                    color[next] = 1;
                    dfs.push_back({next, 0});
                }
            } else {
                color[r] = 2;
                dfs.pop_back();
            }
        }
    }

    auto out = std::shared_ptr<CompiledGrammar>(new CompiledGrammar());
    CompiledGrammar& g = *out;
    g.root_ = grammar.root;
    g.rule_start_ = rule_start;
    g.return_sites_.resize(n_rules);
    for (const Rule& rule : grammar.rules)
        g.rule_names_.push_back(rule.name);
    g.edge_begin_.reserve(n + 1);
    g.call_begin_.reserve(n + 1);
    for (uint32_t s = 0; s < n; ++s) {
        const WorkState& w = work[s];
        g.edge_begin_.push_back(static_cast<uint32_t>(g.edges_.size()));
        g.call_begin_.push_back(static_cast<uint32_t>(g.calls_.size()));
        for (const auto& [range, target] : w.edges) {
            g.edges_.push_back({range.lo, range.hi, target});
            for (Symbol sym = std::max(range.lo, kSpecialSymbolBase); sym <= range.hi; ++sym) {
                if (g.special_symbols_.size() > 65536) {
                    return Error{Errc::Unsupported, "grammar names too many special tokens"};
                }
                g.special_symbols_.push_back(sym);
            }
        }
        for (const auto& [rule, ret] : w.calls) {
            g.calls_.push_back({rule, ret});
            g.return_sites_[rule].push_back(ret);
        }
        g.accepting_.push_back(w.accepting ? 1 : 0);
        g.needs_closure_.push_back(w.accepting || !w.calls.empty() ? 1 : 0);
        g.state_rule_.push_back(w.rule);
    }
    g.edge_begin_.push_back(static_cast<uint32_t>(g.edges_.size()));
    g.call_begin_.push_back(static_cast<uint32_t>(g.calls_.size()));
    for (auto& sites : g.return_sites_) {
        std::sort(sites.begin(), sites.end());
        sites.erase(std::unique(sites.begin(), sites.end()), sites.end());
    }
    std::sort(g.special_symbols_.begin(), g.special_symbols_.end());
    g.special_symbols_.erase(std::unique(g.special_symbols_.begin(), g.special_symbols_.end()),
                             g.special_symbols_.end());
    return std::shared_ptr<const CompiledGrammar>(std::move(out));
}

}  // namespace vela::grammar
