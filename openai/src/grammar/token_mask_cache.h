// TokenMaskCache: per grammar state, which tokens are allowed whatever the call stack below is; shared
// by every sequence that uses the same grammar and vocabulary.
//
// For an automaton state s, a depth-first walk of the vocabulary trie runs the matcher from s with an
// unknown stack, pruning a subtree as soon as its prefix is refused. When the walk must leave s's rule
// (pop below the unknown stack), it continues in every place that rule can return to, marked
// "approximate". A token fully read by a non-approximate path is allowed in any context (accepted); one
// read only by approximate paths is "uncertain" and checked against the real stack at mask time;
// everything else is refused in every context, because the approximate continuation over-approximates
// the real one. Entries are computed on first use (this is the expensive part: one trie walk) and never
// change; reads are lock-free after that.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "grammar/compiled_grammar.h"
#include "grammar/grammar_matcher.h"
#include "grammar/vocabulary_index.h"

namespace vela::grammar {

/// The context-independent part of the token mask of one automaton state.
struct StateMask {
    std::vector<uint32_t> accepted_bits;  // a full mask, when many tokens are accepted
    std::vector<TokenId> accepted_ids;    // the accepted tokens, when few are
    std::vector<TokenId> uncertain;       // tokens to check against the real stack
};

/// Lazily computed StateMasks of one (grammar, vocabulary) pair.
class TokenMaskCache {
  public:
    /// A cache for `grammar` over `vocabulary`.
    TokenMaskCache(std::shared_ptr<const CompiledGrammar> grammar,
                   std::shared_ptr<const VocabularyIndex> vocabulary);
    ~TokenMaskCache();

    /// The mask of `state`, computed on first use; thread-safe.
    const StateMask& state_mask(uint32_t state);
    /// Sets the bits of every token `matcher` may read next (`mask` is all zero on entry).
    void fill(GrammarMatcher& matcher, std::span<uint32_t> mask);
    /// Whether `matcher` may read `token` next (its bytes, or its special symbol).
    bool allows(GrammarMatcher& matcher, TokenId token) const;

    /// The grammar.
    const std::shared_ptr<const CompiledGrammar>& grammar() const { return grammar_; }
    /// The vocabulary.
    const std::shared_ptr<const VocabularyIndex>& vocabulary() const { return vocabulary_; }
    /// Number of states computed so far (for benchmarks).
    size_t n_computed() const;
    /// Bytes held by the computed masks.
    size_t memory_bytes() const { return n_bytes_.load(std::memory_order_relaxed); }

  private:
    std::unique_ptr<StateMask> compute(uint32_t state) const;

    std::shared_ptr<const CompiledGrammar> grammar_;
    std::shared_ptr<const VocabularyIndex> vocabulary_;
    std::unique_ptr<std::atomic<const StateMask*>[]> masks_;  // per state, null until computed
    std::vector<std::unique_ptr<StateMask>> owned_;           // guarded by mutex_
    std::atomic<size_t> n_bytes_{0};                          // memory_bytes()
    mutable std::mutex mutex_;
};

}  // namespace vela::grammar
