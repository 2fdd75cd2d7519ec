// AVX2 RMSNorm: the sum of squares in two 8-lane f32 accumulators, then one scaling pass.
#include <immintrin.h>

#include <cmath>

#include "kernels/cpu/cpu_kernels.h"
#include "kernels/cpu/simd_avx2.h"

namespace vela::kernels::avx2 {

void rms_norm(const float* x, const float* weight, int64_t n_rows, int64_t dim, float eps, float* y) {
    for (int64_t r = 0; r < n_rows; ++r) {
        const float* xr = x + r * dim;
        float* yr = y + r * dim;
        __m256 acc0 = _mm256_setzero_ps();
        __m256 acc1 = _mm256_setzero_ps();
        int64_t i = 0;
        for (; i + 16 <= dim; i += 16) {
            const __m256 a = _mm256_loadu_ps(xr + i);
            const __m256 b = _mm256_loadu_ps(xr + i + 8);
            acc0 = _mm256_fmadd_ps(a, a, acc0);
            acc1 = _mm256_fmadd_ps(b, b, acc1);
        }
        float sum_sq = simd::hsum(_mm256_add_ps(acc0, acc1));
        for (; i < dim; ++i)
            sum_sq += xr[i] * xr[i];
        const float inv_rms = 1.0f / std::sqrt(sum_sq / static_cast<float>(dim) + eps);
        const __m256 scale = _mm256_set1_ps(inv_rms);
        i = 0;
        for (; i + 8 <= dim; i += 8) {
            const __m256 v = _mm256_mul_ps(_mm256_loadu_ps(xr + i), scale);
            _mm256_storeu_ps(yr + i, _mm256_mul_ps(v, _mm256_loadu_ps(weight + i)));
        }
        for (; i < dim; ++i)
            yr[i] = xr[i] * inv_rms * weight[i];
    }
}

}  // namespace vela::kernels::avx2
