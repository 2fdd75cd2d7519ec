// The backend-independent part of the SIMD matmuls: activation preparation, scratch, and the split of
// the output over threads. Backends supply, per weight dtype, an activation format and a kernel that
// takes one weight row's dot products with up to kMaxActRows activation rows (so a weight block is
// decoded once and reused across rows during prefill).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "kernels/ops.h"

namespace vela::kernels::cpu {

/// Activation rows handed to one call of a RowDotFn.
inline constexpr int kMaxActRows = 4;

/// How the activations are prepared for a weight dtype.
enum class ActFormat {
    F32,      // the f32 rows as given
    F16,      // rounded to F16, stored as f32
    BF16,     // rounded to BF16, stored as f32
    Q8,       // ActBlockQ8 blocks of 32
    Q8K,      // BlockQ8_K blocks of 256
    Q8Pairs,  // the ActBlockQ8 values laid out for 512-bit steps over two blocks: all codes (k bytes),
              // then per pair of blocks 16 floats (d of the first block x 8, d of the second x 8; 0
              // for a missing second block), then each block's ds (k / 32 floats)
};

/// Bytes of one prepared activation row of length k in `format`.
int64_t act_row_bytes(ActFormat format, int64_t k);

/// y[r * y_stride] = dot(weight row `w`, activation row r at act + r * act_stride) for r < n_act.
using RowDotFn = void (*)(const std::byte* w, const std::byte* act, int64_t act_stride, int64_t k, int n_act,
                          float* y, int64_t y_stride);

/// Converts one f32 activation row of length k to an ActFormat at `out`.
using ActPrepFn = void (*)(const float* x, int64_t k, std::byte* out);

/// A backend's matmul kernel for one weight dtype; null `dot` means the dtype falls back to the
/// reference matmul.
struct MatmulKernel {
    ActFormat act = ActFormat::F32;
    RowDotFn dot = nullptr;
};

/// A backend's matmul: one kernel per DType, and its activation preparers per ActFormat.
struct MatmulBackend {
    std::array<MatmulKernel, 13> by_dtype;  // indexed by DType
    std::array<ActPrepFn, 6> prep;          // indexed by ActFormat
};

/// Runs y = x * w^T with `backend`'s kernels on `pool`.
void run_matmul(const MatmulBackend& backend, ThreadPool& pool, const float* x, int64_t n,
                const TensorView& w, float* y);

}  // namespace vela::kernels::cpu
