// Copy-on-write support: copying one KV block's slots, every layer, K and V.
#pragma once

#include <cstdint>
#include <span>

#include "cache/kv_cache.h"
#include "sched/block_manager.h"

namespace vela {

/// Copies every slot of block `src` to block `dst` in all layers of `cache`.
void copy_kv_block(KvCache& cache, int32_t src, int32_t dst);

/// Performs `copies` in order.
void copy_kv_blocks(KvCache& cache, std::span<const BlockCopy> copies);

}  // namespace vela
