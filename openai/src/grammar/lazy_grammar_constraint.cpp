#include "grammar/lazy_grammar_constraint.h"

#include <algorithm>
#include <array>
#include <mutex>
#include <utility>

namespace vela::grammar {
namespace {

// Aho-Corasick automaton over bytes: state = the longest suffix of the text that is a prefix of a
// trigger; fires when a trigger ends.
class TriggerAutomaton {
  public:
    explicit TriggerAutomaton(const std::vector<std::string>& texts) {
        std::vector<std::array<uint32_t, 256>> children(1);
        children[0].fill(0);
        fires_.push_back(0);
        for (const std::string& text : texts) {
            uint32_t node = 0;
            for (char c : text) {
                const auto b = static_cast<uint8_t>(c);
                if (children[node][b] == 0) {
                    children[node][b] = static_cast<uint32_t>(children.size());
                    children.emplace_back().fill(0);
                    fires_.push_back(0);
                }
                node = children[node][b];
            }
            fires_[node] = 1;
        }
        const size_t n = children.size();
        go_.assign(n * 256, 0);
        std::vector<uint32_t> fail(n, 0);
        std::vector<uint32_t> order{0};
        for (size_t i = 0; i < order.size(); ++i) {
            const uint32_t u = order[i];
            if (u != 0 && fires_[fail[u]]) fires_[u] = 1;
            for (uint32_t b = 0; b < 256; ++b) {
                const uint32_t v = children[u][b];
                if (v != 0) {
                    fail[v] = u == 0 ? 0 : go_[fail[u] * 256 + b];
                    go_[u * 256 + b] = v;
                    order.push_back(v);
                } else {
                    go_[u * 256 + b] = u == 0 ? 0 : go_[fail[u] * 256 + b];
                }
            }
        }
    }

    uint32_t next(uint32_t state, uint8_t byte) const { return go_[state * 256 + byte]; }
    bool fires(uint32_t state) const { return fires_[state] != 0; }
    uint32_t n_states() const { return static_cast<uint32_t>(fires_.size()); }

  private:
    std::vector<uint32_t> go_;
    std::vector<uint8_t> fires_;
};

// A token that completes a trigger: its bytes from `offset` on belong to the grammar.
struct TriggerHit {
    TokenId token = 0;
    uint32_t offset = 0;
};

// What all sequences of one lazy constraint share.
class LazyShared {
  public:
    LazyShared(std::shared_ptr<TokenMaskCache> cache, const LazyTriggers& triggers)
        : cache_(std::move(cache)), triggers_(triggers.texts), trigger_tokens_(triggers.tokens) {
        std::sort(trigger_tokens_.begin(), trigger_tokens_.end());
        hits_.resize(triggers_.n_states());
        const VocabularyIndex& vocab = *cache_->vocabulary();
        for (TokenId t = 0; t < vocab.vocab_size(); ++t) {
            if (vocab.is_special(t)) {
                special_.push_back(t);
            } else if (!vocab.token_bytes(t).empty()) {
                by_first_byte_[static_cast<uint8_t>(vocab.token_bytes(t)[0])].push_back(t);
            }
        }
    }

    TokenMaskCache& cache() { return *cache_; }
    const TriggerAutomaton& triggers() const { return triggers_; }
    bool is_trigger_token(TokenId t) const {
        return std::binary_search(trigger_tokens_.begin(), trigger_tokens_.end(), t);
    }
    const std::vector<TokenId>& tokens_starting_with(uint8_t byte) const { return by_first_byte_[byte]; }
    const std::vector<TokenId>& special_tokens() const { return special_; }

    // Where a trigger completes inside `bytes` when the scan starts in `state`, or nullopt.
    std::optional<uint32_t> trigger_end(uint32_t state, std::string_view bytes, uint32_t* end_state) const {
        for (size_t i = 0; i < bytes.size(); ++i) {
            state = triggers_.next(state, static_cast<uint8_t>(bytes[i]));
            if (triggers_.fires(state)) return static_cast<uint32_t>(i + 1);
        }
        if (end_state) *end_state = state;
        return std::nullopt;
    }

    // Every token that completes a trigger when read from `state` (computed once per state).
    const std::vector<TriggerHit>& hits_from(uint32_t state) {
        std::lock_guard lock(mutex_);
        if (!hits_[state]) {
            auto hits = std::make_unique<std::vector<TriggerHit>>();
            const VocabularyIndex& vocab = *cache_->vocabulary();
            for (TokenId t = 0; t < vocab.vocab_size(); ++t) {
                if (vocab.is_special(t)) continue;
                if (auto end = trigger_end(state, vocab.token_bytes(t), nullptr)) hits->push_back({t, *end});
            }
            hits_[state] = std::move(hits);
        }
        return *hits_[state];
    }

    // Whether a fresh grammar reads all of `bytes`.
    bool grammar_reads(std::string_view bytes) const {
        GrammarMatcher fresh(cache_->grammar());
        return fresh.accepts_bytes(bytes);
    }

  private:
    std::shared_ptr<TokenMaskCache> cache_;
    TriggerAutomaton triggers_;
    std::vector<TokenId> trigger_tokens_;
    std::array<std::vector<TokenId>, 256> by_first_byte_;
    std::vector<TokenId> special_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<std::vector<TriggerHit>>> hits_;
};

void set_bit(std::span<uint32_t> mask, TokenId t) {
    if (static_cast<size_t>(t >> 5) < mask.size()) mask[t >> 5] |= 1u << (t & 31);
}

void clear_bit(std::span<uint32_t> mask, TokenId t) {
    if (static_cast<size_t>(t >> 5) < mask.size()) mask[t >> 5] &= ~(1u << (t & 31));
}

class LazyGrammarConstraint : public TokenConstraint {
  public:
    LazyGrammarConstraint(std::shared_ptr<LazyShared> shared, std::string description, bool once)
        : shared_(std::move(shared)),
          matcher_(shared_->cache().grammar()),
          description_(std::move(description)),
          once_(once) {}

    void fill_allowed(std::span<uint32_t> allowed) override {
        const VocabularyIndex& vocab = *shared_->cache().vocabulary();
        if (!constrained_) {
            for (TokenId t = 0; t < vocab.vocab_size(); ++t)
                set_bit(allowed, t);
            drop_bad_triggers(allowed, state_, nullptr);
            return;
        }
        shared_->cache().fill(matcher_, allowed);
        if (!matcher_.can_end() || once_) return;  // with once_, leaving the grammar means ending
        // Tokens that leave the grammar: their first byte (or the special token) is not readable.
        std::array<bool, 256> reads{};
        for (uint32_t b = 0; b < 256; ++b) {
            reads[b] = matcher_.accepts_symbol(b);
            if (!reads[b]) {
                for (TokenId t : shared_->tokens_starting_with(static_cast<uint8_t>(b)))
                    set_bit(allowed, t);
            }
        }
        for (TokenId t : shared_->special_tokens()) {
            if (!matcher_.accepts_symbol(kSpecialSymbolBase + static_cast<Symbol>(t))) set_bit(allowed, t);
        }
        drop_bad_triggers(allowed, 0, &reads);
    }

    bool accept(TokenId token) override {
        const VocabularyIndex& vocab = *shared_->cache().vocabulary();
        if (token < 0 || token >= vocab.vocab_size()) return false;
        const std::string_view bytes = vocab.token_bytes(token);
        if (constrained_) {
            if (vocab.is_special(token)) {
                if (matcher_.advance(kSpecialSymbolBase + static_cast<Symbol>(token))) return true;
                if (!matcher_.can_end()) return false;
            } else {
                if (!bytes.empty() && matcher_.advance_bytes(bytes)) return true;
                if (bytes.empty() || !matcher_.can_end() ||
                    matcher_.accepts_symbol(static_cast<uint8_t>(bytes[0]))) {
                    return false;
                }
            }
            constrained_ = false;  // the grammar is complete and this token leaves it
            state_ = 0;
        }
        if (shared_->is_trigger_token(token)) {
            start_grammar();
            return true;
        }
        if (vocab.is_special(token)) return true;
        uint32_t end_state = 0;
        auto end = shared_->trigger_end(state_, bytes, &end_state);
        if (!end) {
            state_ = end_state;
            return true;
        }
        const std::string_view rest = bytes.substr(*end);
        if (!shared_->grammar_reads(rest)) return false;
        start_grammar();
        matcher_.advance_bytes(rest);
        return true;
    }

    bool can_end() const override { return !constrained_ || matcher_.can_end(); }
    std::string describe() const override { return description_; }

  private:
    void start_grammar() {
        constrained_ = true;
        matcher_.reset();
    }

    // Clears tokens that complete a trigger (scanning from `state`) and then continue with bytes the
    // grammar refuses; with `reads`, only tokens whose first byte leaves the grammar are concerned.
    void drop_bad_triggers(std::span<uint32_t> allowed, uint32_t state, const std::array<bool, 256>* reads) {
        const VocabularyIndex& vocab = *shared_->cache().vocabulary();
        for (const TriggerHit& hit : shared_->hits_from(state)) {
            const std::string_view bytes = vocab.token_bytes(hit.token);
            if (reads && (*reads)[static_cast<uint8_t>(bytes[0])]) continue;
            if (!shared_->grammar_reads(bytes.substr(hit.offset))) clear_bit(allowed, hit.token);
        }
    }

    std::shared_ptr<LazyShared> shared_;
    GrammarMatcher matcher_;
    std::string description_;
    bool once_ = false;  // the grammar is used once: after it, only the end of generation
    bool constrained_ = false;
    uint32_t state_ = 0;  // trigger automaton state in free mode
};

}  // namespace

Result<TokenConstraintFactory> make_lazy_grammar_constraint(std::shared_ptr<const VocabularyIndex> vocabulary,
                                                            std::shared_ptr<const CompiledGrammar> grammar,
                                                            LazyTriggers triggers, std::string description,
                                                            bool once) {
    if (!vocabulary || !grammar)
        return Error{Errc::InvalidArgument, "a lazy grammar constraint needs a vocabulary and a grammar"};
    if (triggers.texts.empty() && triggers.tokens.empty()) {
        return Error{Errc::InvalidArgument, description + ": a lazy grammar needs at least one trigger"};
    }
    for (const std::string& text : triggers.texts) {
        if (text.empty()) return Error{Errc::InvalidArgument, description + ": an empty trigger string"};
    }
    for (TokenId t : triggers.tokens) {
        if (t < 0 || t >= vocabulary->vocab_size()) {
            return Error{Errc::InvalidArgument,
                         description + ": trigger token " + std::to_string(t) + " is not in the vocabulary"};
        }
    }
    auto cache = std::make_shared<TokenMaskCache>(std::move(grammar), std::move(vocabulary));
    auto shared = std::make_shared<LazyShared>(std::move(cache), triggers);
    return TokenConstraintFactory(
        [shared, description = std::move(description), once]() -> std::unique_ptr<TokenConstraint> {
            return std::make_unique<LazyGrammarConstraint>(shared, description, once);
        });
}

}  // namespace vela::grammar
