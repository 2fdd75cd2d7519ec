// matmul dispatcher: checks the weight view once, then runs the active backend.
#include "kernels/backend.h"
#include "vela/core/assert.h"

namespace vela::kernels {

void matmul(ThreadPool& pool, const float* x, int64_t n, const TensorView& w, float* y) {
    VELA_ASSERT(w.rank() == 2, "matmul: the weight must be a matrix {m, k}");
    VELA_ASSERT(w.dtype() != DType::I32 && w.dtype() != DType::Q8_K,
                "matmul: the weight dtype holds no weights");
    VELA_ASSERT(w.row_length() % traits(w.dtype()).block_elems == 0,
                "matmul: k is not a multiple of the block size");
    VELA_ASSERT(n >= 0, "matmul: negative row count");
    if (n == 0 || w.n_rows() == 0) return;
    active_kernels().matmul(pool, x, n, w, y);
}

}  // namespace vela::kernels
