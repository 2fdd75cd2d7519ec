// dequantize_row: every weight dtype to f32, one straightforward function per format, chosen from a
// table indexed by DType. These loops are the reference reading of each block layout described in
// block_formats.h; matmul's reference backend and get_rows use them directly.
#include <array>
#include <bit>
#include <cstring>

#include "kernels/ops.h"
#include "kernels/quant/block_formats.h"
#include "tensor/fp16.h"
#include "vela/core/assert.h"

namespace vela::kernels {
namespace {

using DequantFn = void (*)(const void* src, int64_t n, float* dst);

void dequant_f32(const void* src, int64_t n, float* dst) {
    std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(float));
}

void dequant_f16(const void* src, int64_t n, float* dst) {
    const auto* h = static_cast<const uint16_t*>(src);
    for (int64_t i = 0; i < n; ++i)
        dst[i] = fp16_to_fp32(h[i]);
}

void dequant_bf16(const void* src, int64_t n, float* dst) {
    const auto* h = static_cast<const uint16_t*>(src);
    for (int64_t i = 0; i < n; ++i)
        dst[i] = bf16_to_fp32(h[i]);
}

void dequant_q8_0(const void* src, int64_t n, float* dst) {
    const auto* blocks = static_cast<const BlockQ8_0*>(src);
    for (int64_t b = 0; b < n / kQk32; ++b, dst += kQk32) {
        const float d = fp16_to_fp32(blocks[b].d);
        for (int i = 0; i < kQk32; ++i)
            dst[i] = d * static_cast<float>(blocks[b].qs[i]);
    }
}

void dequant_q4_0(const void* src, int64_t n, float* dst) {
    const auto* blocks = static_cast<const BlockQ4_0*>(src);
    for (int64_t b = 0; b < n / kQk32; ++b, dst += kQk32) {
        const float d = fp16_to_fp32(blocks[b].d);
        for (int j = 0; j < kQk32 / 2; ++j) {
            dst[j] = d * static_cast<float>((blocks[b].qs[j] & 0x0f) - 8);
            dst[j + 16] = d * static_cast<float>((blocks[b].qs[j] >> 4) - 8);
        }
    }
}

void dequant_q4_1(const void* src, int64_t n, float* dst) {
    const auto* blocks = static_cast<const BlockQ4_1*>(src);
    for (int64_t b = 0; b < n / kQk32; ++b, dst += kQk32) {
        const float d = fp16_to_fp32(blocks[b].d);
        const float m = fp16_to_fp32(blocks[b].m);
        for (int j = 0; j < kQk32 / 2; ++j) {
            dst[j] = d * static_cast<float>(blocks[b].qs[j] & 0x0f) + m;
            dst[j + 16] = d * static_cast<float>(blocks[b].qs[j] >> 4) + m;
        }
    }
}

// The 5-bit values of a Q5_0/Q5_1 block, 0..31.
void unpack_q5(const uint8_t qh_bytes[4], const uint8_t qs[16], int q[32]) {
    uint32_t qh = 0;
    std::memcpy(&qh, qh_bytes, 4);
    for (int j = 0; j < 16; ++j) {
        q[j] = (qs[j] & 0x0f) | static_cast<int>(((qh >> j) & 1u) << 4);
        q[j + 16] = (qs[j] >> 4) | static_cast<int>(((qh >> (j + 16)) & 1u) << 4);
    }
}

void dequant_q5_0(const void* src, int64_t n, float* dst) {
    const auto* blocks = static_cast<const BlockQ5_0*>(src);
    int q[kQk32];
    for (int64_t b = 0; b < n / kQk32; ++b, dst += kQk32) {
        const float d = fp16_to_fp32(blocks[b].d);
        unpack_q5(blocks[b].qh, blocks[b].qs, q);
        for (int i = 0; i < kQk32; ++i)
            dst[i] = d * static_cast<float>(q[i] - 16);
    }
}

void dequant_q5_1(const void* src, int64_t n, float* dst) {
    const auto* blocks = static_cast<const BlockQ5_1*>(src);
    int q[kQk32];
    for (int64_t b = 0; b < n / kQk32; ++b, dst += kQk32) {
        const float d = fp16_to_fp32(blocks[b].d);
        const float m = fp16_to_fp32(blocks[b].m);
        unpack_q5(blocks[b].qh, blocks[b].qs, q);
        for (int i = 0; i < kQk32; ++i)
            dst[i] = d * static_cast<float>(q[i]) + m;
    }
}

void dequant_q4_k(const void* src, int64_t n, float* dst) {
    const auto* blocks = static_cast<const BlockQ4_K*>(src);
    for (int64_t b = 0; b < n / kQkK; ++b, dst += kQkK) {
        const BlockQ4_K& blk = blocks[b];
        const float d = fp16_to_fp32(blk.d);
        const float dmin = fp16_to_fp32(blk.dmin);
        for (int j = 0; j < 8; ++j) {
            int sc = 0;
            int m = 0;
            unpack_k_scale_min(blk.scales, j, sc, m);
            const uint8_t* qs = blk.qs + 32 * (j / 2);
            const int shift = (j % 2) * 4;
            for (int l = 0; l < 32; ++l) {
                const int q = (qs[l] >> shift) & 0x0f;
                dst[32 * j + l] =
                    d * static_cast<float>(sc) * static_cast<float>(q) - dmin * static_cast<float>(m);
            }
        }
    }
}

void dequant_q5_k(const void* src, int64_t n, float* dst) {
    const auto* blocks = static_cast<const BlockQ5_K*>(src);
    for (int64_t b = 0; b < n / kQkK; ++b, dst += kQkK) {
        const BlockQ5_K& blk = blocks[b];
        const float d = fp16_to_fp32(blk.d);
        const float dmin = fp16_to_fp32(blk.dmin);
        for (int j = 0; j < 8; ++j) {
            int sc = 0;
            int m = 0;
            unpack_k_scale_min(blk.scales, j, sc, m);
            const uint8_t* qs = blk.qs + 32 * (j / 2);
            const int shift = (j % 2) * 4;
            for (int l = 0; l < 32; ++l) {
                const int q = ((qs[l] >> shift) & 0x0f) | (((blk.qh[l] >> j) & 1) << 4);
                dst[32 * j + l] =
                    d * static_cast<float>(sc) * static_cast<float>(q) - dmin * static_cast<float>(m);
            }
        }
    }
}

void dequant_q6_k(const void* src, int64_t n, float* dst) {
    const auto* blocks = static_cast<const BlockQ6_K*>(src);
    for (int64_t b = 0; b < n / kQkK; ++b, dst += kQkK) {
        const BlockQ6_K& blk = blocks[b];
        const float d = fp16_to_fp32(blk.d);
        for (int h = 0; h < 2; ++h) {
            for (int t = 0; t < 4; ++t) {
                for (int l = 0; l < 32; ++l) {
                    const uint8_t low_byte = blk.ql[64 * h + l + 32 * (t & 1)];
                    const int low = t < 2 ? (low_byte & 0x0f) : (low_byte >> 4);
                    const int high = (blk.qh[32 * h + l] >> (2 * t)) & 3;
                    const int e = 128 * h + 32 * t + l;
                    dst[e] = d * static_cast<float>(blk.scales[e / 16]) *
                             static_cast<float>((low | (high << 4)) - 32);
                }
            }
        }
    }
}

void dequant_q8_k(const void* src, int64_t n, float* dst) {
    const auto* blocks = static_cast<const BlockQ8_K*>(src);
    for (int64_t b = 0; b < n / kQkK; ++b, dst += kQkK) {
        for (int i = 0; i < kQkK; ++i)
            dst[i] = blocks[b].d * static_cast<float>(blocks[b].qs[i]);
    }
}

// Indexed by DType; I32 holds no weights.
constexpr std::array<DequantFn, 13> kDequant = {
    dequant_f32,  dequant_f16,  dequant_bf16, dequant_q8_0, dequant_q4_0, dequant_q4_1, dequant_q5_0,
    dequant_q5_1, dequant_q4_k, dequant_q5_k, dequant_q6_k, dequant_q8_k, nullptr,
};

}  // namespace

void dequantize_row(DType dtype, const void* src, int64_t n, float* dst) {
    const DequantFn fn = kDequant[static_cast<size_t>(dtype)];
    VELA_ASSERT(fn != nullptr, "dequantize_row: the dtype holds no weights");
    VELA_ASSERT(n % traits(dtype).block_elems == 0, "dequantize_row: n is not a multiple of the block size");
    fn(src, n, dst);
}

}  // namespace vela::kernels
