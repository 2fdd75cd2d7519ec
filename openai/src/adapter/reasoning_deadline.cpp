#include "adapter/reasoning_deadline.h"

#include <algorithm>

namespace vela::openai {

ReasoningDeadline::ReasoningDeadline(std::unique_ptr<TokenConstraint> inner, ReasoningDeadlineOptions options)
    : inner_(std::move(inner)), options_(std::move(options)), inside_(options_.starts_inside) {}

void ReasoningDeadline::fill_allowed(std::span<uint32_t> allowed) {
    inner_->fill_allowed(allowed);
    if (!inside_ || n_inside_ < options_.budget) return;
    // What is left of the end marker after the longest suffix of the text that begins it.
    const std::string& end = options_.end;
    size_t matched = 0;
    for (size_t k = std::min(end.size() - 1, tail_.size()); k > 0; --k) {
        if (tail_.compare(tail_.size() - k, k, end, 0, k) == 0) {
            matched = k;
            break;
        }
    }
    const std::string_view rest = std::string_view(end).substr(matched);
    const grammar::VocabularyIndex& vocab = *options_.vocabulary;
    std::vector<uint32_t> kept(allowed.size(), 0);
    bool any = false;
    for (size_t w = 0; w < allowed.size(); ++w) {
        for (uint32_t bits = allowed[w]; bits != 0; bits &= bits - 1) {
            const auto token = static_cast<TokenId>(w * 32 + static_cast<size_t>(__builtin_ctz(bits)));
            const std::string_view bytes = vocab.token_bytes(token);
            if (bytes.empty()) continue;
            if (rest.starts_with(bytes) || bytes.starts_with(rest)) {
                kept[w] |= 1u << (static_cast<uint32_t>(token) & 31u);
                any = true;
            }
        }
    }
    if (any) std::copy(kept.begin(), kept.end(), allowed.begin());
}

bool ReasoningDeadline::accept(TokenId token) {
    const std::string_view bytes = options_.vocabulary->token_bytes(token);
    if (!closed_) {
        tail_.append(bytes);
        if (inside_) {
            ++n_inside_;
            // The end marker may straddle this token and the previous ones.
            const size_t from = tail_.size() >= bytes.size() + options_.end.size()
                                    ? tail_.size() - bytes.size() - options_.end.size()
                                    : 0;
            if (tail_.find(options_.end, from) != std::string::npos) {
                inside_ = false;
                closed_ = true;
            }
            const size_t keep = options_.end.size() + bytes.size();
            if (tail_.size() > 4 * keep) tail_.erase(0, tail_.size() - keep);
        } else {
            // Before the block: it can only open the output (after whitespace).
            const size_t first = tail_.find_first_not_of(" \t\r\n");
            const std::string_view text =
                first == std::string::npos ? std::string_view() : std::string_view(tail_).substr(first);
            if (text.starts_with(options_.start)) {
                inside_ = true;
                tail_.erase(0, first + options_.start.size());
            } else if (!std::string_view(options_.start).starts_with(text)) {
                closed_ = true;
            }
        }
    }
    return inner_->accept(token);
}

}  // namespace vela::openai
