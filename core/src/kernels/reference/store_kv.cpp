#include "kernels/reference/reference.h"

namespace vela::kernels::reference {

void store_kv(const float* k, const float* v, std::span<const int32_t> slot_mapping, KvLayerView cache) {
    const int64_t row = int64_t{cache.n_kv_heads} * cache.head_dim;  // elements per token
    const int64_t row_size = row_bytes(cache.dtype, row);
    for (size_t t = 0; t < slot_mapping.size(); ++t) {
        const int32_t slot = slot_mapping[t];
        if (slot < 0) continue;
        const int64_t token = static_cast<int64_t>(t);
        quantize_row(cache.dtype, k + token * row, row, cache.k + slot * row_size);
        quantize_row(cache.dtype, v + token * row, row, cache.v + slot * row_size);
    }
}

}  // namespace vela::kernels::reference
