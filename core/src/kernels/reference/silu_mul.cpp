#include <cmath>

#include "kernels/reference/reference.h"

namespace vela::kernels::reference {

void silu_mul(const float* gate, const float* up, int64_t n, float* y) {
    for (int64_t i = 0; i < n; ++i) {
        const double g = gate[i];
        y[i] = static_cast<float>(g / (1.0 + std::exp(-g)) * up[i]);
    }
}

}  // namespace vela::kernels::reference
