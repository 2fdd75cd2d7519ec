#include "grammar/nfa.h"

#include <algorithm>
#include <map>
#include <string>

namespace vela::grammar {
namespace {

struct VectorHash {
    size_t operator()(const std::vector<uint32_t>& v) const {
        uint64_t h = 1469598103934665603ull;
        for (uint32_t x : v) {
            h ^= x;
            h *= 1099511628211ull;
        }
        return static_cast<size_t>(h);
    }
};

// Epsilon closure with a reusable visit marker.
class Closure {
  public:
    explicit Closure(const std::vector<NfaState>& nfa) : nfa_(nfa), mark_(nfa.size(), 0) {}

    // Sorted closure of `seeds`.
    std::vector<uint32_t> of(const std::vector<uint32_t>& seeds) {
        ++generation_;
        std::vector<uint32_t> out;
        std::vector<uint32_t> work;
        for (uint32_t s : seeds)
            push(s, out, work);
        while (!work.empty()) {
            uint32_t s = work.back();
            work.pop_back();
            for (uint32_t t : nfa_[s].eps)
                push(t, out, work);
        }
        std::sort(out.begin(), out.end());
        return out;
    }

  private:
    void push(uint32_t s, std::vector<uint32_t>& out, std::vector<uint32_t>& work) {
        if (mark_[s] == generation_) return;
        mark_[s] = generation_;
        out.push_back(s);
        work.push_back(s);
    }

    const std::vector<NfaState>& nfa_;
    std::vector<uint32_t> mark_;
    uint32_t generation_ = 0;
};

Error too_large(const char* what, size_t limit) {
    return Error{Errc::Unsupported, std::string("grammar too large: the ") + what + " exceeds " +
                                        std::to_string(limit) +
                                        " states; simplify the schema (fewer alternatives, smaller "
                                        "minLength/maxLength/minItems/maxItems or simpler patterns)"};
}

// Trims a DFA to the states that are reachable from the start and can reach an accepting state;
// edges into removed states are dropped.
StoredDfa trim(const StoredDfa& dfa) {
    const size_t n = dfa.edges.size();
    std::vector<std::vector<uint32_t>> reverse(n);
    for (size_t s = 0; s < n; ++s) {
        for (const auto& e : dfa.edges[s])
            reverse[e.target].push_back(static_cast<uint32_t>(s));
    }
    std::vector<uint8_t> live(n, 0);
    std::vector<uint32_t> work;
    for (size_t s = 0; s < n; ++s) {
        if (dfa.accepting[s]) {
            live[s] = 1;
            work.push_back(static_cast<uint32_t>(s));
        }
    }
    while (!work.empty()) {
        uint32_t s = work.back();
        work.pop_back();
        for (uint32_t p : reverse[s]) {
            if (!live[p]) {
                live[p] = 1;
                work.push_back(p);
            }
        }
    }
    StoredDfa out;
    std::vector<uint32_t> id(n, UINT32_MAX);
    if (!live[dfa.start]) {
        out.edges.resize(1);
        out.accepting.assign(1, 0);
        out.start = 0;
        return out;
    }
    id[dfa.start] = 0;
    std::vector<uint32_t> order{dfa.start};
    for (size_t i = 0; i < order.size(); ++i) {
        for (const auto& e : dfa.edges[order[i]]) {
            if (live[e.target] && id[e.target] == UINT32_MAX) {
                id[e.target] = static_cast<uint32_t>(order.size());
                order.push_back(e.target);
            }
        }
    }
    out.edges.resize(order.size());
    out.accepting.resize(order.size());
    for (size_t i = 0; i < order.size(); ++i) {
        out.accepting[i] = dfa.accepting[order[i]];
        for (const auto& e : dfa.edges[order[i]]) {
            if (live[e.target]) out.edges[i].push_back({e.range, id[e.target]});
        }
    }
    out.start = 0;
    return out;
}

}  // namespace

Nfa::Nfa(const Grammar& grammar, size_t max_states, HoistFn hoist)
    : grammar_(grammar), max_states_(max_states), hoist_(std::move(hoist)) {}

uint32_t Nfa::add_state() {
    states_.emplace_back();
    return static_cast<uint32_t>(states_.size() - 1);
}

Result<void> Nfa::check_size() const {
    if (states_.size() > max_states_) return too_large("automaton of one rule", max_states_);
    return {};
}

Result<uint32_t> Nfa::emit(ExprId expr, uint32_t to) {
    const uint64_t key = (static_cast<uint64_t>(expr) << 32) | to;
    if (auto it = memo_.find(key); it != memo_.end()) return it->second;
    auto entry = emit_uncached(expr, to);
    if (!entry) return entry;
    memo_.emplace(key, *entry);
    return entry;
}

Result<uint32_t> Nfa::emit_uncached(ExprId id, uint32_t to) {
    if (auto ok = check_size(); !ok) return std::move(ok).error();
    const Expr& e = grammar_.exprs[id];
    switch (e.kind) {
        case ExprKind::Nothing:
            return add_state();
        case ExprKind::Empty:
            return to;
        case ExprKind::Literal: {
            uint32_t s = to;
            for (size_t i = e.literal.size(); i-- > 0;) {
                uint32_t n = add_state();
                Symbol b = static_cast<uint8_t>(e.literal[i]);
                states_[n].edges.push_back({{b, b}, s});
                s = n;
            }
            return s;
        }
        case ExprKind::Symbols: {
            uint32_t n = add_state();
            for (const SymbolRange& r : e.ranges)
                states_[n].edges.push_back({r, to});
            return n;
        }
        case ExprKind::Sequence: {
            uint32_t s = to;
            for (size_t i = e.children.size(); i-- > 0;) {
                auto entry = emit(e.children[i], s);
                if (!entry) return entry;
                s = *entry;
            }
            return s;
        }
        case ExprKind::Choice: {
            std::vector<uint32_t> entries;
            for (ExprId c : e.children) {
                auto entry = emit(c, to);
                if (!entry) return entry;
                entries.push_back(*entry);
            }
            uint32_t n = add_state();
            states_[n].eps = std::move(entries);
            return n;
        }
        case ExprKind::Repeat: {
            const ExprId child = e.children[0];
            std::optional<RuleId> hoisted = hoist_ ? hoist_(id) : std::nullopt;
            auto one = [&](uint32_t target) -> Result<uint32_t> {
                if (!hoisted) return emit(child, target);
                uint32_t n = add_state();
                states_[n].calls.push_back({*hoisted, target});
                return n;
            };
            uint32_t tail = to;
            if (e.max == kUnbounded) {
                uint32_t loop = add_state();
                states_[loop].eps.push_back(to);
                auto body = one(loop);
                if (!body) return body;
                states_[loop].eps.push_back(*body);
                tail = loop;
            } else {
                for (uint32_t j = e.min; j < e.max; ++j) {
                    auto body = one(tail);
                    if (!body) return body;
                    uint32_t f = add_state();
                    states_[f].eps.push_back(to);
                    states_[f].eps.push_back(*body);
                    tail = f;
                    if (auto ok = check_size(); !ok) return std::move(ok).error();
                }
            }
            for (uint32_t j = 0; j < e.min; ++j) {
                auto body = one(tail);
                if (!body) return body;
                tail = *body;
                if (auto ok = check_size(); !ok) return std::move(ok).error();
            }
            return tail;
        }
        case ExprKind::Call: {
            uint32_t n = add_state();
            states_[n].calls.push_back({e.rule, to});
            return n;
        }
        case ExprKind::Automaton: {
            const StoredDfa& dfa = grammar_.automata[e.automaton];
            const uint32_t base = static_cast<uint32_t>(states_.size());
            for (size_t s = 0; s < dfa.edges.size(); ++s)
                add_state();
            for (size_t s = 0; s < dfa.edges.size(); ++s) {
                NfaState& n = states_[base + s];
                for (const auto& edge : dfa.edges[s])
                    n.edges.push_back({edge.range, base + edge.target});
                if (dfa.accepting[s]) n.eps.push_back(to);
            }
            uint32_t n = add_state();
            states_[n].eps.push_back(base + dfa.start);
            return n;
        }
    }
    return Error{Errc::Internal, "grammar expression of unknown kind"};
}

Result<std::vector<DfaState>> determinize(const std::vector<NfaState>& nfa, uint32_t entry, uint32_t final,
                                          size_t max_states) {
    Closure closure(nfa);
    std::unordered_map<std::vector<uint32_t>, uint32_t, VectorHash> ids;
    std::vector<std::vector<uint32_t>> sets;
    std::vector<DfaState> out;
    auto intern = [&](std::vector<uint32_t> set) -> uint32_t {
        auto [it, inserted] = ids.emplace(set, static_cast<uint32_t>(sets.size()));
        if (inserted) {
            sets.push_back(std::move(set));
            out.emplace_back();
        }
        return it->second;
    };
    intern(closure.of({entry}));
    struct Piece {
        Symbol lo, hi;
        uint32_t target;
    };
    std::vector<Piece> pieces;
    std::vector<Symbol> bounds;
    for (size_t d = 0; d < sets.size(); ++d) {
        if (sets.size() > max_states) return too_large("deterministic automaton of one rule", max_states);
        const std::vector<uint32_t> members = sets[d];
        DfaState state;
        pieces.clear();
        bounds.clear();
        std::map<RuleId, std::vector<uint32_t>> calls;
        for (uint32_t s : members) {
            if (s == final) state.accepting = true;
            for (const auto& [range, target] : nfa[s].edges) {
                pieces.push_back({range.lo, range.hi, target});
                bounds.push_back(range.lo);
                bounds.push_back(range.hi + 1);
            }
            for (const auto& [rule, target] : nfa[s].calls)
                calls[rule].push_back(target);
        }
        std::sort(bounds.begin(), bounds.end());
        bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
        std::sort(pieces.begin(), pieces.end(), [](const Piece& a, const Piece& b) { return a.lo < b.lo; });
        std::vector<uint32_t> targets;
        for (size_t i = 0; i + 1 < bounds.size(); ++i) {
            const Symbol lo = bounds[i];
            const Symbol hi = bounds[i + 1] - 1;
            targets.clear();
            for (const Piece& p : pieces) {
                if (p.lo > lo) break;
                if (p.hi >= hi) targets.push_back(p.target);
            }
            if (targets.empty()) continue;
            std::sort(targets.begin(), targets.end());
            targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
            uint32_t t = intern(closure.of(targets));
            if (!state.edges.empty() && state.edges.back().second == t &&
                state.edges.back().first.hi + 1 == lo) {
                state.edges.back().first.hi = hi;
            } else {
                state.edges.push_back({{lo, hi}, t});
            }
        }
        for (auto& [rule, rets] : calls) {
            std::sort(rets.begin(), rets.end());
            rets.erase(std::unique(rets.begin(), rets.end()), rets.end());
            state.calls.push_back({rule, intern(closure.of(rets))});
        }
        out[d] = std::move(state);
    }
    return out;
}

Result<StoredDfa> compile_call_free(const Grammar& grammar, ExprId expr, size_t max_states) {
    Nfa nfa(grammar, max_states, nullptr);
    const uint32_t final = nfa.add_state();
    auto entry = nfa.emit(expr, final);
    if (!entry) return std::move(entry).error();
    auto states = determinize(nfa.states(), *entry, final, max_states);
    if (!states) return std::move(states).error();
    StoredDfa dfa;
    dfa.edges.resize(states->size());
    dfa.accepting.resize(states->size());
    for (size_t s = 0; s < states->size(); ++s) {
        const DfaState& d = (*states)[s];
        if (!d.calls.empty()) {
            return Error{Errc::Internal, "a piece of grammar that is intersected must not call rules"};
        }
        for (const auto& [range, target] : d.edges)
            dfa.edges[s].push_back({range, target});
        dfa.accepting[s] = d.accepting ? 1 : 0;
    }
    dfa.start = 0;
    return trim(dfa);
}

Result<StoredDfa> dfa_product(const StoredDfa& a, const StoredDfa& b, bool subtract, size_t max_states) {
    constexpr uint32_t kDead = UINT32_MAX;
    std::unordered_map<uint64_t, uint32_t> ids;
    std::vector<std::pair<uint32_t, uint32_t>> pairs;
    StoredDfa out;
    auto intern = [&](uint32_t p, uint32_t q) -> uint32_t {
        uint64_t key = (static_cast<uint64_t>(p) << 32) | q;
        auto [it, inserted] = ids.emplace(key, static_cast<uint32_t>(pairs.size()));
        if (inserted) {
            pairs.push_back({p, q});
            out.edges.emplace_back();
            bool b_accepts = q != kDead && b.accepting[q];
            out.accepting.push_back(a.accepting[p] && (subtract ? !b_accepts : b_accepts) ? 1 : 0);
        }
        return it->second;
    };
    intern(a.start, b.start);
    for (size_t i = 0; i < pairs.size(); ++i) {
        if (pairs.size() > max_states) return too_large("intersection of string constraints", max_states);
        const auto [p, q] = pairs[i];
        std::vector<StoredDfa::Edge> edges;
        for (const auto& ea : a.edges[p]) {
            Symbol cursor = ea.range.lo;
            if (q != kDead) {
                for (const auto& eb : b.edges[q]) {
                    if (eb.range.hi < ea.range.lo) continue;
                    if (eb.range.lo > ea.range.hi) break;
                    Symbol lo = std::max(ea.range.lo, eb.range.lo);
                    Symbol hi = std::min(ea.range.hi, eb.range.hi);
                    if (subtract && lo > cursor)
                        edges.push_back({{cursor, lo - 1}, intern(ea.target, kDead)});
                    edges.push_back({{lo, hi}, intern(ea.target, eb.target)});
                    cursor = hi + 1;
                }
            }
            if (subtract && cursor <= ea.range.hi && (cursor >= ea.range.lo)) {
                edges.push_back({{cursor, ea.range.hi}, intern(ea.target, kDead)});
            }
        }
        out.edges[i] = std::move(edges);
    }
    out.start = 0;
    return trim(out);
}

bool dfa_is_empty(const StoredDfa& dfa) {
    std::vector<uint8_t> seen(dfa.edges.size(), 0);
    std::vector<uint32_t> work{dfa.start};
    seen[dfa.start] = 1;
    while (!work.empty()) {
        uint32_t s = work.back();
        work.pop_back();
        if (dfa.accepting[s]) return false;
        for (const auto& e : dfa.edges[s]) {
            if (!seen[e.target]) {
                seen[e.target] = 1;
                work.push_back(e.target);
            }
        }
    }
    return true;
}

}  // namespace vela::grammar
