// InferenceEngine end to end on a fake model: every result is compared with a naive reference that
// recomputes the fake model's logits from the full token history (no KV cache, no batching).
#include "vela/core/engine.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "unit/core/engine_test_support.h"

namespace vela {
namespace {

using testing::bytes_of;
using testing::fake_config;
using testing::FakeRunner;
using testing::FakeRunnerOptions;
using testing::kEndToken;
using testing::make_test_engine;
using testing::TestEngine;

// Greedy decoding of the fake model by recomputing logits from the whole history each step.
std::vector<TokenId> reference_greedy(const FakeRunner& runner, std::vector<TokenId> history,
                                      int32_t n_tokens, bool stop_at_end = true) {
    std::vector<TokenId> out;
    std::vector<float> row(static_cast<size_t>(runner.shape().vocab_size));
    for (int32_t i = 0; i < n_tokens; ++i) {
        runner.fill_logits(history, row);
        const auto best = static_cast<TokenId>(std::max_element(row.begin(), row.end()) - row.begin());
        out.push_back(best);
        history.push_back(best);
        if (stop_at_end && best == kEndToken) break;
    }
    return out;
}

// The natural-log softmax of the fake model's logits after `history`.
std::vector<double> reference_logprobs(const FakeRunner& runner, std::span<const TokenId> history) {
    std::vector<float> row(static_cast<size_t>(runner.shape().vocab_size));
    runner.fill_logits(history, row);
    double max = -std::numeric_limits<double>::infinity();
    for (const float l : row)
        max = std::max(max, static_cast<double>(l));
    double sum = 0.0;
    for (const float l : row)
        sum += std::exp(static_cast<double>(l) - max);
    std::vector<double> out;
    for (const float l : row)
        out.push_back(static_cast<double>(l) - max - std::log(sum));
    return out;
}

std::vector<TokenId> prompt_of(int32_t n, int32_t salt) {
    std::vector<TokenId> p;
    for (int32_t i = 0; i < n; ++i)
        p.push_back(static_cast<TokenId>((i * 37 + salt * 101 + 11) % 250));
    return p;
}

std::vector<TokenId> concat(std::vector<TokenId> a, std::span<const TokenId> b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

GenerationParams greedy(int32_t max_tokens) {
    return GenerationParams{.max_tokens = max_tokens, .temperature = 0.0f};
}

// Waits (without a time limit on correctness, only against hangs) until `done` holds.
template <class F>
bool eventually(F done) {
    for (int i = 0; i < 2000; ++i) {
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
}

TEST(InferenceEngine, TokenizeDetokenizeRoundTrip) {
    TestEngine t = make_test_engine(fake_config(64));
    ASSERT_TRUE(t.engine) << t.error;
    const std::string text = "h\xC3\xA9llo <|sep|> w\xF0\x9F\x99\x82rld";
    const auto ids = t.engine->tokenize(text, false);
    EXPECT_EQ(t.engine->detokenize(ids), text);
    EXPECT_EQ(std::count(ids.begin(), ids.end(), testing::kSepToken), 1);
    EXPECT_EQ(t.engine->detokenize(ids, true), "h\xC3\xA9llo  w\xF0\x9F\x99\x82rld");
}

TEST(InferenceEngine, GreedyMatchesTheUnbatchedReferenceAndMaxTokensIsExact) {
    TestEngine t = make_test_engine(fake_config(64));
    ASSERT_TRUE(t.engine) << t.error;
    const auto prompt = prompt_of(37, 1);
    for (const int32_t max_tokens : {1, 2, 17}) {
        auto out = t.engine->generate(prompt, greedy(max_tokens));
        ASSERT_TRUE(out.ok()) << out.error().message();
        EXPECT_EQ(out->token_ids, reference_greedy(*t.runner, prompt, max_tokens));
        EXPECT_EQ(out->finish_reason, FinishReason::length());
        EXPECT_EQ(out->stats.generated_tokens, max_tokens);
        EXPECT_EQ(out->stats.prompt_tokens, 37);
        EXPECT_EQ(out->text, t.engine->detokenize(out->token_ids, true));
    }
    EXPECT_EQ(t.runner->n_errors, 0);
}

TEST(InferenceEngine, ConcurrentRequestsEqualSequentialOnesEvenWithPreemption) {
    const auto run = [](int32_t n_blocks, bool concurrent, int64_t* preemptions) {
        EngineConfig config = fake_config(n_blocks);
        config.max_num_batched_tokens = 64;
        TestEngine t = make_test_engine(config);
        EXPECT_TRUE(t.engine) << t.error;
        std::vector<std::vector<TokenId>> outputs(16);
        if (concurrent) {
            std::vector<RequestHandle> handles;
            for (int32_t i = 0; i < 16; ++i) {
                handles.push_back(*t.engine->submit(prompt_of(5 + 9 * i, i), greedy(24 + i)));
            }
            for (int32_t i = 0; i < 16; ++i)
                outputs[static_cast<size_t>(i)] = handles[static_cast<size_t>(i)].collect()[0].token_ids;
        } else {
            for (int32_t i = 0; i < 16; ++i) {
                outputs[static_cast<size_t>(i)] =
                    t.engine->generate(prompt_of(5 + 9 * i, i), greedy(24 + i))->token_ids;
            }
        }
        EXPECT_EQ(t.runner->n_errors, 0);
        if (preemptions) *preemptions = t.engine->stats().preemptions;
        return outputs;
    };
    const auto one_at_a_time = run(256, false, nullptr);
    EXPECT_EQ(run(256, true, nullptr), one_at_a_time);
    int64_t preemptions = 0;
    // 24 blocks of 16 = 384 slots for 16 sequences of up to 180 tokens: preemption is certain once
    // enough of them run at once, and recomputation must not change any output.
    EXPECT_EQ(run(24, true, &preemptions), one_at_a_time);
    TestEngine ref = make_test_engine(fake_config(64));
    for (int32_t i = 0; i < 16; ++i) {
        EXPECT_EQ(one_at_a_time[static_cast<size_t>(i)],
                  reference_greedy(*ref.runner, prompt_of(5 + 9 * i, i), 24 + i));
    }
    std::printf("preemptions with a 24-block cache: %lld\n", static_cast<long long>(preemptions));
}

TEST(InferenceEngine, ManyThreadsGenerateAtOnce) {
    TestEngine t = make_test_engine(fake_config(128));
    ASSERT_TRUE(t.engine) << t.error;
    std::vector<std::vector<TokenId>> outputs(8);
    std::vector<std::thread> threads;
    for (int32_t i = 0; i < 8; ++i) {
        threads.emplace_back([&, i] {
            outputs[static_cast<size_t>(i)] = t.engine->generate(prompt_of(20 + i, i), greedy(12))->token_ids;
        });
    }
    for (std::thread& thread : threads)
        thread.join();
    for (int32_t i = 0; i < 8; ++i) {
        EXPECT_EQ(outputs[static_cast<size_t>(i)], reference_greedy(*t.runner, prompt_of(20 + i, i), 12));
    }
}

TEST(InferenceEngine, SeedsGiveTheSameTokensAloneOrBatchedAndDifferentSeedsDiffer) {
    TestEngine t = make_test_engine(fake_config(128));
    ASSERT_TRUE(t.engine) << t.error;
    const auto prompt = prompt_of(30, 7);
    GenerationParams params{.max_tokens = 40, .temperature = 1.0f, .seed = 1234};
    const auto alone = t.engine->generate(prompt, params)->token_ids;
    std::vector<RequestHandle> others;
    for (int32_t i = 0; i < 6; ++i) {
        others.push_back(*t.engine->submit(prompt_of(10 + i, i), {.max_tokens = 30, .temperature = 0.8f}));
    }
    const auto batched = t.engine->generate(prompt, params)->token_ids;
    EXPECT_EQ(alone, batched);
    params.seed = 1235;
    EXPECT_NE(t.engine->generate(prompt, params)->token_ids, alone);
    GenerationParams unseeded{.max_tokens = 40, .temperature = 1.0f};
    EXPECT_NE(t.engine->generate(prompt, unseeded)->token_ids,
              t.engine->generate(prompt, unseeded)->token_ids);
}

// A fake model that writes `text` one byte per token after the prompt, then repeats it.
FakeRunnerOptions scripted(std::string text, int32_t prompt_length) {
    FakeRunnerOptions options;
    options.script = [text = std::move(text), prompt_length](std::span<const TokenId> history) -> TokenId {
        const auto i = static_cast<size_t>(static_cast<int32_t>(history.size()) - prompt_length);
        return static_cast<unsigned char>(text[i % text.size()]);
    };
    return options;
}

TEST(InferenceEngine, StopStringsSpanTokensAreTrimmedAndHeldBackWhileStreaming) {
    const auto prompt = bytes_of("Say:");
    TestEngine t = make_test_engine(fake_config(64), scripted("Hello wor#ld ###END", 4));
    ASSERT_TRUE(t.engine) << t.error;
    GenerationParams params = greedy(64);
    params.stop = {"###", "zzz"};
    auto handle = t.engine->submit(prompt, params);
    ASSERT_TRUE(handle.ok());
    std::string streamed;
    std::vector<TokenId> ids;
    std::optional<FinishReason> finish;
    for (const GenerationEvent& event : *handle) {
        EXPECT_EQ(event.text.find("##"), std::string::npos) << "a partial stop string was released";
        streamed += event.text;
        ids.insert(ids.end(), event.token_ids.begin(), event.token_ids.end());
        if (event.finish_reason) finish = event.finish_reason;
    }
    EXPECT_EQ(streamed, "Hello wor#ld ");
    ASSERT_TRUE(finish.has_value());
    EXPECT_EQ(*finish, FinishReason::stop_sequence("###"));
    EXPECT_EQ(ids, bytes_of("Hello wor#ld ###"));  // ids run through the token that completed the match
}

TEST(InferenceEngine, EndOfGenerationStopTokenIdsAndIgnoreEos) {
    FakeRunnerOptions options;
    options.suppressed = {};
    options.script = [](std::span<const TokenId> history) -> TokenId {
        return history.size() == 12 ? kEndToken : static_cast<TokenId>('a' + history.size() % 5);
    };
    TestEngine t = make_test_engine(fake_config(64), options);
    ASSERT_TRUE(t.engine) << t.error;
    const auto prompt = bytes_of("prompt");  // 6 tokens; the end token comes as the 7th generated one
    auto out = t.engine->generate(prompt, greedy(50));
    EXPECT_EQ(out->finish_reason, FinishReason::stop());
    ASSERT_EQ(out->token_ids.size(), 7u);
    EXPECT_EQ(out->token_ids.back(), kEndToken);
    EXPECT_EQ(out->stats.generated_tokens, 7);
    EXPECT_EQ(out->text, "bcdeab");

    GenerationParams ignore = greedy(20);
    ignore.ignore_eos = true;
    out = t.engine->generate(prompt, ignore);
    EXPECT_EQ(out->finish_reason, FinishReason::length());
    EXPECT_EQ(out->token_ids.size(), 20u);
    EXPECT_EQ(out->token_ids, reference_greedy(*t.runner, prompt, 20, false));

    GenerationParams stop_ids = greedy(20);
    stop_ids.stop_token_ids = {'d'};
    out = t.engine->generate(prompt, stop_ids);
    EXPECT_EQ(out->finish_reason, FinishReason::stop());
    EXPECT_EQ(out->token_ids, bytes_of("bcd"));
    EXPECT_EQ(out->text, "bc");
}

TEST(InferenceEngine, ChoicesShareThePromptAndEachFollowsTheModel) {
    TestEngine t = make_test_engine(fake_config(64));
    ASSERT_TRUE(t.engine) << t.error;
    const auto prompt = prompt_of(21, 3);  // the last prompt block is half full: choices copy it on write
    GenerationParams params = greedy(15);
    params.n = 3;
    auto outputs = t.engine->generate_n(prompt, params);
    ASSERT_TRUE(outputs.ok());
    ASSERT_EQ(outputs->size(), 3u);
    const auto expected = reference_greedy(*t.runner, prompt, 15);
    for (size_t i = 0; i < 3; ++i) {
        EXPECT_EQ((*outputs)[i].choice, static_cast<int32_t>(i));
        EXPECT_EQ((*outputs)[i].token_ids, expected);
    }
    // Sampled choices differ from each other, and each token's logprob is the model's.
    GenerationParams sampled{.max_tokens = 12, .temperature = 1.0f, .seed = 99, .n = 4, .logprobs = true};
    outputs = t.engine->generate_n(prompt, sampled);
    ASSERT_TRUE(outputs.ok());
    std::set<std::vector<TokenId>> distinct;
    for (const GenerationOutput& out : *outputs) {
        distinct.insert(out.token_ids);
        std::vector<TokenId> history = prompt;
        ASSERT_EQ(out.logprobs.size(), out.token_ids.size());
        for (size_t i = 0; i < out.token_ids.size(); ++i) {
            const auto expected_lp = reference_logprobs(*t.runner, history);
            EXPECT_NEAR(out.logprobs[i].logprob, expected_lp[static_cast<size_t>(out.token_ids[i])], 1e-4);
            history.push_back(out.token_ids[i]);
        }
    }
    EXPECT_EQ(distinct.size(), 4u);
    EXPECT_EQ(t.runner->n_errors, 0);
    EXPECT_EQ(t.engine->generate_n(prompt, sampled)->at(2).token_ids, (*outputs)[2].token_ids);
}

TEST(InferenceEngine, LogprobsAreConsistentWithTheSampledToken) {
    TestEngine t = make_test_engine(fake_config(64));
    ASSERT_TRUE(t.engine) << t.error;
    const auto prompt = prompt_of(9, 4);
    GenerationParams params{.max_tokens = 10, .temperature = 0.0f, .logprobs = true, .top_logprobs = 5};
    auto out = t.engine->generate(prompt, params);
    ASSERT_EQ(out->logprobs.size(), 10u);
    std::vector<TokenId> history = prompt;
    for (size_t i = 0; i < 10; ++i) {
        const TokenLogprob& lp = out->logprobs[i];
        EXPECT_EQ(lp.token, out->token_ids[i]);
        ASSERT_EQ(lp.top.size(), 5u);
        EXPECT_EQ(lp.top[0].token, lp.token);  // greedy takes the most likely token
        EXPECT_FLOAT_EQ(lp.top[0].logprob, lp.logprob);
        const auto expected = reference_logprobs(*t.runner, history);
        for (const TopLogprob& top : lp.top)
            EXPECT_NEAR(top.logprob, expected[static_cast<size_t>(top.token)], 1e-4);
        for (size_t k = 1; k < 5; ++k)
            EXPECT_LE(lp.top[k].logprob, lp.top[k - 1].logprob);
        history.push_back(out->token_ids[i]);
    }
}

TEST(InferenceEngine, DroppingAHandleCancelsAndFreesEveryBlock) {
    FakeRunnerOptions options;
    options.gate = std::make_shared<testing::FakeGate>(3);  // the third step waits for the test
    TestEngine t = make_test_engine(fake_config(128), options);
    ASSERT_TRUE(t.engine) << t.error;
    {
        auto handle = t.engine->submit(prompt_of(100, 1), greedy(1500));
        ASSERT_TRUE(handle.ok());
        for (int i = 0; i < 2; ++i)
            ASSERT_TRUE(handle->next().has_value());
        EXPECT_EQ(t.engine->stats().kv_blocks_used, 7);  // 101 tokens
    }  // dropped here: the cancel is in the inbox before the engine takes its next step
    options.gate->release();
    EXPECT_TRUE(eventually([&] { return t.engine->stats().requests_cancelled == 1; }));
    const EngineStats stats = t.engine->stats();
    EXPECT_EQ(stats.kv_blocks_used, 0);
    EXPECT_EQ(stats.n_running + stats.n_waiting, 0);
    EXPECT_LE(stats.generated_tokens, 3);  // at most the step that was already running
}

TEST(InferenceEngine, CancelEndsTheStreamWithCancelled) {
    FakeRunnerOptions options;
    options.gate = std::make_shared<testing::FakeGate>(2);
    TestEngine t = make_test_engine(fake_config(128), options);
    ASSERT_TRUE(t.engine) << t.error;
    auto handle = t.engine->submit(prompt_of(50, 2), greedy(1500));
    ASSERT_TRUE(handle->next().has_value());
    handle->cancel();
    options.gate->release();
    std::vector<GenerationEvent> events;
    while (auto event = handle->next())
        events.push_back(std::move(*event));
    // Maybe the step that was about to run, then the cancellation.
    ASSERT_GE(events.size(), 1u);
    ASSERT_LE(events.size(), 2u);
    EXPECT_EQ(events.back().finish_reason, FinishReason::cancelled());
    EXPECT_EQ(events.back().stats->generated_tokens, static_cast<int32_t>(events.size()));
    EXPECT_TRUE(handle->finished());
    EXPECT_TRUE(eventually([&] { return t.engine->stats().kv_blocks_used == 0; }));
}

TEST(InferenceEngine, ASharedPrefixIsServedFromTheCache) {
    TestEngine t = make_test_engine(fake_config(256));
    ASSERT_TRUE(t.engine) << t.error;
    const auto prefix = prompt_of(512, 9);
    const auto first = concat(prefix, bytes_of(" first question"));
    const auto second = concat(prefix, bytes_of(" another one"));
    auto a = t.engine->generate(first, greedy(8));
    EXPECT_EQ(a->stats.cached_tokens, 0);
    auto b = t.engine->generate(second, greedy(8));
    EXPECT_GE(b->stats.cached_tokens, 496);
    EXPECT_EQ(b->token_ids, reference_greedy(*t.runner, second, 8));
    auto again =
        t.engine->generate(prefix, greedy(8));  // the whole prompt cached: the last block is recomputed
    EXPECT_EQ(again->stats.cached_tokens, 496);
    EXPECT_EQ(again->token_ids, reference_greedy(*t.runner, prefix, 8));
    EXPECT_GT(t.engine->stats().prefix_cache_hit_rate, 0.5);
    EXPECT_EQ(t.runner->n_errors, 0);
}

TEST(InferenceEngine, PromptsThatCanNeverFitAreRejectedAtSubmit) {
    FakeRunnerOptions options;
    options.max_context = 300;
    TestEngine t = make_test_engine(fake_config(64), options);
    ASSERT_TRUE(t.engine) << t.error;
    auto too_long = t.engine->submit(prompt_of(300, 1), greedy(4));
    ASSERT_FALSE(too_long.ok());
    EXPECT_EQ(too_long.error().code(), Errc::InvalidArgument);
    EXPECT_NE(too_long.error().message().find("the prompt has 300 tokens, but the model context allows 300"),
              std::string::npos);
    // Up to the context, generation stops with Length when the sequence fills it.
    auto fits = t.engine->generate(prompt_of(295, 1), greedy(50));
    ASSERT_TRUE(fits.ok());
    EXPECT_EQ(fits->finish_reason, FinishReason::length());
    EXPECT_EQ(fits->token_ids.size(), 5u);

    TestEngine small = make_test_engine(fake_config(8));  // 128 slots
    auto over_cache = small.engine->submit(prompt_of(200, 1), greedy(4));
    ASSERT_FALSE(over_cache.ok());
    EXPECT_NE(over_cache.error().message().find("KV cache (8 blocks of 16) holds 128 tokens"),
              std::string::npos);
    EXPECT_NE(over_cache.error().message().find("raise kv_cache_bytes"), std::string::npos);

    EXPECT_FALSE(t.engine->submit({}, greedy(4)).ok());
    const std::vector<TokenId> bad = {1, 2, 9999};
    EXPECT_NE(t.engine->submit(bad, greedy(4)).error().message().find("id 9999"), std::string::npos);
    EXPECT_NE(t.engine->submit(bytes_of("ok"), {.temperature = -1.0f}).error().message().find("temperature"),
              std::string::npos);
    GenerationParams many = greedy(4);
    many.n = 17;
    EXPECT_NE(t.engine->submit(bytes_of("ok"), many).error().message().find("max_num_seqs"),
              std::string::npos);
    EXPECT_FALSE(t.engine->generate(bytes_of("ok"), {.n = 2}).ok());
}

// Allows the bytes of `allowed`, then (after `length` tokens) nothing, ending or failing.
class CharsetConstraint : public TokenConstraint {
  public:
    CharsetConstraint(std::string allowed, int32_t length, bool can_end_at_length)
        : allowed_(std::move(allowed)), length_(length), can_end_at_length_(can_end_at_length) {}
    void fill_allowed(std::span<uint32_t> mask) override {
        if (n_accepted_ >= length_) return;
        for (const char c : allowed_) {
            const auto id = static_cast<unsigned char>(c);
            mask[id / 32] |= 1u << (id % 32);
        }
    }
    bool accept(TokenId token) override {
        if (n_accepted_ >= length_ || allowed_.find(static_cast<char>(token)) == std::string::npos)
            return false;
        ++n_accepted_;
        return true;
    }
    bool can_end() const override { return n_accepted_ >= length_ && can_end_at_length_; }
    std::string describe() const override { return "charset '" + allowed_ + "'"; }

  private:
    std::string allowed_;
    int32_t length_;
    bool can_end_at_length_;
    int32_t n_accepted_ = 0;
};

TEST(InferenceEngine, TokenConstraintsRestrictEndAndFail) {
    FakeRunnerOptions options;
    options.suppressed = {};
    TestEngine t = make_test_engine(fake_config(64), options);
    ASSERT_TRUE(t.engine) << t.error;
    GenerationParams params{.max_tokens = 40, .temperature = 1.0f, .seed = 5, .n = 2};
    params.constraint = [] { return std::make_unique<CharsetConstraint>("0123456789", 6, true); };
    auto outputs = t.engine->generate_n(bytes_of("number:"), params);
    ASSERT_TRUE(outputs.ok());
    for (const GenerationOutput& out : *outputs) {
        EXPECT_EQ(out.finish_reason, FinishReason::stop());
        ASSERT_GE(out.token_ids.size(), 6u);
        ASSERT_LE(out.token_ids.size(), 7u);  // six digits, then maybe the end token
        for (size_t i = 0; i < 6; ++i)
            EXPECT_TRUE(std::isdigit(out.token_ids[i])) << out.token_ids[i];
        if (out.token_ids.size() == 7) {
            EXPECT_EQ(out.token_ids[6], kEndToken);
        }
        EXPECT_EQ(out.text.size(), 6u);
    }

    GenerationParams stuck = greedy(40);
    stuck.constraint = [] { return std::make_unique<CharsetConstraint>("ab", 3, false); };
    auto failed = t.engine->generate(bytes_of("x"), stuck);
    ASSERT_TRUE(failed.ok());
    EXPECT_EQ(failed->finish_reason.kind, FinishReason::Kind::Error);
    EXPECT_NE(failed->finish_reason.detail.find("charset 'ab' allows no token after 3 generated tokens"),
              std::string::npos);
    EXPECT_EQ(failed->token_ids.size(), 3u);
    // The engine keeps serving after a failed request.
    EXPECT_EQ(t.engine->generate(bytes_of("x"), greedy(3))->token_ids.size(), 3u);
    EXPECT_EQ(t.engine->stats().requests_failed, 1);
}

TEST(InferenceEngine, CallbackStreamingCanStopEarly) {
    TestEngine t = make_test_engine(fake_config(64));
    ASSERT_TRUE(t.engine) << t.error;
    std::vector<TokenId> seen;
    auto outputs =
        t.engine->generate_stream(prompt_of(10, 1), greedy(500), [&](const GenerationEvent& event) {
            seen.insert(seen.end(), event.token_ids.begin(), event.token_ids.end());
            return seen.size() < 3;
        });
    ASSERT_TRUE(outputs.ok());
    ASSERT_EQ(outputs->size(), 1u);
    EXPECT_EQ((*outputs)[0].finish_reason, FinishReason::cancelled());
    EXPECT_EQ((*outputs)[0].token_ids, seen);
    EXPECT_EQ(seen, reference_greedy(*t.runner, prompt_of(10, 1), 3));
    EXPECT_TRUE(eventually([&] { return t.engine->stats().kv_blocks_used == 0; }));

    std::vector<int32_t> choices;
    outputs = t.engine->generate_stream(prompt_of(10, 1), {.max_tokens = 4, .temperature = 0.0f, .n = 2},
                                        [&](const GenerationEvent& event) {
                                            choices.push_back(event.choice);
                                            return true;
                                        });
    ASSERT_EQ(outputs->size(), 2u);
    EXPECT_EQ((*outputs)[1].token_ids, reference_greedy(*t.runner, prompt_of(10, 1), 4));
    EXPECT_EQ(choices.size(), 8u);
}

TEST(InferenceEngine, ShutdownCancelsRequestsStillRunning) {
    FakeRunnerOptions options;
    options.gate = std::make_shared<testing::FakeGate>(3);
    EngineConfig config = fake_config(64);
    // The engine logs its shutdown after closing its inbox; only then may the held step finish.
    config.log = [gate = options.gate](LogLevel, std::string_view message) {
        if (message.starts_with("shutting down")) gate->release();
    };
    TestEngine t = make_test_engine(config, options);
    ASSERT_TRUE(t.engine) << t.error;
    auto handle = t.engine->submit(prompt_of(10, 1), greedy(3000));
    ASSERT_TRUE(handle.ok());
    ASSERT_TRUE(handle->next().has_value());
    t.engine.reset();
    std::optional<FinishReason> finish;
    while (const auto event = handle->next()) {
        if (event->finish_reason) finish = event->finish_reason;
    }
    EXPECT_EQ(finish, FinishReason::cancelled());
    handle->cancel();  // harmless after the engine is gone
}

TEST(InferenceEngine, ModelInfoAndStatsDescribeTheEngine) {
    EngineConfig config = fake_config(40);
    config.max_num_seqs = 4;
    config.max_num_batched_tokens = 32;
    TestEngine t = make_test_engine(config);
    ASSERT_TRUE(t.engine) << t.error;
    const ModelInfo& info = t.engine->model_info();
    EXPECT_EQ(info.n_kv_blocks, 40);
    EXPECT_EQ(info.block_size, 16);
    EXPECT_EQ(info.max_sequence_length, 640);
    EXPECT_EQ(info.context_length, 4096);
    EXPECT_EQ(info.vocab_size, testing::kTestVocabSize);
    EXPECT_EQ(info.eog_token_ids, std::vector<TokenId>{kEndToken});
    ASSERT_TRUE(t.engine->generate(prompt_of(30, 1), greedy(5)).ok());
    const EngineStats stats = t.engine->stats();  // published before the request's last event
    EXPECT_EQ(stats.requests_finished, 1);
    EXPECT_EQ(stats.prompt_tokens, 30);
    EXPECT_EQ(stats.generated_tokens, 5);
    EXPECT_EQ(stats.kv_blocks_total, 40);
    EXPECT_EQ(stats.kv_blocks_used, 0);
    EXPECT_EQ(stats.kv_blocks_cached, 2);  // 34 computed tokens fill two blocks
    EXPECT_EQ(stats.n_running + stats.n_waiting, 0);
}

}  // namespace
}  // namespace vela
