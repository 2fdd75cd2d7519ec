// GrammarConstraint: the TokenConstraint the engine runs for structured output and forced tool calls,
// and the factory functions the OpenAI adapter calls.
//
// One constraint per sequence owns a GrammarMatcher; the TokenMaskCache (the expensive, shared part) is
// shared by every sequence of a request and, through a small process-wide registry keyed by the
// vocabulary and the schema text (or a caller's cache key), by later requests with the same schema. A
// mask is the union of the cached context-free masks of the matcher's states plus the uncertain tokens
// that pass a check against the real stack; when the state has not changed since the previous token
// (inside a long string) the previous mask is reused as is.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "grammar/compiled_grammar.h"
#include "grammar/grammar_matcher.h"
#include "grammar/json_schema_compiler.h"
#include "grammar/token_mask_cache.h"
#include "grammar/vocabulary_index.h"
#include "vela/core/error.h"
#include "vela/core/token_constraint.h"

namespace vela::grammar {

/// A TokenConstraint that follows one grammar from its start.
class GrammarConstraint : public TokenConstraint {
  public:
    /// Follows `cache`'s grammar over its vocabulary; `description` names it in errors.
    GrammarConstraint(std::shared_ptr<TokenMaskCache> cache, std::string description);

    void fill_allowed(std::span<uint32_t> allowed) override;
    bool accept(TokenId token) override;
    bool can_end() const override;
    std::string describe() const override { return description_; }

    /// The matcher (for tests and for the lazy constraint).
    GrammarMatcher& matcher() { return matcher_; }

  private:
    std::shared_ptr<TokenMaskCache> cache_;
    GrammarMatcher matcher_;
    std::string description_;
    std::vector<MatcherConfig> memo_kernel_;  // the kernel the memo mask was computed for
    std::vector<uint32_t> memo_mask_;
    bool memo_valid_ = false;
};

/// Builds a grammar on a cache miss.
using GrammarBuildFn = std::function<Result<std::shared_ptr<const CompiledGrammar>>()>;

/// The shared mask cache for (vocabulary, cache_key), building the grammar with `build` on a miss; an
/// empty key never hits. The registry keeps the most recently used caches.
Result<std::shared_ptr<TokenMaskCache>> shared_mask_cache(
    const std::shared_ptr<const VocabularyIndex>& vocabulary, const std::string& cache_key,
    const GrammarBuildFn& build);

/// A factory of constraints that follow `grammar` (e.g. a forced tool call built with GrammarBuilder).
Result<TokenConstraintFactory> make_grammar_constraint(std::shared_ptr<const VocabularyIndex> vocabulary,
                                                       std::shared_ptr<const CompiledGrammar> grammar,
                                                       std::string description);

/// Like make_grammar_constraint, but the grammar is built by `build` only when `cache_key` is not in the
/// registry yet (the key must identify the grammar completely, e.g. the canonical tools JSON).
Result<TokenConstraintFactory> make_cached_grammar_constraint(
    std::shared_ptr<const VocabularyIndex> vocabulary, const std::string& cache_key,
    const GrammarBuildFn& build, std::string description);

/// response_format json_schema: one JSON value accepted by `schema_json` (bounded whitespace around it).
/// Errors name the unsupported keyword and its JSON pointer (the server answers 400).
Result<TokenConstraintFactory> make_json_schema_constraint(std::shared_ptr<const VocabularyIndex> vocabulary,
                                                           std::string_view schema_json,
                                                           const JsonSchemaOptions& options,
                                                           std::string description);

/// response_format json_object: any JSON object (bounded whitespace around it).
Result<TokenConstraintFactory> make_json_object_constraint(std::shared_ptr<const VocabularyIndex> vocabulary,
                                                           const JsonSchemaOptions& options,
                                                           std::string description);

}  // namespace vela::grammar
