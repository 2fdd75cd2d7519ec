// AVX2 rotary embedding. Per token, the cos/sin of each frequency are computed once in double (the
// angle pos * inv_freq needs more than f32 precision at long positions) and rounded to f32; every head
// of the token then rotates 8 pairs per step. Neox pairs (i, i + half) are two contiguous vectors;
// interleaved pairs (2i, 2i + 1) use duplicated cos and alternating-sign sin against the pair-swapped x.
#include <immintrin.h>

#include <cmath>
#include <vector>

#include "kernels/cpu/cpu_kernels.h"

namespace vela::kernels::avx2 {
namespace {

void rotate_neox(float* head, int64_t half, const float* cos_t, const float* sin_t) {
    int64_t i = 0;
    for (; i + 8 <= half; i += 8) {
        const __m256 a = _mm256_loadu_ps(head + i);
        const __m256 b = _mm256_loadu_ps(head + i + half);
        const __m256 c = _mm256_loadu_ps(cos_t + i);
        const __m256 s = _mm256_loadu_ps(sin_t + i);
        _mm256_storeu_ps(head + i, _mm256_fmsub_ps(a, c, _mm256_mul_ps(b, s)));
        _mm256_storeu_ps(head + i + half, _mm256_fmadd_ps(a, s, _mm256_mul_ps(b, c)));
    }
    for (; i < half; ++i) {
        const float a = head[i];
        const float b = head[i + half];
        head[i] = a * cos_t[i] - b * sin_t[i];
        head[i + half] = a * sin_t[i] + b * cos_t[i];
    }
}

// cos2 holds (c0, c0, c1, c1, ...) and sin2 (-s0, s0, -s1, s1, ...) over rot_dim entries.
void rotate_interleaved(float* head, int64_t rot_dim, const float* cos2, const float* sin2) {
    int64_t i = 0;
    for (; i + 8 <= rot_dim; i += 8) {
        const __m256 x = _mm256_loadu_ps(head + i);
        const __m256 swapped = _mm256_permute_ps(x, 0xb1);  // (x1, x0, x3, x2, ...)
        _mm256_storeu_ps(head + i, _mm256_fmadd_ps(x, _mm256_loadu_ps(cos2 + i),
                                                   _mm256_mul_ps(swapped, _mm256_loadu_ps(sin2 + i))));
    }
    for (; i < rot_dim; i += 2) {
        const float a = head[i];
        const float b = head[i + 1];
        head[i] = a * cos2[i] + b * sin2[i];
        head[i + 1] = b * cos2[i + 1] + a * sin2[i + 1];
    }
}

}  // namespace

void rope(float* x, int64_t n_tokens, int64_t n_heads, int64_t head_dim, std::span<const int32_t> positions,
          const RopeParams& params) {
    const int64_t half = params.rot_dim / 2;
    thread_local std::vector<float> table;
    table.resize(static_cast<size_t>(2 * params.rot_dim));
    float* cos_t = table.data();
    float* sin_t = table.data() + params.rot_dim;
    for (int64_t t = 0; t < n_tokens; ++t) {
        const double pos = positions[static_cast<size_t>(t)];
        for (int64_t i = 0; i < half; ++i) {
            const double angle = pos * params.inv_freq[static_cast<size_t>(i)];
            const auto c = static_cast<float>(std::cos(angle) * params.mscale);
            const auto s = static_cast<float>(std::sin(angle) * params.mscale);
            if (params.style == RopeStyle::Neox) {
                cos_t[i] = c;
                sin_t[i] = s;
            } else {
                cos_t[2 * i] = c;
                cos_t[2 * i + 1] = c;
                sin_t[2 * i] = -s;
                sin_t[2 * i + 1] = s;
            }
        }
        for (int64_t h = 0; h < n_heads; ++h) {
            float* head = x + (t * n_heads + h) * head_dim;
            if (params.style == RopeStyle::Neox) {
                rotate_neox(head, half, cos_t, sin_t);
            } else {
                rotate_interleaved(head, params.rot_dim, cos_t, sin_t);
            }
        }
    }
}

}  // namespace vela::kernels::avx2
