// AVX2 KV-cache writes: F16 caches convert 8 values per instruction (round to nearest even, as
// fp32_to_fp16); F32 caches copy.
#include <immintrin.h>

#include <cstring>

#include "kernels/cpu/cpu_kernels.h"
#include "tensor/fp16.h"

namespace vela::kernels::avx2 {
namespace {

void write_row(const float* src, int64_t n, DType dtype, std::byte* dst) {
    if (dtype == DType::F32) {
        std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(float));
        return;
    }
    auto* h = reinterpret_cast<uint16_t*>(dst);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m128i packed = _mm256_cvtps_ph(_mm256_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(h + i), packed);
    }
    for (; i < n; ++i)
        h[i] = fp32_to_fp16(src[i]);
}

}  // namespace

void store_kv(const float* k, const float* v, std::span<const int32_t> slot_mapping, KvLayerView cache) {
    const int64_t row = int64_t{cache.n_kv_heads} * cache.head_dim;
    const int64_t row_size = row_bytes(cache.dtype, row);
    for (size_t t = 0; t < slot_mapping.size(); ++t) {
        const int32_t slot = slot_mapping[t];
        if (slot < 0) continue;
        const int64_t token = static_cast<int64_t>(t);
        write_row(k + token * row, row, cache.dtype, cache.k + slot * row_size);
        write_row(v + token * row, row, cache.dtype, cache.v + slot * row_size);
    }
}

}  // namespace vela::kernels::avx2
