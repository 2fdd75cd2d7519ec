#include "sampling/sampler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <vector>

namespace vela {
namespace {

std::vector<float> log_probs(const std::vector<double>& probs) {
    std::vector<float> logits;
    for (const double p : probs)
        logits.push_back(static_cast<float>(std::log(p)));
    return logits;
}

// Draws `n` tokens with fresh copies of `logits` and returns each token's frequency.
std::map<TokenId, double> frequencies(Sampler& sampler, const std::vector<float>& logits, int n) {
    std::map<TokenId, double> counts;
    for (int i = 0; i < n; ++i) {
        std::vector<float> row = logits;
        counts[sampler.sample(row, {}).token] += 1.0 / n;
    }
    return counts;
}

TEST(Sampler, GreedyTakesTheArgmaxAndTheLowerIdOnTies) {
    GenerationParams params{.temperature = 0.0f};
    Sampler sampler(params, {}, 1);
    std::vector<float> logits = {0.5f, 2.0f, -1.0f, 2.0f};
    EXPECT_EQ(sampler.sample(logits, {}).token, 1);
}

TEST(Sampler, LogitBiasAndTheMaskApplyBeforeChoosing) {
    GenerationParams params{.temperature = 0.0f, .logit_bias = {{2, 10.0f}}};
    Sampler sampler(params, {}, 1);
    std::vector<float> logits = {0.5f, 2.0f, -1.0f, 2.0f};
    EXPECT_EQ(sampler.sample(logits, {}).token, 2);
    std::vector<float> again = {0.5f, 2.0f, -1.0f, 2.0f};
    const std::vector<uint32_t> only_0_and_3 = {0b1001u};
    EXPECT_EQ(sampler.sample(again, only_0_and_3).token, 3);
}

TEST(Sampler, RepetitionPenaltyCoversPromptAndOutput) {
    GenerationParams params{.temperature = 0.0f, .repetition_penalty = 2.0f};
    const std::vector<TokenId> prompt = {0};
    Sampler sampler(params, prompt, 1);
    // Token 0 (in the prompt): 3.0 / 2 = 1.5 < 2.0, so token 1 wins.
    std::vector<float> logits = {3.0f, 2.0f, -0.5f};
    EXPECT_EQ(sampler.sample(logits, {}).token, 1);
    EXPECT_FLOAT_EQ(logits[0], 1.5f);
    sampler.accept(2);
    std::vector<float> negative = {-1.0f, -1.5f, -0.6f};
    sampler.sample(negative, {});
    EXPECT_FLOAT_EQ(negative[2], -1.2f);  // negative logits are multiplied
    EXPECT_FLOAT_EQ(negative[1], -1.5f);  // unseen tokens are untouched
}

TEST(Sampler, PresenceAndFrequencyPenaltiesCountGeneratedTokensOnly) {
    GenerationParams params{.temperature = 0.0f, .presence_penalty = 0.5f, .frequency_penalty = 0.25f};
    const std::vector<TokenId> prompt = {1};
    Sampler sampler(params, prompt, 1);
    sampler.accept(0);
    sampler.accept(0);
    sampler.accept(2);
    std::vector<float> logits = {1.0f, 1.0f, 1.0f};
    sampler.sample(logits, {});
    EXPECT_FLOAT_EQ(logits[0], 1.0f - 0.5f - 2 * 0.25f);
    EXPECT_FLOAT_EQ(logits[1], 1.0f);  // in the prompt only
    EXPECT_FLOAT_EQ(logits[2], 1.0f - 0.5f - 0.25f);
}

TEST(Sampler, SampledFrequenciesFollowTheDistribution) {
    GenerationParams params;  // temperature 1
    Sampler sampler(params, {}, 42);
    const auto f = frequencies(sampler, log_probs({0.5, 0.3, 0.2}), 20000);
    EXPECT_NEAR(f.at(0), 0.5, 0.02);
    EXPECT_NEAR(f.at(1), 0.3, 0.02);
    EXPECT_NEAR(f.at(2), 0.2, 0.02);
}

TEST(Sampler, TemperatureSharpensAndFlattens) {
    GenerationParams hot{.temperature = 2.0f};
    Sampler sampler(hot, {}, 7);
    const auto f = frequencies(sampler, log_probs({0.8, 0.2}), 20000);
    // p^(1/2) normalized: sqrt(.8)/(sqrt(.8)+sqrt(.2)) = 2/3.
    EXPECT_NEAR(f.at(0), 2.0 / 3.0, 0.02);
}

TEST(Sampler, TopKTopPAndMinPKeepTheRightTokens) {
    const auto logits = log_probs({0.1, 0.5, 0.25, 0.15});
    GenerationParams top_k{.top_k = 2};
    Sampler a(top_k, {}, 1);
    auto f = frequencies(a, logits, 6000);
    EXPECT_EQ(f.size(), 2u);
    EXPECT_NEAR(f[1], 0.5 / 0.75, 0.03);

    GenerationParams top_p{.top_p = 0.6f};  // 0.5 < 0.6 <= 0.75: tokens 1 and 2
    Sampler b(top_p, {}, 2);
    f = frequencies(b, logits, 6000);
    EXPECT_EQ(f.size(), 2u);
    EXPECT_TRUE(f.contains(1) && f.contains(2));

    GenerationParams tiny_p{.top_p = 0.5f};  // exactly the first token's mass
    Sampler c(tiny_p, {}, 3);
    f = frequencies(c, logits, 500);
    EXPECT_EQ(f.size(), 1u);

    GenerationParams min_p{.min_p = 0.35f};  // keeps p >= 0.175: tokens 1 and 2
    Sampler d(min_p, {}, 4);
    f = frequencies(d, logits, 6000);
    EXPECT_EQ(f.size(), 2u);
    EXPECT_NEAR(f[2], 0.25 / 0.75, 0.03);
}

TEST(Sampler, TopPOverALargeVocabularyFindsTheNucleus) {
    // 5000 tokens: 100 likely ones hold 90% of the mass.
    std::vector<double> probs(5000, 0.1 / 4900);
    for (int i = 0; i < 100; ++i)
        probs[static_cast<size_t>(i * 50)] = 0.9 / 100;
    GenerationParams params{.top_p = 0.85f};
    Sampler sampler(params, {}, 5);
    const auto f = frequencies(sampler, log_probs(probs), 500);
    for (const auto& [token, freq] : f)
        EXPECT_EQ(token % 50, 0) << token;
}

TEST(Sampler, SameSeedSameTokensDifferentSeedsDiffer) {
    GenerationParams params;
    const auto logits = log_probs({0.25, 0.25, 0.25, 0.25});
    const auto draw = [&](uint64_t seed) {
        Sampler sampler(params, {}, seed);
        std::vector<TokenId> out;
        for (int i = 0; i < 32; ++i) {
            std::vector<float> row = logits;
            out.push_back(sampler.sample(row, {}).token);
        }
        return out;
    };
    EXPECT_EQ(draw(11), draw(11));
    EXPECT_NE(draw(11), draw(12));
    EXPECT_NE(choice_seed(11, 1), choice_seed(11, 2));
    EXPECT_EQ(choice_seed(11, 0), 11u);
}

TEST(Sampler, LogprobsComeFromTheProcessedDistributionAndMatchTheSampledToken) {
    GenerationParams params{
        .temperature = 0.7f, .logit_bias = {{3, 1.0f}}, .logprobs = true, .top_logprobs = 3};
    Sampler sampler(params, {}, 9);
    const std::vector<float> raw = {1.0f, 3.0f, 2.0f, 0.5f, -1.0f};
    std::vector<float> logits = raw;
    const SampledToken s = sampler.sample(logits, {});
    // Independent log-softmax of the biased logits (temperature does not apply).
    std::vector<double> biased(raw.begin(), raw.end());
    biased[3] += 1.0;
    double z = 0.0;
    for (const double l : biased)
        z += std::exp(l);
    EXPECT_NEAR(s.logprob, biased[static_cast<size_t>(s.token)] - std::log(z), 1e-5);
    ASSERT_EQ(s.top.size(), 3u);
    EXPECT_EQ(s.top[0].token, 1);
    EXPECT_EQ(s.top[1].token, 2);
    EXPECT_EQ(s.top[2].token, 3);  // 0.5 + 1 bias = 1.5 > 1.0
    EXPECT_NEAR(s.top[0].logprob, 3.0 - std::log(z), 1e-5);
    for (const TopLogprob& t : s.top) {
        if (t.token == s.token) {
            EXPECT_FLOAT_EQ(t.logprob, s.logprob);
        }
    }
}

TEST(Sampler, MaskedTokensGetNoLogprobAndAreNeverSampled) {
    GenerationParams params{.logprobs = true, .top_logprobs = 5};
    Sampler sampler(params, {}, 3);
    for (int i = 0; i < 200; ++i) {
        std::vector<float> logits = {5.0f, 0.0f, 0.0f, 5.0f};
        const std::vector<uint32_t> allowed = {0b0110u};
        const SampledToken s = sampler.sample(logits, allowed);
        ASSERT_TRUE(s.token == 1 || s.token == 2);
        EXPECT_NEAR(s.logprob, std::log(0.5), 1e-5);
        EXPECT_EQ(s.top.size(), 2u);
    }
}

TEST(Sampler, ForkedSamplersKeepHistoryAndDrawIndependently) {
    GenerationParams params{.repetition_penalty = 1.5f};
    const std::vector<TokenId> prompt = {0};
    Sampler parent(params, prompt, 5);
    Sampler child = parent.fork(choice_seed(5, 1));
    std::vector<float> a = {1.0f, 1.0f};
    std::vector<float> b = {1.0f, 1.0f};
    child.sample(a, {});
    parent.sample(b, {});
    EXPECT_FLOAT_EQ(a[0], 1.0f / 1.5f);
    EXPECT_FLOAT_EQ(b[0], 1.0f / 1.5f);
}

}  // namespace
}  // namespace vela
