// CompiledGrammar: a grammar as a set of deterministic automata, one per rule, linked by call edges
// (a recursive transition network). This is what the matcher runs.
//
// Each rule is compiled (Thompson construction, then subset construction) into DFA states that share
// one global numbering. A state reads symbols deterministically, may call rules (push the return
// state, continue at the callee's start) and may be accepting (the rule may end there: pop). After
// compiling, every state and call that can never lead to the end of its rule is removed, so a matcher
// that follows the automata never reaches a dead end; a grammar whose start rule accepts nothing, and
// left recursion (a rule that can call itself without reading input), are errors. Immutable once built
// and shared between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "grammar/grammar_builder.h"
#include "vela/core/error.h"

namespace vela::grammar {

/// Size limits that keep compiling bounded for any input.
struct GrammarLimits {
    size_t max_states_per_rule = 400'000;  // NFA and DFA states of one rule
    size_t max_total_states = 2'000'000;   // DFA states of the whole grammar
    size_t hoist_threshold = 4096;  // a repeated piece bigger than this (times its count) becomes a rule
};

/// A compiled grammar; see the file comment.
class CompiledGrammar {
  public:
    /// A symbol edge.
    struct Edge {
        Symbol lo = 0;        // first symbol
        Symbol hi = 0;        // last symbol (inclusive)
        uint32_t target = 0;  // next state
    };
    /// A call edge: enter `rule`, continue at `ret` once it ends.
    struct CallEdge {
        RuleId rule = 0;   // callee
        uint32_t ret = 0;  // return state
    };
    /// "No such state": what next() returns when a symbol is not accepted.
    static constexpr uint32_t kNoState = UINT32_MAX;

    /// Compiles `grammar`; errors name the offending rule.
    static Result<std::shared_ptr<const CompiledGrammar>> compile(Grammar grammar,
                                                                  const GrammarLimits& limits = {});

    /// Number of states.
    uint32_t n_states() const { return static_cast<uint32_t>(accepting_.size()); }
    /// The state after reading `symbol` in `state`, or kNoState.
    uint32_t next(uint32_t state, Symbol symbol) const {
        for (uint32_t i = edge_begin_[state], end = edge_begin_[state + 1]; i < end; ++i) {
            const Edge& e = edges_[i];
            if (symbol <= e.hi) return symbol >= e.lo ? e.target : kNoState;
        }
        return kNoState;
    }
    /// The symbol edges of `state`, sorted.
    std::span<const Edge> edges(uint32_t state) const {
        return {edges_.data() + edge_begin_[state], edge_begin_[state + 1] - edge_begin_[state]};
    }
    /// The call edges of `state`.
    std::span<const CallEdge> calls(uint32_t state) const {
        return {calls_.data() + call_begin_[state], call_begin_[state + 1] - call_begin_[state]};
    }
    /// True when `state` has call edges or is accepting (its closure is more than itself).
    bool needs_closure(uint32_t state) const { return needs_closure_[state] != 0; }
    /// True when the rule of `state` may end in `state`.
    bool accepting(uint32_t state) const { return accepting_[state] != 0; }
    /// The rule `state` belongs to.
    RuleId rule_of(uint32_t state) const { return state_rule_[state]; }
    /// The start state of `rule`.
    uint32_t rule_start(RuleId rule) const { return rule_start_[rule]; }
    /// Every state that a call of `rule` returns to, anywhere in the grammar.
    std::span<const uint32_t> return_sites(RuleId rule) const { return return_sites_[rule]; }
    /// The name of `rule`.
    const std::string& rule_name(RuleId rule) const { return rule_names_[rule]; }
    /// The start rule.
    RuleId root() const { return root_; }
    /// Number of rules.
    uint32_t n_rules() const { return static_cast<uint32_t>(rule_start_.size()); }
    /// Every special-token symbol the grammar can read, sorted.
    std::span<const Symbol> special_symbols() const { return special_symbols_; }

  private:
    CompiledGrammar() = default;

    std::vector<uint32_t> edge_begin_;  // n_states + 1
    std::vector<Edge> edges_;
    std::vector<uint32_t> call_begin_;  // n_states + 1
    std::vector<CallEdge> calls_;
    std::vector<uint8_t> accepting_;
    std::vector<uint8_t> needs_closure_;
    std::vector<RuleId> state_rule_;
    std::vector<uint32_t> rule_start_;
    std::vector<std::string> rule_names_;
    std::vector<std::vector<uint32_t>> return_sites_;
    std::vector<Symbol> special_symbols_;
    RuleId root_ = 0;
};

}  // namespace vela::grammar
