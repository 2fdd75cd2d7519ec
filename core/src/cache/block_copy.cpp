#include "cache/block_copy.h"

#include <cstring>

#include "tensor/dtype.h"
#include "vela/core/assert.h"

namespace vela {

void copy_kv_block(KvCache& cache, int32_t src, int32_t dst) {
    const KvCacheShape& shape = cache.shape();
    VELA_ASSERT(src >= 0 && src < shape.n_blocks && dst >= 0 && dst < shape.n_blocks,
                "block copy out of range");
    const int64_t slot_bytes = shape.n_kv_heads * row_bytes(shape.dtype, shape.head_dim);
    const auto block_bytes = static_cast<size_t>(slot_bytes * shape.block_size);
    const auto src_offset = static_cast<size_t>(src) * block_bytes;
    const auto dst_offset = static_cast<size_t>(dst) * block_bytes;
    for (int32_t layer = 0; layer < shape.n_layers; ++layer) {
        const KvLayerView view = cache.layer(layer);
        std::memcpy(view.k + dst_offset, view.k + src_offset, block_bytes);
        std::memcpy(view.v + dst_offset, view.v + src_offset, block_bytes);
    }
}

void copy_kv_blocks(KvCache& cache, std::span<const BlockCopy> copies) {
    for (const BlockCopy& copy : copies)
        copy_kv_block(cache, copy.src, copy.dst);
}

}  // namespace vela
