#include "grammar/token_mask_cache.h"

#include <algorithm>
#include <utility>

namespace vela::grammar {
namespace {

// One path of the walk: a state, a stack above the unknown real stack, and whether the path has
// already guessed how the real stack continues.
struct WalkThread {
    uint32_t state = 0;
    uint32_t stack = 0;
    uint8_t approximate = 0;
    friend bool operator==(const WalkThread&, const WalkThread&) = default;
};

class TrieWalker {
  public:
    TrieWalker(const CompiledGrammar& grammar, uint32_t max_depth) : g_(grammar), levels_(max_depth + 1) {}

    std::vector<WalkThread>& level(size_t depth) { return levels_[depth]; }

    void start(uint32_t state) {
        levels_[0].clear();
        levels_[0].push_back({state, 0, 0});
        close(levels_[0]);
    }

    void step(const std::vector<WalkThread>& from, Symbol symbol, std::vector<WalkThread>& to) {
        to.clear();
        if (from.size() == 1) {
            const WalkThread& t = from[0];
            const uint32_t next = g_.next(t.state, symbol);
            if (next == CompiledGrammar::kNoState) return;
            to.push_back({next, t.stack, t.approximate});
            if (g_.needs_closure(next)) close(to);
            return;
        }
        bool needs = false;
        for (const WalkThread& t : from) {
            const uint32_t next = g_.next(t.state, symbol);
            if (next == CompiledGrammar::kNoState) continue;
            add(to, {next, t.stack, t.approximate});
            needs = needs || g_.needs_closure(next);
        }
        if (needs) close(to);
    }

  private:
    static void add(std::vector<WalkThread>& v, WalkThread t) {
        if (std::find(v.begin(), v.end(), t) == v.end()) v.push_back(t);
    }

    void close(std::vector<WalkThread>& v) {
        for (size_t i = 0; i < v.size(); ++i) {
            const WalkThread t = v[i];
            if (!g_.needs_closure(t.state)) continue;
            for (const auto& call : g_.calls(t.state)) {
                add(v, {g_.rule_start(call.rule), pool_.push(t.stack, call.ret), t.approximate});
            }
            if (!g_.accepting(t.state)) continue;
            if (t.stack != 0) {
                add(v, {pool_.top(t.stack), pool_.pop(t.stack), t.approximate});
            } else {
                for (uint32_t ret : g_.return_sites(g_.rule_of(t.state)))
                    add(v, {ret, 0, 1});
            }
        }
    }

    const CompiledGrammar& g_;
    StackPool pool_;
    std::vector<std::vector<WalkThread>> levels_;
};

}  // namespace

TokenMaskCache::TokenMaskCache(std::shared_ptr<const CompiledGrammar> grammar,
                               std::shared_ptr<const VocabularyIndex> vocabulary)
    : grammar_(std::move(grammar)),
      vocabulary_(std::move(vocabulary)),
      masks_(new std::atomic<const StateMask*>[grammar_->n_states()]) {
    for (uint32_t s = 0; s < grammar_->n_states(); ++s)
        masks_[s].store(nullptr, std::memory_order_relaxed);
}

TokenMaskCache::~TokenMaskCache() = default;

size_t TokenMaskCache::n_computed() const {
    std::lock_guard lock(mutex_);
    return owned_.size();
}

const StateMask& TokenMaskCache::state_mask(uint32_t state) {
    if (const StateMask* m = masks_[state].load(std::memory_order_acquire)) return *m;
    std::unique_ptr<StateMask> computed = compute(state);
    std::lock_guard lock(mutex_);
    if (const StateMask* m = masks_[state].load(std::memory_order_acquire)) return *m;  // another thread won
    const StateMask* raw = computed.get();
    n_bytes_.fetch_add(sizeof(StateMask) + 4 * (raw->accepted_bits.capacity() + raw->accepted_ids.capacity() +
                                                raw->uncertain.capacity()),
                       std::memory_order_relaxed);
    owned_.push_back(std::move(computed));
    masks_[state].store(raw, std::memory_order_release);
    return *raw;
}

std::unique_ptr<StateMask> TokenMaskCache::compute(uint32_t state) const {
    const CompiledGrammar& g = *grammar_;
    const VocabularyIndex& vocab = *vocabulary_;
    TrieWalker walker(g, vocab.max_depth());
    walker.start(state);
    std::vector<TokenId> accepted;
    auto out = std::make_unique<StateMask>();
    const auto nodes = vocab.trie();
    const auto tokens = vocab.trie_tokens();
    for (uint32_t i = 0; i < nodes.size();) {
        const VocabularyIndex::TrieNode& node = nodes[i];
        std::vector<WalkThread>& here = walker.level(node.depth);
        walker.step(walker.level(node.depth - 1u), node.byte, here);
        if (here.empty()) {
            i = node.subtree_end;
            continue;
        }
        if (node.token_begin != node.token_end) {
            bool certain = false;
            for (const WalkThread& t : here)
                certain = certain || t.approximate == 0;
            auto& list = certain ? accepted : out->uncertain;
            list.insert(list.end(), tokens.begin() + node.token_begin, tokens.begin() + node.token_end);
        }
        ++i;
    }
    for (Symbol symbol : g.special_symbols()) {
        const Symbol id = symbol - kSpecialSymbolBase;
        if (id >= static_cast<Symbol>(vocab.vocab_size())) continue;
        std::vector<WalkThread>& here = walker.level(1);
        walker.step(walker.level(0), symbol, here);
        if (here.empty()) continue;
        bool certain = false;
        for (const WalkThread& t : here)
            certain = certain || t.approximate == 0;
        (certain ? accepted : out->uncertain).push_back(static_cast<TokenId>(id));
    }
    if (accepted.size() * 32 > vocab.n_mask_words()) {
        out->accepted_bits.assign(vocab.n_mask_words(), 0);
        for (TokenId t : accepted)
            out->accepted_bits[t >> 5] |= 1u << (t & 31);
    } else {
        std::sort(accepted.begin(), accepted.end());
        out->accepted_ids = std::move(accepted);
    }
    std::sort(out->uncertain.begin(), out->uncertain.end());
    return out;
}

bool TokenMaskCache::allows(GrammarMatcher& matcher, TokenId token) const {
    if (vocabulary_->is_special(token))
        return matcher.accepts_symbol(kSpecialSymbolBase + static_cast<Symbol>(token));
    std::string_view bytes = vocabulary_->token_bytes(token);
    return !bytes.empty() && matcher.accepts_bytes(bytes);
}

void TokenMaskCache::fill(GrammarMatcher& matcher, std::span<uint32_t> mask) {
    std::vector<uint32_t> seen;
    std::vector<TokenId> candidates;
    for (const MatcherConfig& c : matcher.kernel()) {
        if (std::find(seen.begin(), seen.end(), c.state) != seen.end()) continue;
        seen.push_back(c.state);
        const StateMask& m = state_mask(c.state);
        if (!m.accepted_bits.empty()) {
            const size_t n_words = std::min(mask.size(), m.accepted_bits.size());
            for (size_t w = 0; w < n_words; ++w)
                mask[w] |= m.accepted_bits[w];
        } else {
            for (TokenId t : m.accepted_ids) {
                if (static_cast<size_t>(t >> 5) < mask.size()) mask[t >> 5] |= 1u << (t & 31);
            }
        }
        candidates.insert(candidates.end(), m.uncertain.begin(), m.uncertain.end());
    }
    for (TokenId t : candidates) {
        if (static_cast<size_t>(t >> 5) >= mask.size()) continue;
        const uint32_t bit = 1u << (t & 31);
        if ((mask[t >> 5] & bit) == 0 && allows(matcher, t)) mask[t >> 5] |= bit;
    }
}

}  // namespace vela::grammar
