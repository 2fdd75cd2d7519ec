// rope dispatcher: checks the rotated width against the head and the frequency table.
#include "kernels/backend.h"
#include "vela/core/assert.h"

namespace vela::kernels {

void rope(float* x, int64_t n_tokens, int64_t n_heads, int64_t head_dim, std::span<const int32_t> positions,
          const RopeParams& params) {
    VELA_ASSERT(params.rot_dim > 0 && params.rot_dim % 2 == 0 && params.rot_dim <= head_dim,
                "rope: rot_dim must be even and within the head");
    VELA_ASSERT(static_cast<int64_t>(params.inv_freq.size()) == params.rot_dim / 2,
                "rope: inv_freq must hold rot_dim / 2 frequencies");
    VELA_ASSERT(static_cast<int64_t>(positions.size()) == n_tokens, "rope: one position per token");
    active_kernels().rope(x, n_tokens, n_heads, head_dim, positions, params);
}

}  // namespace vela::kernels
