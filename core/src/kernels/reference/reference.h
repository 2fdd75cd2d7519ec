// The naive scalar reference of every op (private to kernels/): straightforward loops written for
// clarity, with double accumulation where a sum is long, so the SIMD backends have something plainly
// right to be compared with. Signatures are those of kernels/ops.h; see there for the semantics.
#pragma once

#include "kernels/ops.h"

namespace vela::kernels::reference {

/// Dequantizes each weight row to f32 and takes double-accumulated dot products (pool unused).
void matmul(ThreadPool& pool, const float* x, int64_t n, const TensorView& w, float* y);
void get_rows(const TensorView& table, std::span<const int32_t> ids, float* out);
void rms_norm(const float* x, const float* weight, int64_t n_rows, int64_t dim, float eps, float* y);
void rope(float* x, int64_t n_tokens, int64_t n_heads, int64_t head_dim, std::span<const int32_t> positions,
          const RopeParams& params);
void silu_mul(const float* gate, const float* up, int64_t n, float* y);
void add(const float* a, const float* b, int64_t n, float* y);
void add_rows(float* y, const float* bias, int64_t n_rows, int64_t m);
void store_kv(const float* k, const float* v, std::span<const int32_t> slot_mapping, KvLayerView cache);
/// Scores every visible key, softmaxes in double and sums the values (pool unused).
void paged_attention(ThreadPool& pool, const float* q, const ForwardBatch& batch, const KvLayerView& cache,
                     const AttentionParams& params, float* out);

}  // namespace vela::kernels::reference
