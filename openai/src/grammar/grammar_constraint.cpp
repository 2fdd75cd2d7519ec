#include "grammar/grammar_constraint.h"

#include <algorithm>
#include <list>
#include <mutex>
#include <utility>

namespace vela::grammar {
namespace {

constexpr size_t kRegistryCapacity = 32;                    // grammars kept for later requests
constexpr size_t kRegistryBudgetBytes = size_t{256} << 20;  // masks kept for later requests

// Most recently used mask caches, keyed by vocabulary and grammar key.
class MaskCacheRegistry {
  public:
    std::shared_ptr<TokenMaskCache> find(const VocabularyIndex* vocabulary, const std::string& key) {
        std::lock_guard lock(mutex_);
        for (auto it = entries_.begin(); it != entries_.end(); ++it) {
            if (it->vocabulary == vocabulary && it->key == key) {
                entries_.splice(entries_.begin(), entries_, it);
                evict();
                return entries_.front().cache;
            }
        }
        return nullptr;
    }

    void insert(const VocabularyIndex* vocabulary, const std::string& key,
                std::shared_ptr<TokenMaskCache> cache) {
        std::lock_guard lock(mutex_);
        entries_.push_front({vocabulary, key, std::move(cache)});
        evict();
    }

  private:
    // Drops the least recently used caches beyond the count or memory budget (requests still running
    // keep theirs alive through their own shared_ptr).
    void evict() {
        size_t bytes = 0;
        for (const Entry& e : entries_)
            bytes += e.cache->memory_bytes();
        while (entries_.size() > 1 && (entries_.size() > kRegistryCapacity || bytes > kRegistryBudgetBytes)) {
            bytes -= entries_.back().cache->memory_bytes();
            entries_.pop_back();
        }
    }

    struct Entry {
        const VocabularyIndex* vocabulary;
        std::string key;
        std::shared_ptr<TokenMaskCache> cache;  // keeps its vocabulary alive, so the pointer key stays valid
    };
    std::mutex mutex_;
    std::list<Entry> entries_;
};

MaskCacheRegistry& registry() {
    static MaskCacheRegistry instance;
    return instance;
}

TokenConstraintFactory factory_for(std::shared_ptr<TokenMaskCache> cache, std::string description) {
    return [cache = std::move(cache),
            description = std::move(description)]() -> std::unique_ptr<TokenConstraint> {
        return std::make_unique<GrammarConstraint>(cache, description);
    };
}

std::string options_key(const JsonSchemaOptions& options) {
    return std::string(options.strict ? "strict" : "loose") + "/indent=" + std::to_string(options.max_indent);
}

}  // namespace

GrammarConstraint::GrammarConstraint(std::shared_ptr<TokenMaskCache> cache, std::string description)
    : cache_(std::move(cache)), matcher_(cache_->grammar()), description_(std::move(description)) {}

void GrammarConstraint::fill_allowed(std::span<uint32_t> allowed) {
    const auto kernel = matcher_.kernel();
    if (memo_valid_ && memo_mask_.size() == allowed.size() &&
        std::equal(kernel.begin(), kernel.end(), memo_kernel_.begin(), memo_kernel_.end())) {
        std::copy(memo_mask_.begin(), memo_mask_.end(), allowed.begin());
        return;
    }
    cache_->fill(matcher_, allowed);
    memo_kernel_.assign(kernel.begin(), kernel.end());
    memo_mask_.assign(allowed.begin(), allowed.end());
    memo_valid_ = true;
}

bool GrammarConstraint::accept(TokenId token) {
    const VocabularyIndex& vocab = *cache_->vocabulary();
    if (token < 0 || token >= vocab.vocab_size()) return false;
    if (vocab.is_special(token)) return matcher_.advance(kSpecialSymbolBase + static_cast<Symbol>(token));
    const std::string_view bytes = vocab.token_bytes(token);
    return !bytes.empty() && matcher_.advance_bytes(bytes);
}

bool GrammarConstraint::can_end() const {
    return matcher_.can_end();
}

Result<std::shared_ptr<TokenMaskCache>> shared_mask_cache(
    const std::shared_ptr<const VocabularyIndex>& vocabulary, const std::string& cache_key,
    const GrammarBuildFn& build) {
    if (!vocabulary) return Error{Errc::InvalidArgument, "constrained decoding needs a vocabulary index"};
    if (!cache_key.empty()) {
        if (auto hit = registry().find(vocabulary.get(), cache_key)) return hit;
    }
    auto grammar = build();
    if (!grammar) return std::move(grammar).error();
    auto cache = std::make_shared<TokenMaskCache>(std::move(*grammar), vocabulary);
    if (!cache_key.empty()) registry().insert(vocabulary.get(), cache_key, cache);
    return cache;
}

Result<TokenConstraintFactory> make_grammar_constraint(std::shared_ptr<const VocabularyIndex> vocabulary,
                                                       std::shared_ptr<const CompiledGrammar> grammar,
                                                       std::string description) {
    if (!vocabulary || !grammar)
        return Error{Errc::InvalidArgument, "a grammar constraint needs a vocabulary and a grammar"};
    return factory_for(std::make_shared<TokenMaskCache>(std::move(grammar), std::move(vocabulary)),
                       std::move(description));
}

Result<TokenConstraintFactory> make_cached_grammar_constraint(
    std::shared_ptr<const VocabularyIndex> vocabulary, const std::string& cache_key,
    const GrammarBuildFn& build, std::string description) {
    auto cache = shared_mask_cache(vocabulary, cache_key, build);
    if (!cache) return std::move(cache).error();
    return factory_for(std::move(*cache), std::move(description));
}

Result<TokenConstraintFactory> make_json_schema_constraint(std::shared_ptr<const VocabularyIndex> vocabulary,
                                                           std::string_view schema_json,
                                                           const JsonSchemaOptions& options,
                                                           std::string description) {
    const std::string key = "json_schema/" + options_key(options) + "/" + std::string(schema_json);
    return make_cached_grammar_constraint(
        std::move(vocabulary), key, [&] { return compile_json_schema_grammar(schema_json, options); },
        std::move(description));
}

Result<TokenConstraintFactory> make_json_object_constraint(std::shared_ptr<const VocabularyIndex> vocabulary,
                                                           const JsonSchemaOptions& options,
                                                           std::string description) {
    const std::string key = "json_object/" + options_key(options);
    auto build = [&]() -> Result<std::shared_ptr<const CompiledGrammar>> {
        GrammarBuilder builder;
        JsonGrammarBlocks json(builder, options.max_indent);
        return CompiledGrammar::compile(
            builder.finish_with(builder.sequence({json.ws(), json.any_object(), json.ws()})));
    };
    return make_cached_grammar_constraint(std::move(vocabulary), key, build, std::move(description));
}

}  // namespace vela::grammar
