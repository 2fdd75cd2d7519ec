// add and add_rows dispatchers.
#include "kernels/backend.h"

namespace vela::kernels {

void add(const float* a, const float* b, int64_t n, float* y) {
    active_kernels().add(a, b, n, y);
}

void add_rows(float* y, const float* bias, int64_t n_rows, int64_t m) {
    active_kernels().add_rows(y, bias, n_rows, m);
}

}  // namespace vela::kernels
