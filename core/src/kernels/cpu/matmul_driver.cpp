// Matmul driver: prepares the activation rows once (quantized or rounded as the weight dtype asks),
// then hands contiguous ranges of output rows to the pool's threads. Each thread walks its weight rows
// once; for every weight row it computes the dot products with all activation rows, kMaxActRows at a
// time, so the row is read from memory once and reused from L1 (prefill), while a decode step (n = 1)
// streams the weights exactly once. Scratch for the prepared activations is a per-thread buffer that
// only grows, so steady-state calls do not allocate.
#include "kernels/cpu/matmul_driver.h"

#include <vector>

#include "kernels/quant/block_formats.h"
#include "kernels/reference/reference.h"
#include "util/thread_pool.h"

namespace vela::kernels::cpu {
namespace {

// Rows of output handed to a thread at a time: enough to amortize the call, few enough to balance.
constexpr int64_t kRowGrain = 16;

}  // namespace

int64_t act_row_bytes(ActFormat format, int64_t k) {
    const int64_t n_blocks32 = k / kQk32;
    switch (format) {
        case ActFormat::F32:
        case ActFormat::F16:
        case ActFormat::BF16:
            return k * static_cast<int64_t>(sizeof(float));
        case ActFormat::Q8:
            return n_blocks32 * static_cast<int64_t>(sizeof(ActBlockQ8));
        case ActFormat::Q8K:
            return k / kQkK * static_cast<int64_t>(sizeof(BlockQ8_K));
        case ActFormat::Q8Pairs:
            return k + (n_blocks32 + 1) / 2 * 16 * static_cast<int64_t>(sizeof(float)) +
                   n_blocks32 * static_cast<int64_t>(sizeof(float));
    }
    return 0;
}

void run_matmul(const MatmulBackend& backend, ThreadPool& pool, const float* x, int64_t n,
                const TensorView& w, float* y) {
    const MatmulKernel& kernel = backend.by_dtype[static_cast<size_t>(w.dtype())];
    if (kernel.dot == nullptr) {
        reference::matmul(pool, x, n, w, y);
        return;
    }
    const int64_t m = w.n_rows();
    const int64_t k = w.row_length();
    const int64_t w_stride = w.row_bytes();

    const std::byte* act = reinterpret_cast<const std::byte*>(x);
    int64_t act_stride = k * static_cast<int64_t>(sizeof(float));
    if (kernel.act != ActFormat::F32) {
        thread_local std::vector<std::byte> scratch;
        act_stride = act_row_bytes(kernel.act, k);
        const auto needed = static_cast<size_t>(act_stride * n);
        if (scratch.size() < needed) scratch.resize(needed);
        std::byte* prepared = scratch.data();
        const ActPrepFn prep = backend.prep[static_cast<size_t>(kernel.act)];
        if (n == 1) {
            prep(x, k, prepared);
        } else {
            pool.parallel_for(n, 4, [&](int64_t begin, int64_t end) {
                for (int64_t i = begin; i < end; ++i)
                    prep(x + i * k, k, prepared + i * act_stride);
            });
        }
        act = prepared;
    }

    const std::byte* weights = w.data();
    pool.parallel_for(m, kRowGrain, [&](int64_t begin, int64_t end) {
        for (int64_t j = begin; j < end; ++j) {
            for (int64_t i = 0; i < n; i += kMaxActRows) {
                const int n_act = static_cast<int>(n - i < kMaxActRows ? n - i : kMaxActRows);
                kernel.dot(weights + j * w_stride, act + i * act_stride, act_stride, k, n_act, y + i * m + j,
                           m);
            }
        }
    });
}

}  // namespace vela::kernels::cpu
