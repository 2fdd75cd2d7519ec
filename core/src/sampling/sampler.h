// Sampler: picks one sequence's next token from its logits, with the request's parameters and its own
// random generator, so the choice never depends on the batch it was computed in.
//
// Steps, in order (see vela/core/params.h): logit_bias; repetition penalty over prompt and output
// tokens (HF/vLLM: positive logits divided, negative multiplied); presence and frequency penalties over
// output tokens (OpenAI); the token mask of a constraint (-inf outside it); logprobs from this
// distribution; then greedy argmax, or temperature, min_p, top_k, top_p and one draw from the
// generator. Ties are broken by the lower token id everywhere, so results are fully deterministic for a
// given seed. A greedy step draws no random number; a sampled step draws exactly one.
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "vela/core/output.h"
#include "vela/core/params.h"

namespace vela {

/// The token a Sampler chose and, when asked for, its log-probabilities.
struct SampledToken {
    TokenId token = 0;
    float logprob = 0.0f;         // only filled when the request asked for logprobs
    std::vector<TopLogprob> top;  // only filled when the request asked for top_logprobs
};

/// The sampling state of one sequence.
class Sampler {
  public:
    /// A sampler for a sequence of `params` (which must outlive it) that starts from `prompt`, drawing
    /// from a generator seeded with `seed`.
    Sampler(const GenerationParams& params, std::span<const TokenId> prompt, uint64_t seed);

    /// A copy with the same history and a generator seeded with `seed` (an n > 1 fork).
    Sampler fork(uint64_t seed) const;
    /// Chooses the next token from `logits` (modified in place); `allowed` is a bit mask over the
    /// vocabulary (bit id % 32 of word id / 32), or empty for no mask.
    SampledToken sample(std::span<float> logits, std::span<const uint32_t> allowed);
    /// Records `token` as generated (for the penalties).
    void accept(TokenId token);

  private:
    struct Candidate {
        float p;
        TokenId token;
    };

    void process(std::span<float> logits, std::span<const uint32_t> allowed) const;
    TokenId draw(std::span<const float> logits);
    double uniform();

    const GenerationParams* params_;
    std::mt19937_64 rng_;
    std::unordered_set<TokenId> seen_;                // prompt and output tokens (repetition penalty)
    std::unordered_map<TokenId, int32_t> generated_;  // output token counts (presence/frequency)
    std::vector<Candidate> candidates_;               // scratch, reused between calls
};

/// The seed of choice `choice` of a request seeded with `seed` (choice 0 uses `seed` itself).
uint64_t choice_seed(uint64_t seed, int32_t choice);

/// True when `params` sample greedily (temperature below 1e-5).
bool is_greedy(const GenerationParams& params);

}  // namespace vela
