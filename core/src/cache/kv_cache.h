// KvCache: the storage of every layer's keys and values, in blocks of block_size token slots.
//
// Layout per layer: K and V are each [n_blocks * block_size slots][n_kv_heads][head_dim] in kv_dtype
// (F16 by default, as llama.cpp; F32 for exactness tests). A slot is block_id * block_size + offset.
// This class only owns memory; which blocks belong to which sequence is the BlockPool's business.
#pragma once

#include <cstdint>
#include <vector>

#include "tensor/dtype.h"
#include "tensor/tensor.h"

namespace vela {

/// One layer's K and V storage, as the attention kernels see it.
struct KvLayerView {
    std::byte* k = nullptr;    // [n_slots][n_kv_heads][head_dim] of dtype
    std::byte* v = nullptr;    // [n_slots][n_kv_heads][head_dim] of dtype
    DType dtype = DType::F16;  // F16 or F32
    int64_t n_slots = 0;       // n_blocks * block_size
    int32_t n_kv_heads = 0;
    int32_t head_dim = 0;
};

/// Shape of a KV cache.
struct KvCacheShape {
    int32_t n_layers = 0;
    int32_t n_kv_heads = 0;
    int32_t head_dim = 0;
    int32_t block_size = 16;  // token slots per block
    int32_t n_blocks = 0;
    DType dtype = DType::F16;  // F16 or F32

    /// Bytes one block takes across all layers, K and V.
    int64_t bytes_per_block() const;
};

/// The K/V storage of all layers.
class KvCache {
  public:
    /// Allocates (uninitialized) storage for `shape`.
    explicit KvCache(const KvCacheShape& shape);

    /// The shape this cache was made with.
    const KvCacheShape& shape() const { return shape_; }
    /// The view of layer `layer`.
    KvLayerView layer(int32_t layer);

  private:
    KvCacheShape shape_;
    std::vector<Tensor> k_;  // one per layer
    std::vector<Tensor> v_;  // one per layer
};

}  // namespace vela
