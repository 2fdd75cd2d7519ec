#include <cmath>

#include "kernels/reference/reference.h"

namespace vela::kernels::reference {

void rms_norm(const float* x, const float* weight, int64_t n_rows, int64_t dim, float eps, float* y) {
    for (int64_t r = 0; r < n_rows; ++r) {
        const float* xr = x + r * dim;
        float* yr = y + r * dim;
        double sum_sq = 0.0;
        for (int64_t i = 0; i < dim; ++i)
            sum_sq += static_cast<double>(xr[i]) * xr[i];
        const double inv_rms = 1.0 / std::sqrt(sum_sq / static_cast<double>(dim) + eps);
        for (int64_t i = 0; i < dim; ++i)
            yr[i] = static_cast<float>(xr[i] * inv_rms * weight[i]);
    }
}

}  // namespace vela::kernels::reference
