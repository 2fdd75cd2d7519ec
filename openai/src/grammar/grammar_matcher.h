// GrammarMatcher: the incremental parse state of one sequence, advanced symbol by symbol.
//
// The state is a set of configurations (automaton state, call stack). Stacks are persistent linked
// lists interned in a pool owned by the matcher, so equal stacks have equal ids, configurations
// deduplicate exactly and a push or pop costs O(1). Two sets are kept: the kernel (configurations right
// after the last symbol, what the token-mask cache is keyed on) and its closure (calls entered and
// finished rules left, what the next symbol is read from). Bytes of one UTF-8 character may arrive in
// different tokens: the automata read bytes, so nothing special is needed.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "grammar/compiled_grammar.h"

namespace vela::grammar {

/// One configuration: an automaton state and the id of a call stack in the matcher's pool.
struct MatcherConfig {
    uint32_t state = 0;  // CompiledGrammar state
    uint32_t stack = 0;  // StackPool id, 0 = empty
    friend bool operator==(const MatcherConfig&, const MatcherConfig&) = default;
};

/// Interned persistent call stacks.
class StackPool {
  public:
    StackPool();
    /// The stack `parent` with `ret` pushed on top.
    uint32_t push(uint32_t parent, uint32_t ret);
    /// The top return state of non-empty `stack`.
    uint32_t top(uint32_t stack) const { return nodes_[stack].ret; }
    /// `stack` without its top.
    uint32_t pop(uint32_t stack) const { return nodes_[stack].parent; }
    /// Number of stacks interned (for tests).
    size_t size() const { return nodes_.size(); }

  private:
    struct Node {
        uint32_t parent = 0;
        uint32_t ret = 0;
    };
    std::vector<Node> nodes_;
    std::unordered_map<uint64_t, uint32_t> ids_;
};

/// The parse state of one sequence.
class GrammarMatcher {
  public:
    /// Starts at the beginning of `grammar`'s start rule.
    explicit GrammarMatcher(std::shared_ptr<const CompiledGrammar> grammar);

    /// Reads one symbol; returns false and keeps the state when it is not allowed.
    bool advance(Symbol symbol);
    /// Reads all of `bytes`; returns false and keeps the state when any byte is not allowed.
    bool advance_bytes(std::string_view bytes);
    /// Whether advance_bytes(bytes) would succeed; the state is unchanged.
    bool accepts_bytes(std::string_view bytes);
    /// Whether advance(symbol) would succeed; the state is unchanged.
    bool accepts_symbol(Symbol symbol);
    /// True when the input so far is a complete sentence of the grammar.
    bool can_end() const;
    /// True when some symbol may still follow.
    bool can_continue() const;
    /// Back to the beginning.
    void reset();

    /// The configurations right after the last symbol (before entering calls or leaving rules).
    std::span<const MatcherConfig> kernel() const { return kernel_; }
    /// The grammar being matched.
    const CompiledGrammar& grammar() const { return *grammar_; }
    /// The shared pointer to the grammar.
    const std::shared_ptr<const CompiledGrammar>& grammar_ptr() const { return grammar_; }

  private:
    // closed := closure of kernel.
    void close(const std::vector<MatcherConfig>& kernel, std::vector<MatcherConfig>& closed);
    // next := configurations after reading `symbol` from `closed`.
    void step(const std::vector<MatcherConfig>& closed, Symbol symbol,
              std::vector<MatcherConfig>& next) const;

    std::shared_ptr<const CompiledGrammar> grammar_;
    StackPool pool_;
    std::vector<MatcherConfig> kernel_;
    std::vector<MatcherConfig> closed_;
    std::vector<MatcherConfig> scratch_a_;  // for accepts_* and advance_bytes
    std::vector<MatcherConfig> scratch_b_;
};

}  // namespace vela::grammar
