// store_kv on every backend: values land at their slots converted exactly as fp32_to_fp16 (F16) or
// copied (F32); slots < 0 and slots not named stay untouched.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "cache/kv_cache.h"
#include "kernel_test_support.h"
#include "tensor/fp16.h"

namespace vela::kernels {
namespace {

TEST(StoreKv, WritesConvertedRowsAtSlotsAndSkipsNegativeSlots) {
    const int32_t n_kv_heads = 3;
    const int32_t head_dim = 13;  // 39 values a token: SIMD body and tail
    const int64_t row = n_kv_heads * head_dim;
    const std::vector<int32_t> slots = {5, -1, 0, 17, -7, 9};
    std::vector<float> k = testing::random_floats(6 * row, 1, 3.0f);
    std::vector<float> v = testing::random_floats(6 * row, 2, 3.0f);
    k[3] = 1.0f + 1.0f / 2048.0f;  // an F16 rounding tie
    v[4] = 70000.0f;               // overflows F16
    for (Backend backend : testing::all_backends()) {
        for (DType dtype : {DType::F16, DType::F32}) {
            SCOPED_TRACE(testing::backend_name(backend) + " " + std::string(to_string(dtype)));
            KvCache cache(KvCacheShape{1, n_kv_heads, head_dim, 4, 5, dtype});
            KvLayerView layer = cache.layer(0);
            const int64_t row_size = row_bytes(dtype, row);
            std::memset(layer.k, 0x5a, static_cast<size_t>(layer.n_slots * row_size));
            std::memset(layer.v, 0x5a, static_cast<size_t>(layer.n_slots * row_size));
            testing::table(backend).store_kv(k.data(), v.data(), slots, layer);
            std::vector<bool> written(static_cast<size_t>(layer.n_slots), false);
            for (size_t t = 0; t < slots.size(); ++t) {
                if (slots[t] < 0) continue;
                written[static_cast<size_t>(slots[t])] = true;
                for (int64_t e = 0; e < row; ++e) {
                    const size_t src = t * static_cast<size_t>(row) + static_cast<size_t>(e);
                    if (dtype == DType::F16) {
                        const auto* kh = reinterpret_cast<const uint16_t*>(layer.k + slots[t] * row_size);
                        const auto* vh = reinterpret_cast<const uint16_t*>(layer.v + slots[t] * row_size);
                        ASSERT_EQ(kh[e], fp32_to_fp16(k[src])) << "token " << t << " element " << e;
                        ASSERT_EQ(vh[e], fp32_to_fp16(v[src])) << "token " << t << " element " << e;
                    } else {
                        const auto* kf = reinterpret_cast<const float*>(layer.k + slots[t] * row_size);
                        const auto* vf = reinterpret_cast<const float*>(layer.v + slots[t] * row_size);
                        ASSERT_EQ(kf[e], k[src]);
                        ASSERT_EQ(vf[e], v[src]);
                    }
                }
            }
            for (int64_t slot = 0; slot < layer.n_slots; ++slot) {
                if (written[static_cast<size_t>(slot)]) continue;
                for (int64_t b = 0; b < row_size; ++b) {
                    ASSERT_EQ(layer.k[slot * row_size + b], std::byte{0x5a})
                        << "slot " << slot << " was touched";
                    ASSERT_EQ(layer.v[slot * row_size + b], std::byte{0x5a})
                        << "slot " << slot << " was touched";
                }
            }
        }
    }
}

}  // namespace
}  // namespace vela::kernels
