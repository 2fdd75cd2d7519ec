#include "sampling/sampler.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace vela {

namespace {

constexpr float kGreedyTemperature = 1e-5f;
constexpr float kNegInf = -std::numeric_limits<float>::infinity();

bool allowed_bit(std::span<const uint32_t> allowed, size_t id) {
    return allowed.empty() || ((allowed[id / 32] >> (id % 32)) & 1u) != 0;
}

// Orders candidates by probability, most likely first, then by token id.
template <class C>
bool more_likely(const C& a, const C& b) {
    return a.p > b.p || (a.p == b.p && a.token < b.token);
}

TokenId argmax(std::span<const float> logits, std::span<const uint32_t> allowed) {
    TokenId best = -1;
    float best_logit = kNegInf;
    for (size_t id = 0; id < logits.size(); ++id) {
        if (logits[id] > best_logit) {
            best_logit = logits[id];
            best = static_cast<TokenId>(id);
        }
    }
    if (best >= 0) return best;
    // Every logit is -inf: take the first token the mask allows.
    for (size_t id = 0; id < logits.size(); ++id) {
        if (allowed_bit(allowed, id)) return static_cast<TokenId>(id);
    }
    return 0;
}

uint64_t mix64(uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

}  // namespace

bool is_greedy(const GenerationParams& params) {
    return params.temperature < kGreedyTemperature;
}

uint64_t choice_seed(uint64_t seed, int32_t choice) {
    return choice == 0 ? seed : mix64(seed + 0x9e3779b97f4a7c15ull * static_cast<uint64_t>(choice));
}

Sampler::Sampler(const GenerationParams& params, std::span<const TokenId> prompt, uint64_t seed)
    : params_(&params), rng_(seed) {
    if (params.repetition_penalty != 1.0f) seen_.insert(prompt.begin(), prompt.end());
}

Sampler Sampler::fork(uint64_t seed) const {
    Sampler copy = *this;
    copy.rng_.seed(seed);
    return copy;
}

void Sampler::accept(TokenId token) {
    if (params_->repetition_penalty != 1.0f) seen_.insert(token);
    if (params_->presence_penalty != 0.0f || params_->frequency_penalty != 0.0f) ++generated_[token];
}

void Sampler::process(std::span<float> logits, std::span<const uint32_t> allowed) const {
    const auto in_vocab = [&](TokenId id) { return id >= 0 && static_cast<size_t>(id) < logits.size(); };
    for (const auto& [token, bias] : params_->logit_bias) {
        if (in_vocab(token)) logits[static_cast<size_t>(token)] += bias;
    }
    const float rp = params_->repetition_penalty;
    if (rp != 1.0f) {
        for (const TokenId token : seen_) {
            if (!in_vocab(token)) continue;
            float& l = logits[static_cast<size_t>(token)];
            l = l > 0.0f ? l / rp : l * rp;
        }
    }
    for (const auto& [token, count] : generated_) {
        if (!in_vocab(token)) continue;
        logits[static_cast<size_t>(token)] -=
            params_->presence_penalty + static_cast<float>(count) * params_->frequency_penalty;
    }
    for (size_t id = 0; id < logits.size(); ++id) {
        if (std::isnan(logits[id]) || !allowed_bit(allowed, id)) logits[id] = kNegInf;
    }
}

double Sampler::uniform() {
    return static_cast<double>(rng_() >> 11) * 0x1.0p-53;
}

TokenId Sampler::draw(std::span<const float> logits) {
    float max_logit = kNegInf;
    for (const float l : logits)
        max_logit = std::max(max_logit, l);
    if (max_logit == kNegInf) return -1;
    // Unnormalized probabilities: the most likely token has p = 1, so min_p compares with p directly.
    const double inv_temperature = 1.0 / static_cast<double>(params_->temperature);
    candidates_.clear();
    for (size_t id = 0; id < logits.size(); ++id) {
        if (logits[id] == kNegInf) continue;
        const auto p =
            static_cast<float>(std::exp(static_cast<double>(logits[id] - max_logit) * inv_temperature));
        if (p <= 0.0f || p < params_->min_p) continue;
        candidates_.push_back(Candidate{p, static_cast<TokenId>(id)});
    }
    const auto better = [](const Candidate& a, const Candidate& b) { return more_likely(a, b); };
    const auto top_k = static_cast<size_t>(params_->top_k);
    if (top_k > 0 && top_k < candidates_.size()) {
        std::nth_element(candidates_.begin(), candidates_.begin() + static_cast<std::ptrdiff_t>(top_k),
                         candidates_.end(), better);
        candidates_.resize(top_k);
    }
    if (params_->top_p < 1.0f) {
        double total = 0.0;
        for (const Candidate& c : candidates_)
            total += c.p;
        const double target = static_cast<double>(params_->top_p) * total;
        // Sort only as much of the head as the nucleus needs, growing it when it falls short.
        for (size_t head = std::min<size_t>(candidates_.size(), 64);;
             head = std::min(candidates_.size(), head * 8)) {
            const auto head_end = candidates_.begin() + static_cast<std::ptrdiff_t>(head);
            if (head < candidates_.size())
                std::nth_element(candidates_.begin(), head_end, candidates_.end(), better);
            std::sort(candidates_.begin(), head_end, better);
            double cumulative = 0.0;
            size_t keep = head;
            for (size_t i = 0; i < head; ++i) {
                cumulative += candidates_[i].p;
                if (cumulative >= target) {
                    keep = i + 1;
                    break;
                }
            }
            if (keep < head || cumulative >= target || head == candidates_.size()) {
                candidates_.resize(keep);
                break;
            }
        }
    }
    double total = 0.0;
    for (const Candidate& c : candidates_)
        total += c.p;
    const double u = uniform() * total;
    double cumulative = 0.0;
    for (const Candidate& c : candidates_) {
        cumulative += c.p;
        if (u < cumulative) return c.token;
    }
    return candidates_.back().token;
}

SampledToken Sampler::sample(std::span<float> logits, std::span<const uint32_t> allowed) {
    process(logits, allowed);
    SampledToken result;
    if (is_greedy(*params_)) {
        result.token = argmax(logits, allowed);
    } else {
        result.token = draw(logits);
        if (result.token < 0) result.token = argmax(logits, allowed);
    }
    if (!params_->logprobs) return result;

    float max_logit = kNegInf;
    for (const float l : logits)
        max_logit = std::max(max_logit, l);
    double sum = 0.0;
    for (const float l : logits) {
        if (l != kNegInf) sum += std::exp(static_cast<double>(l - max_logit));
    }
    const double log_z = static_cast<double>(max_logit) + std::log(sum);
    result.logprob =
        static_cast<float>(static_cast<double>(logits[static_cast<size_t>(result.token)]) - log_z);

    // The top_logprobs most likely tokens, by a single scan keeping a small sorted list.
    struct Top {
        float p;
        TokenId token;
    };
    const auto n_top = static_cast<size_t>(params_->top_logprobs);
    std::vector<Top> top;
    top.reserve(n_top + 1);
    for (size_t id = 0; id < logits.size() && n_top > 0; ++id) {
        const Top t{logits[id], static_cast<TokenId>(id)};
        if (t.p == kNegInf || (top.size() == n_top && !more_likely(t, top.back()))) continue;
        top.insert(std::upper_bound(top.begin(), top.end(), t,
                                    [](const Top& a, const Top& b) { return more_likely(a, b); }),
                   t);
        if (top.size() > n_top) top.pop_back();
    }
    for (const Top& t : top) {
        result.top.push_back(TopLogprob{t.token, static_cast<float>(static_cast<double>(t.p) - log_z)});
    }
    return result;
}

}  // namespace vela
