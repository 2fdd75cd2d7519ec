// Declarations of the SIMD backends' ops (private to kernels/). Each function has the signature and
// semantics of its namesake in kernels/ops.h and is defined in cpu/<op>_<isa>.cpp, compiled for that
// instruction set; only backend.cpp's table refers to them, after checking the CPU can run them.
#pragma once

#include "kernels/cpu/matmul_driver.h"
#include "kernels/ops.h"

namespace vela::kernels::avx2 {

/// The AVX2 row-dot kernels and activation preparers (the AVX-512 backend reuses some of them).
const cpu::MatmulBackend& matmul_backend();
void matmul(ThreadPool& pool, const float* x, int64_t n, const TensorView& w, float* y);
void rms_norm(const float* x, const float* weight, int64_t n_rows, int64_t dim, float eps, float* y);
void rope(float* x, int64_t n_tokens, int64_t n_heads, int64_t head_dim, std::span<const int32_t> positions,
          const RopeParams& params);
void silu_mul(const float* gate, const float* up, int64_t n, float* y);
void add(const float* a, const float* b, int64_t n, float* y);
void add_rows(float* y, const float* bias, int64_t n_rows, int64_t m);
void store_kv(const float* k, const float* v, std::span<const int32_t> slot_mapping, KvLayerView cache);
void paged_attention(ThreadPool& pool, const float* q, const ForwardBatch& batch, const KvLayerView& cache,
                     const AttentionParams& params, float* out);

}  // namespace vela::kernels::avx2

namespace vela::kernels::avx512 {

/// AVX-512 VNNI matmul; dtypes without an AVX-512 kernel use the AVX2 ones.
void matmul(ThreadPool& pool, const float* x, int64_t n, const TensorView& w, float* y);

}  // namespace vela::kernels::avx512
