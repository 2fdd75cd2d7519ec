// store_kv dispatcher: checks the cache dtype and every slot once.
#include "kernels/backend.h"
#include "vela/core/assert.h"

namespace vela::kernels {

void store_kv(const float* k, const float* v, std::span<const int32_t> slot_mapping, KvLayerView cache) {
    VELA_ASSERT(cache.dtype == DType::F16 || cache.dtype == DType::F32,
                "store_kv: the KV cache must be F16 or F32");
    for (const int32_t slot : slot_mapping)
        VELA_ASSERT(slot < cache.n_slots, "store_kv: slot past the cache");
    active_kernels().store_kv(k, v, slot_mapping, cache);
}

}  // namespace vela::kernels
