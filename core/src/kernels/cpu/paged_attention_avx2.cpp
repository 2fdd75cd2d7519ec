// AVX2 paged attention. Work items are (token, kv head) pairs spread over the pool; an item serves all
// query heads of its GQA group, so each visible K and V row is fetched (and converted from F16) once
// per item and reused by every head of the group. Two passes per item: scores for every visible
// position (f32 dot products), then an exact softmax (max-subtracted, 8-lane exp) and the weighted sum
// of V rows in f32. With an F16 cache, Q is rounded to F16 before the dot products and the normalized
// probabilities are rounded to F16 before they weight V (F16 x F16 products, f32 sums), as llama.cpp
// does around its F16 cache; see ops.h. Scratch is per thread and only grows.
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/cpu/cpu_kernels.h"
#include "kernels/cpu/simd_avx2.h"
#include "tensor/fp16.h"
#include "util/thread_pool.h"

namespace vela::kernels::avx2 {
namespace {

// Reads head_dim K or V values of the cache at `src` into f32 (a pointer into the cache when F32).
const float* load_row(const std::byte* src, DType dtype, int64_t head_dim, float* buffer) {
    if (dtype == DType::F32) return reinterpret_cast<const float*>(src);
    const auto* h = reinterpret_cast<const uint16_t*>(src);
    int64_t i = 0;
    for (; i + 8 <= head_dim; i += 8)
        _mm256_storeu_ps(buffer + i, simd::load_f16(h + i));
    for (; i < head_dim; ++i)
        buffer[i] = _cvtsh_ss(h[i]);
    return buffer;
}

float dot(const float* a, const float* b, int64_t n) {
    __m256 acc0 = _mm256_setzero_ps();
    __m256 acc1 = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), acc1);
    }
    for (; i + 8 <= n; i += 8)
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
    float sum = simd::hsum(_mm256_add_ps(acc0, acc1));
    for (; i < n; ++i)
        sum += a[i] * b[i];
    return sum;
}

// acc += w * v over n values.
void axpy(float w, const float* v, int64_t n, float* acc) {
    const __m256 wv = _mm256_set1_ps(w);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(acc + i, _mm256_fmadd_ps(wv, _mm256_loadu_ps(v + i), _mm256_loadu_ps(acc + i)));
    for (; i < n; ++i)
        acc[i] += w * v[i];
}

// Replaces scores[0..n) by exp(score - max) and returns their sum.
float softmax_numerators(float* scores, int64_t n) {
    float max_score = scores[0];
    for (int64_t i = 1; i < n; ++i)
        max_score = std::max(max_score, scores[i]);
    const __m256 max_v = _mm256_set1_ps(max_score);
    __m256 total_v = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 e = simd::exp_ps(_mm256_sub_ps(_mm256_loadu_ps(scores + i), max_v));
        _mm256_storeu_ps(scores + i, e);
        total_v = _mm256_add_ps(total_v, e);
    }
    float total = simd::hsum(total_v);
    for (; i < n; ++i) {
        scores[i] = std::exp(scores[i] - max_score);
        total += scores[i];
    }
    return total;
}

struct Scratch {
    std::vector<float> scores;  // [group][n_visible]
    std::vector<float> row;     // one converted K or V row
    std::vector<float> acc;     // [group][head_dim]
    std::vector<float> inv;     // [group]: 1 / softmax denominator
    std::vector<float> q;       // [group][head_dim]: the queries rounded to F16 (F16 caches)
};

}  // namespace

void paged_attention(ThreadPool& pool, const float* q, const ForwardBatch& batch, const KvLayerView& cache,
                     const AttentionParams& params, float* out) {
    const int64_t head_dim = params.head_dim;
    const int32_t group = params.n_heads / params.n_kv_heads;
    const int64_t kv_row_bytes = row_bytes(cache.dtype, head_dim);
    // Items are numbered token-major; the sequence of a token is found by a scan of the (few) slices.
    const int64_t n_items = static_cast<int64_t>(batch.positions.size()) * params.n_kv_heads;
    pool.run(n_items, [&](int64_t item, int) {
        const auto t = static_cast<int32_t>(item / params.n_kv_heads);
        const auto kv_head = static_cast<int32_t>(item % params.n_kv_heads);
        const SequenceSlice* seq = nullptr;
        for (const SequenceSlice& s : batch.seqs) {
            if (t >= s.token_begin && t < s.token_begin + s.n_tokens) seq = &s;
        }
        if (seq == nullptr) return;  // a token outside every slice has no attention output to produce
        const int32_t pos = batch.positions[static_cast<size_t>(t)];
        const int32_t first = params.sliding_window > 0 ? std::max(0, pos - params.sliding_window + 1) : 0;
        const int64_t n_visible = pos - first + 1;

        thread_local Scratch scratch;
        scratch.scores.resize(static_cast<size_t>(group * n_visible));
        scratch.row.resize(static_cast<size_t>(head_dim));
        scratch.acc.assign(static_cast<size_t>(group * head_dim), 0.0f);
        float* scores = scratch.scores.data();

        auto offset = [&](int32_t p) {
            const int64_t slot =
                int64_t{seq->block_table[static_cast<size_t>(p / params.block_size)]} * params.block_size +
                p % params.block_size;
            return (slot * cache.n_kv_heads + kv_head) * kv_row_bytes;
        };
        const float* q0 = q + (int64_t{t} * params.n_heads + int64_t{kv_head} * group) * head_dim;
        const bool f16_cache = cache.dtype == DType::F16;
        if (f16_cache) {
            scratch.q.resize(static_cast<size_t>(group * head_dim));
            for (int64_t e = 0; e < group * head_dim; ++e)
                scratch.q[static_cast<size_t>(e)] = round_to_fp16(q0[e]);
            q0 = scratch.q.data();
        }
        for (int32_t p = first; p <= pos; ++p) {
            const float* key = load_row(cache.k + offset(p), cache.dtype, head_dim, scratch.row.data());
            for (int32_t g = 0; g < group; ++g) {
                scores[g * n_visible + (p - first)] = dot(q0 + g * head_dim, key, head_dim) * params.scale;
            }
        }
        scratch.inv.resize(static_cast<size_t>(group));
        float* inv = scratch.inv.data();
        for (int32_t g = 0; g < group; ++g)
            inv[g] = 1.0f / softmax_numerators(scores + g * n_visible, n_visible);
        for (int32_t p = first; p <= pos; ++p) {
            const float* value = load_row(cache.v + offset(p), cache.dtype, head_dim, scratch.row.data());
            for (int32_t g = 0; g < group; ++g) {
                float& w = scores[g * n_visible + (p - first)];
                if (f16_cache) w = round_to_fp16(w * inv[g]);
                axpy(w, value, head_dim, scratch.acc.data() + g * head_dim);
            }
        }
        float* o0 = out + (int64_t{t} * params.n_heads + int64_t{kv_head} * group) * head_dim;
        for (int32_t g = 0; g < group; ++g) {
            const float* acc = scratch.acc.data() + g * head_dim;
            const float scale = f16_cache ? 1.0f : inv[g];  // F16 weights were normalized before rounding
            for (int64_t e = 0; e < head_dim; ++e)
                o0[g * head_dim + e] = acc[e] * scale;
        }
    });
}

}  // namespace vela::kernels::avx2
