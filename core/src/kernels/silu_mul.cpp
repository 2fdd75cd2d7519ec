// silu_mul dispatcher.
#include "kernels/backend.h"

namespace vela::kernels {

void silu_mul(const float* gate, const float* up, int64_t n, float* y) {
    active_kernels().silu_mul(gate, up, n, y);
}

}  // namespace vela::kernels
