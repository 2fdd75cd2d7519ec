// paged_attention on every SIMD backend against the reference: several sequences in one batch (a
// decode step deep in its context, a prefill chunk after a cached prefix, a fresh prompt, a first
// token), block tables scattered over the cache, GQA ratios 1, 2 and 7, head sizes with SIMD tails,
// sliding windows, F16 and F32 caches.
//
// Tolerance: 1e-4 * max|V|. The output is a convex combination of V rows, so an error e in the
// softmax weights moves it by at most e * max|V|. The SIMD scores are f32 dot products (relative
// error <= head_dim * 2^-24 of sum|q k| * scale, about 1e-5 here) and the 8-lane exp is within a few
// ulp, so each weight is within ~3e-5 relative; the weighted sum adds n_context * 2^-24 (< 2e-5 for
// the ~100 positions used). A wrong position, block or head changes the output by O(max|V|).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <vector>

#include "cache/kv_cache.h"
#include "kernel_test_support.h"
#include "util/thread_pool.h"

namespace vela::kernels {
namespace {

using testing::random_floats;

struct SeqSpec {
    int32_t first_pos;  // position of the slice's first token
    int32_t n_tokens;   // tokens in this step
};

// A batch of sequences with random block tables, and a cache filled with random K/V at every slot
// those tables use.
struct Scenario {
    KvCache cache;
    std::vector<std::vector<int32_t>> block_tables;
    std::vector<int32_t> tokens, positions, slots;
    ForwardBatch batch;
    float max_abs_v = 0.0f;

    Scenario(const std::vector<SeqSpec>& specs, int32_t n_kv_heads, int32_t head_dim, int32_t block_size,
             DType dtype, uint32_t seed)
        : cache(KvCacheShape{1, n_kv_heads, head_dim, block_size, 96, dtype}) {
        std::mt19937 rng(seed);
        std::vector<int32_t> free_blocks(96);
        std::iota(free_blocks.begin(), free_blocks.end(), 0);
        std::shuffle(free_blocks.begin(), free_blocks.end(), rng);
        size_t next_block = 0;
        const int64_t row = int64_t{n_kv_heads} * head_dim;
        for (const SeqSpec& spec : specs) {
            const int32_t n_context = spec.first_pos + spec.n_tokens;
            std::vector<int32_t> table;
            for (int32_t b = 0; b * block_size < n_context; ++b)
                table.push_back(free_blocks.at(next_block++));
            // Every cached position (earlier steps and this one) gets K/V.
            std::vector<int32_t> all_slots;
            for (int32_t p = 0; p < n_context; ++p)
                all_slots.push_back(table[p / block_size] * block_size + p % block_size);
            const std::vector<float> k = random_floats(n_context * row, static_cast<uint32_t>(rng()));
            const std::vector<float> v = random_floats(n_context * row, static_cast<uint32_t>(rng()), 2.0f);
            for (float x : v)
                max_abs_v = std::max(max_abs_v, std::fabs(x));
            testing::table(Backend::Reference).store_kv(k.data(), v.data(), all_slots, cache.layer(0));
            block_tables.push_back(std::move(table));
            for (int32_t t = 0; t < spec.n_tokens; ++t) {
                const int32_t p = spec.first_pos + t;
                tokens.push_back(1);
                positions.push_back(p);
                slots.push_back(all_slots[static_cast<size_t>(p)]);
            }
        }
        batch.tokens = tokens;
        batch.positions = positions;
        batch.slot_mapping = slots;
        int32_t begin = 0;
        for (size_t s = 0; s < specs.size(); ++s) {
            batch.seqs.push_back(SequenceSlice{
                begin, specs[s].n_tokens, specs[s].first_pos + specs[s].n_tokens, block_tables[s], true});
            begin += specs[s].n_tokens;
        }
    }
};

void check(Backend backend, const std::vector<SeqSpec>& specs, int32_t n_heads, int32_t n_kv_heads,
           int32_t head_dim, int32_t block_size, int32_t window, DType dtype, ThreadPool& pool) {
    SCOPED_TRACE(testing::backend_name(backend) + " heads=" + std::to_string(n_heads) + "/" +
                 std::to_string(n_kv_heads) + " head_dim=" + std::to_string(head_dim) +
                 " block=" + std::to_string(block_size) + " window=" + std::to_string(window) + " " +
                 std::string(to_string(dtype)));
    Scenario s(specs, n_kv_heads, head_dim, block_size, dtype,
               static_cast<uint32_t>(head_dim * 31 + n_heads + window));
    const int64_t n_tokens = static_cast<int64_t>(s.tokens.size());
    const std::vector<float> q = random_floats(n_tokens * n_heads * head_dim, 77);
    const AttentionParams params{
        n_heads, n_kv_heads, head_dim, block_size, 1.0f / std::sqrt(static_cast<float>(head_dim)), window};
    std::vector<float> got(q.size(), NAN);
    std::vector<float> want(q.size(), NAN);
    const KvLayerView layer = s.cache.layer(0);
    testing::table(backend).paged_attention(pool, q.data(), s.batch, layer, params, got.data());
    testing::table(Backend::Reference).paged_attention(pool, q.data(), s.batch, layer, params, want.data());
    // F32 caches: both sides are exact softmax attention in f32 vs double, 1e-4 of the largest V value.
    // F16 caches: both round each probability to F16, but from f32 (SIMD) vs double (reference), so a
    // probability on a rounding boundary may land one F16 ulp (2^-11 relative) apart; summed over the
    // positions that moves the output by at most 2^-11 * max|v|. Allow two such ulps.
    const float tolerance = dtype == DType::F16 ? 0x1p-10f * s.max_abs_v : 1e-4f * s.max_abs_v;
    int failures = 0;
    for (size_t i = 0; i < q.size() && failures < 5; ++i) {
        if (!(std::fabs(got[i] - want[i]) <= tolerance)) {
            ADD_FAILURE() << "element " << i << " (token " << i / (n_heads * head_dim) << "): got " << got[i]
                          << ", reference " << want[i] << ", tolerance " << tolerance;
            ++failures;
        }
    }
}

const std::vector<SeqSpec> kMixedBatch = {
    {37, 1},  // decode step deep in the context
    {10, 5},  // prefill chunk after a cached prefix
    {0, 1},   // first token of a prompt
    {0, 17},  // a whole prompt
    {90, 3},  // long context, several tokens
};

TEST(PagedAttention, SimdBackendsMatchReference) {
    const std::vector<Backend> backends = testing::simd_backends();
    if (backends.empty()) GTEST_SKIP() << "no SIMD backend runs on this CPU";
    ThreadPool pool(2);
    struct Heads {
        int32_t n_heads, n_kv_heads;
    };
    for (Backend backend : backends) {
        for (DType dtype : {DType::F16, DType::F32}) {
            for (Heads h : {Heads{4, 4}, Heads{4, 2}, Heads{14, 2}}) {
                for (int32_t head_dim : {64, 20}) {
                    for (int32_t window : {0, 8})
                        check(backend, kMixedBatch, h.n_heads, h.n_kv_heads, head_dim, 16, window, dtype,
                              pool);
                }
            }
            check(backend, kMixedBatch, 7, 1, 40, 4, 0, dtype, pool);  // small blocks: many table entries
            check(backend, kMixedBatch, 7, 1, 40, 4, 1, dtype, pool);  // window 1: only the token itself
        }
    }
}

TEST(PagedAttention, ReferenceMatchesSoftmaxByHand) {
    // One sequence, one head, head_dim 2, three positions: the reference against a softmax written out.
    const std::vector<SeqSpec> specs = {{0, 3}};
    Scenario s(specs, 1, 2, 2, DType::F32, 3);
    const std::vector<float> q = {0.5f, -1.0f, 1.5f, 0.25f, -0.75f, 2.0f};
    const AttentionParams params{1, 1, 2, 2, 0.5f, 0};
    std::vector<float> out(6);
    ThreadPool pool(1);
    testing::table(Backend::Reference)
        .paged_attention(pool, q.data(), s.batch, s.cache.layer(0), params, out.data());
    const KvLayerView layer = s.cache.layer(0);
    auto at = [&](const std::byte* base, int32_t pos, int e) {
        const int32_t slot = s.block_tables[0][static_cast<size_t>(pos / 2)] * 2 + pos % 2;
        return reinterpret_cast<const float*>(base)[slot * 2 + e];
    };
    for (int32_t t = 0; t < 3; ++t) {
        double w[3];
        double total = 0.0;
        for (int32_t p = 0; p <= t; ++p) {
            w[p] = std::exp(0.5 * (q[2 * t] * at(layer.k, p, 0) + q[2 * t + 1] * at(layer.k, p, 1)));
            total += w[p];
        }
        for (int e = 0; e < 2; ++e) {
            double expected = 0.0;
            for (int32_t p = 0; p <= t; ++p)
                expected += w[p] / total * at(layer.v, p, e);
            EXPECT_NEAR(out[2 * t + e], expected, 1e-6);
        }
    }
}

}  // namespace
}  // namespace vela::kernels
