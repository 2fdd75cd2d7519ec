// Scheduler simulation: thousands of engine steps over a fake model with random arrivals, prompt and
// output lengths, shared prefixes, n > 1 forks and cancellations, under a KV cache small enough to force
// preemption. After every step it checks the block accounting invariants; at the end every greedy
// request's output must equal a naive reference that recomputes the fake model's logits from the full
// history (so preemption, recompute, prefix hits and copy-on-write must not change any result).
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <random>
#include <set>
#include <vector>

#include "engine/engine_core.h"
#include "engine/request_channel.h"
#include "unit/core/engine_test_support.h"
#include "util/thread_pool.h"

namespace vela {
namespace {

using testing::FakeRunner;
using testing::FakeRunnerOptions;

struct Tracked {
    std::vector<TokenId> prompt;
    GenerationParams params;
    std::shared_ptr<detail::RequestChannel> channel;
    std::vector<GenerationOutput> outputs;
    bool cancelled = false;
    bool done = false;
};

std::vector<TokenId> reference_greedy(const FakeRunner& runner, std::vector<TokenId> history,
                                      int32_t n_tokens) {
    std::vector<TokenId> out;
    std::vector<float> row(static_cast<size_t>(runner.shape().vocab_size));
    for (int32_t i = 0; i < n_tokens; ++i) {
        runner.fill_logits(history, row);
        const auto best = static_cast<TokenId>(std::max_element(row.begin(), row.end()) - row.begin());
        out.push_back(best);
        history.push_back(best);
    }
    return out;
}

class SchedulerSimulation : public ::testing::TestWithParam<int> {};

TEST_P(SchedulerSimulation, InvariantsHoldAfterEveryStepAndGreedyOutputsMatchTheReference) {
    const int seed = GetParam();
    std::mt19937 rng(static_cast<uint32_t>(seed));
    const auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };

    FakeRunnerOptions options;
    options.max_context = 160;
    FakeRunner runner(options);
    auto tokenizer = testing::load_byte_tokenizer();
    ASSERT_TRUE(tokenizer);
    ThreadPool pool(1);
    const int32_t block_size = 4;
    const int32_t n_blocks = 60;
    EngineCoreConfig config;
    config.scheduler = SchedulerConfig{6, 24, 8};
    config.cache = KvCacheShape{options.n_layers, 1, 2, block_size, n_blocks, DType::F32};
    config.max_sequence_length = options.max_context;
    config.eog_token_ids = {testing::kEndToken};
    EngineCore core(runner, *tokenizer, pool, config);

    std::vector<std::vector<TokenId>> prefixes;
    for (int p = 0; p < 3; ++p) {
        std::vector<TokenId> prefix;
        const int length = 8 + 13 * p;
        for (int i = 0; i < length; ++i)
            prefix.push_back(static_cast<TokenId>(uniform(0, 255)));
        prefixes.push_back(prefix);
    }

    std::map<uint64_t, Tracked> requests;
    uint64_t next_id = 1;
    const int n_steps = 3000;
    int64_t checked_hits = 0;
    std::set<uint64_t> open;  // requests whose channel is not done yet
    for (int step = 0; step < n_steps + 20000; ++step) {
        const bool arrivals_open = step < n_steps;
        // Arrivals: bursts now and then (about 0.3 requests a step, near the engine's capacity), so the
        // queue both fills up and drains.
        const int n_new = arrivals_open && uniform(0, 19) < 3 ? uniform(1, 3) : 0;
        for (int i = 0; i < n_new; ++i) {
            Tracked t;
            if (uniform(0, 3) > 0) t.prompt = prefixes[static_cast<size_t>(uniform(0, 2))];
            const int suffix = uniform(1, 30);
            for (int k = 0; k < suffix; ++k)
                t.prompt.push_back(static_cast<TokenId>(uniform(0, 255)));
            const int kind = uniform(0, 9);
            t.params.max_tokens = uniform(1, 40);
            t.params.temperature = kind < 7 ? 0.0f : 0.9f;  // greedy ones are checked against the reference
            t.params.n = kind % 4 == 0 ? uniform(2, 3) : 1;
            t.params.seed = static_cast<uint64_t>(step);
            if (kind == 9) t.params.stop = {"a", "xyz"};
            t.channel = std::make_shared<detail::RequestChannel>(next_id, t.params.n,
                                                                 std::weak_ptr<detail::EngineInbox>{});
            detail::NewRequest request{next_id,   t.prompt, t.params, static_cast<uint64_t>(step),
                                       t.channel, {}};
            requests.emplace(next_id, std::move(t));
            open.insert(next_id);
            core.add(std::move(request));
            ++next_id;
        }
        // Cancellations of random live requests.
        if (uniform(0, 49) == 0) {
            const std::vector<uint64_t> live(open.begin(), open.end());
            if (!live.empty()) {
                const uint64_t id = live[static_cast<size_t>(uniform(0, static_cast<int>(live.size()) - 1))];
                requests.at(id).cancelled = true;
                core.cancel(id);
            }
        }
        core.step();
        core.flush_events();
        for (auto it = open.begin(); it != open.end();) {
            Tracked& t = requests.at(*it);
            while (!t.channel->done()) {
                auto event = t.channel->pop_until(std::chrono::steady_clock::time_point{});
                if (!event) break;
                accumulate(t.outputs, *event);
            }
            t.done = t.channel->done();
            it = t.done ? open.erase(it) : std::next(it);
        }

        // Invariants after every step.
        const BlockPool& blocks = core.block_pool();
        const std::vector<const Sequence*> live = core.live_sequences();
        std::vector<int32_t> references(static_cast<size_t>(n_blocks), 0);
        for (const Sequence* seq : live) {
            ASSERT_FALSE(requests.at(seq->request_id).done) << "a finished request still has a live sequence";
            for (const int32_t b : seq->block_table)
                ++references[static_cast<size_t>(b)];
            ASSERT_LE(seq->n_tokens_cached, seq->n_prompt_tokens - 1)
                << "a prefix hit covers the whole prompt";
            ASSERT_EQ(std::max(seq->n_tokens_cached, 0) % block_size, 0);
            if (seq->status == SequenceStatus::Waiting) {
                ASSERT_TRUE(seq->block_table.empty()) << "a waiting sequence holds blocks";
            } else {
                ASSERT_EQ(seq->status, SequenceStatus::Running);
                ASSERT_GE(static_cast<int32_t>(seq->block_table.size()) * block_size, seq->n_tokens_computed);
                ASSERT_LT(seq->n_tokens_computed, seq->n_tokens());
            }
            checked_hits += seq->n_tokens_cached > 0 ? 1 : 0;
        }
        int32_t n_free = 0;
        int32_t n_used = 0;
        for (int32_t b = 0; b < n_blocks; ++b) {
            ASSERT_EQ(blocks.ref_count(b), references[static_cast<size_t>(b)])
                << "block " << b << " at step " << step;
            (blocks.ref_count(b) == 0 ? n_free : n_used) += 1;
        }
        ASSERT_EQ(n_free, blocks.n_free());
        ASSERT_EQ(n_free + n_used, n_blocks);
        const std::set<const Sequence*> live_set(live.begin(), live.end());
        ASSERT_EQ(core.scheduler().running().size() + core.scheduler().waiting().size(), live.size());
        for (const Sequence* seq : core.scheduler().running())
            ASSERT_TRUE(live_set.contains(seq));
        for (const Sequence* seq : core.scheduler().waiting())
            ASSERT_TRUE(live_set.contains(seq));
        ASSERT_EQ(runner.n_errors, 0) << "the fake model saw wrong K/V at step " << step;
        if (!arrivals_open && core.idle()) break;
    }
    ASSERT_TRUE(core.idle()) << "requests still running after the drain";
    EXPECT_EQ(core.block_pool().n_used(), 0);

    int32_t n_checked = 0;
    for (const auto& [id, t] : requests) {
        ASSERT_TRUE(t.done);
        ASSERT_EQ(t.outputs.size(), static_cast<size_t>(t.params.n));
        if (t.cancelled) continue;
        for (const GenerationOutput& out : t.outputs) {
            const auto limit = std::min<int32_t>(t.params.max_tokens,
                                                 options.max_context - static_cast<int32_t>(t.prompt.size()));
            if (t.params.temperature == 0.0f && t.params.stop.empty()) {
                EXPECT_EQ(out.token_ids, reference_greedy(runner, t.prompt, limit)) << "request " << id;
                EXPECT_EQ(out.finish_reason, FinishReason::length());
                ++n_checked;
            } else {
                EXPECT_LE(static_cast<int32_t>(out.token_ids.size()), limit);
            }
        }
    }
    const EngineCounters& counters = core.counters();
    std::printf(
        "seed %d: %zu requests, %d greedy outputs checked, %lld preemptions, %lld block copies, "
        "prefix hits %lld of %lld prompt tokens, %lld forward passes\n",
        seed, requests.size(), n_checked, static_cast<long long>(counters.preemptions),
        static_cast<long long>(counters.block_copies),
        static_cast<long long>(core.scheduler().prefix_counters().n_tokens_hit),
        static_cast<long long>(core.scheduler().prefix_counters().n_tokens_queried),
        static_cast<long long>(runner.n_forward_calls));
    EXPECT_GT(n_checked, 200);
    EXPECT_GT(counters.preemptions, 0) << "the simulation never preempted: make the cache smaller";
    EXPECT_GT(counters.block_copies, 0) << "no copy-on-write happened";
    EXPECT_GT(core.scheduler().prefix_counters().n_tokens_hit, 0);
    EXPECT_GT(counters.requests_cancelled, 0);
    EXPECT_GT(checked_hits, 0);
}

INSTANTIATE_TEST_SUITE_P(Seeds, SchedulerSimulation, ::testing::Values(1, 2, 3));

}  // namespace
}  // namespace vela
