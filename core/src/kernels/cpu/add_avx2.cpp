// AVX2 elementwise adds (residual connections and biases).
#include <immintrin.h>

#include "kernels/cpu/cpu_kernels.h"

namespace vela::kernels::avx2 {

void add(const float* a, const float* b, int64_t n, float* y) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(y + i, _mm256_add_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i)));
    for (; i < n; ++i)
        y[i] = a[i] + b[i];
}

void add_rows(float* y, const float* bias, int64_t n_rows, int64_t m) {
    for (int64_t r = 0; r < n_rows; ++r)
        add(y + r * m, bias, m, y + r * m);
}

}  // namespace vela::kernels::avx2
