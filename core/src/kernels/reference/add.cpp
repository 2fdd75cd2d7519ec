#include "kernels/reference/reference.h"

namespace vela::kernels::reference {

void add(const float* a, const float* b, int64_t n, float* y) {
    for (int64_t i = 0; i < n; ++i)
        y[i] = a[i] + b[i];
}

void add_rows(float* y, const float* bias, int64_t n_rows, int64_t m) {
    for (int64_t r = 0; r < n_rows; ++r) {
        for (int64_t i = 0; i < m; ++i)
            y[r * m + i] += bias[i];
    }
}

}  // namespace vela::kernels::reference
