// KV budget: turns EngineConfig's memory settings into a number of KV blocks.
//
// kv_cache_bytes is used as given. kv_cache_fraction (default 0.25 when neither is set) takes that share
// of the memory the kernel reports as available (MemAvailable in /proc/meminfo); the default is also
// capped at what max_num_seqs sequences of the longest allowed length can hold, since more could only
// serve as prefix cache. The block count follows from KvCacheShape::bytes_per_block().
#pragma once

#include <cstdint>

#include "cache/kv_cache.h"
#include "vela/core/config.h"
#include "vela/core/error.h"

namespace vela {

/// The KV cache size chosen for an engine.
struct KvBudget {
    int32_t n_blocks = 0;  // blocks in the cache
    int64_t n_bytes = 0;   // their memory, n_blocks * bytes_per_block
};

/// The default share of available memory for the KV cache.
inline constexpr double kDefaultKvCacheFraction = 0.25;

/// Bytes of memory available to new allocations (MemAvailable), or 0 when unknown.
int64_t available_memory_bytes();

/// Sizes the cache for `config` and a cache of `shape` (its n_blocks ignored) whose sequences reach at
/// most `max_sequence_length` tokens; an error when the budget holds no block.
Result<KvBudget> plan_kv_budget(const EngineConfig& config, const KvCacheShape& shape,
                                int32_t max_sequence_length);

}  // namespace vela
