// Nfa: Thompson construction of grammar expressions and subset construction into a DFA.
//
// Fragments are built backwards: emit(e, to) returns a fresh entry state from which exactly the paths
// spelling L(e) reach `to`. Because every entry is fresh, a fragment already emitted towards the same
// `to` can be reused (memoized on (expr, to)): a shared suffix of the expression DAG is then shared in
// the automaton instead of copied. Calls of other rules are kept as call edges; determinization treats
// them like symbols, so a DFA state may both read symbols and call rules (the matcher explores both).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "grammar/grammar_builder.h"
#include "vela/core/error.h"

namespace vela::grammar {

/// One NFA state: symbol edges, epsilon edges and call edges.
struct NfaState {
    std::vector<std::pair<SymbolRange, uint32_t>> edges;  // (symbols, target)
    std::vector<uint32_t> eps;                            // epsilon targets
    std::vector<std::pair<RuleId, uint32_t>> calls;       // (called rule, return target)
};

/// One DFA state produced by determinize().
struct DfaState {
    std::vector<std::pair<SymbolRange, uint32_t>> edges;  // disjoint, sorted by range
    std::vector<std::pair<RuleId, uint32_t>> calls;       // one per called rule
    bool accepting = false;                               // the NFA's final state is a member
};

/// Decides, for a Repeat expression, whether its child should become a separate rule (called from each
/// copy) instead of being copied; returns the rule to call, or nullopt to copy.
using HoistFn = std::function<std::optional<RuleId>(ExprId repeat_expr)>;

/// An NFA under construction for one rule or one call-free expression.
class Nfa {
  public:
    /// Builds over `grammar`'s expressions; stops with an error past `max_states` states.
    Nfa(const Grammar& grammar, size_t max_states, HoistFn hoist);

    /// A new state with no edges.
    uint32_t add_state();
    /// Emits `expr` so that it leads to `to`; returns its fresh entry state.
    Result<uint32_t> emit(ExprId expr, uint32_t to);
    /// The states built so far.
    const std::vector<NfaState>& states() const { return states_; }

  private:
    Result<uint32_t> emit_uncached(ExprId expr, uint32_t to);
    Result<void> check_size() const;

    const Grammar& grammar_;
    size_t max_states_;
    HoistFn hoist_;
    std::vector<NfaState> states_;
    std::unordered_map<uint64_t, uint32_t> memo_;  // (expr << 32 | to) -> entry
};

/// Subset construction from `entry`; `final` is the accepting NFA state. Fails past `max_states`.
Result<std::vector<DfaState>> determinize(const std::vector<NfaState>& nfa, uint32_t entry, uint32_t final,
                                          size_t max_states);

/// Compiles a call-free expression of `grammar` into a DFA (fails if the expression calls a rule).
Result<StoredDfa> compile_call_free(const Grammar& grammar, ExprId expr, size_t max_states);

/// The product of two DFAs: accepting where `a` accepts and (`b` accepts, or does not when `subtract`).
Result<StoredDfa> dfa_product(const StoredDfa& a, const StoredDfa& b, bool subtract, size_t max_states);

/// Whether `dfa` accepts no string at all.
bool dfa_is_empty(const StoredDfa& dfa);

}  // namespace vela::grammar
