#include <cmath>

#include "kernels/reference/reference.h"

namespace vela::kernels::reference {

void rope(float* x, int64_t n_tokens, int64_t n_heads, int64_t head_dim, std::span<const int32_t> positions,
          const RopeParams& params) {
    const int64_t half = params.rot_dim / 2;
    for (int64_t t = 0; t < n_tokens; ++t) {
        const double pos = positions[static_cast<size_t>(t)];
        for (int64_t h = 0; h < n_heads; ++h) {
            float* head = x + (t * n_heads + h) * head_dim;
            for (int64_t i = 0; i < half; ++i) {
                const double angle = pos * params.inv_freq[static_cast<size_t>(i)];
                const double c = std::cos(angle) * params.mscale;
                const double s = std::sin(angle) * params.mscale;
                // The pair (a, b) of rotated dimensions for frequency i.
                const int64_t ia = params.style == RopeStyle::Interleaved ? 2 * i : i;
                const int64_t ib = params.style == RopeStyle::Interleaved ? 2 * i + 1 : i + half;
                const double a = head[ia];
                const double b = head[ib];
                head[ia] = static_cast<float>(a * c - b * s);
                head[ib] = static_cast<float>(a * s + b * c);
            }
        }
    }
}

}  // namespace vela::kernels::reference
