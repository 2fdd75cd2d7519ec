#include "grammar/grammar_matcher.h"

#include <unordered_set>
#include <utility>

namespace vela::grammar {
namespace {

uint64_t key_of(const MatcherConfig& c) {
    return (static_cast<uint64_t>(c.state) << 32) | c.stack;
}

// Appends configurations to a vector without duplicates: linear search while small, a hash set after.
class UniqueAppender {
  public:
    explicit UniqueAppender(std::vector<MatcherConfig>& out) : out_(out) {
        if (out_.size() > kLinearLimit) {
            for (const auto& c : out_)
                seen_.insert(key_of(c));
        }
    }

    void add(MatcherConfig c) {
        if (out_.size() <= kLinearLimit) {
            for (const auto& o : out_) {
                if (o == c) return;
            }
            out_.push_back(c);
            if (out_.size() > kLinearLimit) {
                for (const auto& o : out_)
                    seen_.insert(key_of(o));
            }
            return;
        }
        if (seen_.insert(key_of(c)).second) out_.push_back(c);
    }

  private:
    static constexpr size_t kLinearLimit = 32;
    std::vector<MatcherConfig>& out_;
    std::unordered_set<uint64_t> seen_;
};

}  // namespace

StackPool::StackPool() {
    nodes_.push_back(Node{});
}

uint32_t StackPool::push(uint32_t parent, uint32_t ret) {
    const uint64_t key = (static_cast<uint64_t>(parent) << 32) | ret;
    auto [it, inserted] = ids_.emplace(key, static_cast<uint32_t>(nodes_.size()));
    if (inserted) nodes_.push_back(Node{parent, ret});
    return it->second;
}

GrammarMatcher::GrammarMatcher(std::shared_ptr<const CompiledGrammar> grammar)
    : grammar_(std::move(grammar)) {
    reset();
}

void GrammarMatcher::reset() {
    kernel_.assign(1, MatcherConfig{grammar_->rule_start(grammar_->root()), 0});
    close(kernel_, closed_);
}

void GrammarMatcher::close(const std::vector<MatcherConfig>& kernel, std::vector<MatcherConfig>& closed) {
    const CompiledGrammar& g = *grammar_;
    closed.clear();
    bool simple = true;
    for (const auto& c : kernel)
        simple = simple && !g.needs_closure(c.state);
    if (simple) {
        closed = kernel;
        return;
    }
    UniqueAppender out(closed);
    for (const auto& c : kernel)
        out.add(c);
    for (size_t i = 0; i < closed.size(); ++i) {
        const MatcherConfig c = closed[i];
        if (!g.needs_closure(c.state)) continue;
        for (const auto& call : g.calls(c.state)) {
            out.add({g.rule_start(call.rule), pool_.push(c.stack, call.ret)});
        }
        if (g.accepting(c.state) && c.stack != 0) out.add({pool_.top(c.stack), pool_.pop(c.stack)});
    }
}

void GrammarMatcher::step(const std::vector<MatcherConfig>& closed, Symbol symbol,
                          std::vector<MatcherConfig>& next) const {
    const CompiledGrammar& g = *grammar_;
    next.clear();
    if (closed.size() == 1) {
        uint32_t t = g.next(closed[0].state, symbol);
        if (t != CompiledGrammar::kNoState) next.push_back({t, closed[0].stack});
        return;
    }
    UniqueAppender out(next);
    for (const auto& c : closed) {
        uint32_t t = g.next(c.state, symbol);
        if (t != CompiledGrammar::kNoState) out.add({t, c.stack});
    }
}

bool GrammarMatcher::advance(Symbol symbol) {
    step(closed_, symbol, scratch_a_);
    if (scratch_a_.empty()) return false;
    std::swap(kernel_, scratch_a_);
    close(kernel_, closed_);
    return true;
}

bool GrammarMatcher::advance_bytes(std::string_view bytes) {
    if (!accepts_bytes(bytes)) return false;
    for (char c : bytes)
        advance(static_cast<uint8_t>(c));
    return true;
}

bool GrammarMatcher::accepts_symbol(Symbol symbol) {
    step(closed_, symbol, scratch_a_);
    return !scratch_a_.empty();
}

bool GrammarMatcher::accepts_bytes(std::string_view bytes) {
    if (bytes.empty()) return true;
    step(closed_, static_cast<uint8_t>(bytes[0]), scratch_a_);
    for (size_t i = 1; i < bytes.size(); ++i) {
        if (scratch_a_.empty()) return false;
        close(scratch_a_, scratch_b_);
        step(scratch_b_, static_cast<uint8_t>(bytes[i]), scratch_a_);
    }
    return !scratch_a_.empty();
}

bool GrammarMatcher::can_end() const {
    const CompiledGrammar& g = *grammar_;
    for (const auto& c : closed_) {
        if (c.stack == 0 && g.accepting(c.state) && g.rule_of(c.state) == g.root()) return true;
    }
    return false;
}

bool GrammarMatcher::can_continue() const {
    const CompiledGrammar& g = *grammar_;
    for (const auto& c : closed_) {
        if (!g.edges(c.state).empty()) return true;
    }
    return false;
}

}  // namespace vela::grammar
