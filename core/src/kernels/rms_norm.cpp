// rms_norm dispatcher.
#include "kernels/backend.h"
#include "vela/core/assert.h"

namespace vela::kernels {

void rms_norm(const float* x, const float* weight, int64_t n_rows, int64_t dim, float eps, float* y) {
    VELA_ASSERT(n_rows >= 0 && dim > 0, "rms_norm: bad shape");
    active_kernels().rms_norm(x, weight, n_rows, dim, eps, y);
}

}  // namespace vela::kernels
