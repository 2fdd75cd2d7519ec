#include "cache/kv_cache.h"

namespace vela {

int64_t KvCacheShape::bytes_per_block() const {
    return int64_t{2} * n_layers * block_size * n_kv_heads * row_bytes(dtype, head_dim);
}

KvCache::KvCache(const KvCacheShape& shape) : shape_(shape) {
    const int64_t n_slots = int64_t{shape.n_blocks} * shape.block_size;
    k_.reserve(static_cast<size_t>(shape.n_layers));
    v_.reserve(static_cast<size_t>(shape.n_layers));
    for (int32_t i = 0; i < shape.n_layers; ++i) {
        k_.emplace_back(shape.dtype,
                        std::initializer_list<int64_t>{n_slots, shape.n_kv_heads, shape.head_dim});
        v_.emplace_back(shape.dtype,
                        std::initializer_list<int64_t>{n_slots, shape.n_kv_heads, shape.head_dim});
    }
}

KvLayerView KvCache::layer(int32_t layer) {
    auto& k = k_[static_cast<size_t>(layer)];
    auto& v = v_[static_cast<size_t>(layer)];
    return KvLayerView{k.data(),          v.data(),
                       shape_.dtype,      int64_t{shape_.n_blocks} * shape_.block_size,
                       shape_.n_kv_heads, shape_.head_dim};
}

}  // namespace vela
