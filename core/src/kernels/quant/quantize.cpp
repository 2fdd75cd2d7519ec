// quantize_row and the activation quantizers: f32 rows to every block format vela writes.
//
// The weight quantizers choose scales simply and deterministically (they serve the test-model
// generator and in-situ quantization, where readability beats the last bit of accuracy):
//  - symmetric formats (Q8_0, Q4_0, Q5_0, Q6_K sub-blocks) map the element of largest magnitude to the
//    most negative code, using the full signed range;
//  - formats with a min (Q4_1, Q5_1, Q4_K, Q5_K sub-blocks) map [min, max] onto [0, 2^bits - 1]; the
//    K formats clamp the sub-block min at 0 (their stored mins are non-negative) and round the 6-bit
//    sub-block scales up, so the rounded affine map still covers the sub-block;
//  - every code is computed against the scales as stored (after F16 and 6-bit rounding), so the only
//    error left is the code rounding itself plus any clamping at the edges.
#include "kernels/quant/quantize.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>

#include "kernels/ops.h"
#include "tensor/fp16.h"
#include "vela/core/assert.h"

namespace vela::kernels {
namespace {

using QuantFn = void (*)(const float* src, int64_t n, void* dst);

int round_even(float v) {
    return static_cast<int>(std::nearbyint(v));
}

int clamp_int(int v, int lo, int hi) {
    return std::min(std::max(v, lo), hi);
}

// The element of largest magnitude, with its sign.
float signed_absmax(const float* x, int n) {
    float best = 0.0f;
    for (int i = 0; i < n; ++i) {
        if (std::fabs(x[i]) > std::fabs(best)) best = x[i];
    }
    return best;
}

void quant_f32(const float* src, int64_t n, void* dst) {
    std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(float));
}

void quant_f16(const float* src, int64_t n, void* dst) {
    auto* h = static_cast<uint16_t*>(dst);
    for (int64_t i = 0; i < n; ++i)
        h[i] = fp32_to_fp16(src[i]);
}

void quant_bf16(const float* src, int64_t n, void* dst) {
    auto* h = static_cast<uint16_t*>(dst);
    for (int64_t i = 0; i < n; ++i)
        h[i] = fp32_to_bf16(src[i]);
}

void quant_q8_0(const float* src, int64_t n, void* dst) {
    auto* blocks = static_cast<BlockQ8_0*>(dst);
    for (int64_t b = 0; b < n / kQk32; ++b, src += kQk32) {
        float amax = 0.0f;
        for (int i = 0; i < kQk32; ++i)
            amax = std::max(amax, std::fabs(src[i]));
        blocks[b].d = fp32_to_fp16(amax / 127.0f);
        const float d = fp16_to_fp32(blocks[b].d);
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        for (int i = 0; i < kQk32; ++i) {
            blocks[b].qs[i] = static_cast<int8_t>(clamp_int(round_even(src[i] * id), -127, 127));
        }
    }
}

// Codes of a symmetric 32-element block with 2^bits levels: d = extreme / -2^(bits-1).
float quant_symmetric32(const float* x, int bits, uint16_t& d_bits, int q[kQk32]) {
    const int half = 1 << (bits - 1);
    d_bits = fp32_to_fp16(signed_absmax(x, kQk32) / static_cast<float>(-half));
    const float d = fp16_to_fp32(d_bits);
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    for (int i = 0; i < kQk32; ++i)
        q[i] = clamp_int(round_even(x[i] * id) + half, 0, 2 * half - 1);
    return d;
}

// Codes of an affine 32-element block with 2^bits levels: x ~ d * q + m.
void quant_affine32(const float* x, int bits, uint16_t& d_bits, uint16_t& m_bits, int q[kQk32]) {
    const int top = (1 << bits) - 1;
    const float lo = *std::min_element(x, x + kQk32);
    const float hi = *std::max_element(x, x + kQk32);
    d_bits = fp32_to_fp16((hi - lo) / static_cast<float>(top));
    m_bits = fp32_to_fp16(lo);
    const float d = fp16_to_fp32(d_bits);
    const float m = fp16_to_fp32(m_bits);
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    for (int i = 0; i < kQk32; ++i)
        q[i] = clamp_int(round_even((x[i] - m) * id), 0, top);
}

void pack_nibbles32(const int q[kQk32], uint8_t qs[16]) {
    for (int j = 0; j < 16; ++j)
        qs[j] = static_cast<uint8_t>((q[j] & 0x0f) | ((q[j + 16] & 0x0f) << 4));
}

void pack_high_bits32(const int q[kQk32], uint8_t qh_bytes[4]) {
    uint32_t qh = 0;
    for (int i = 0; i < kQk32; ++i)
        qh |= static_cast<uint32_t>((q[i] >> 4) & 1) << i;
    std::memcpy(qh_bytes, &qh, 4);
}

void quant_q4_0(const float* src, int64_t n, void* dst) {
    auto* blocks = static_cast<BlockQ4_0*>(dst);
    int q[kQk32];
    for (int64_t b = 0; b < n / kQk32; ++b, src += kQk32) {
        quant_symmetric32(src, 4, blocks[b].d, q);
        pack_nibbles32(q, blocks[b].qs);
    }
}

void quant_q4_1(const float* src, int64_t n, void* dst) {
    auto* blocks = static_cast<BlockQ4_1*>(dst);
    int q[kQk32];
    for (int64_t b = 0; b < n / kQk32; ++b, src += kQk32) {
        quant_affine32(src, 4, blocks[b].d, blocks[b].m, q);
        pack_nibbles32(q, blocks[b].qs);
    }
}

void quant_q5_0(const float* src, int64_t n, void* dst) {
    auto* blocks = static_cast<BlockQ5_0*>(dst);
    int q[kQk32];
    for (int64_t b = 0; b < n / kQk32; ++b, src += kQk32) {
        quant_symmetric32(src, 5, blocks[b].d, q);
        pack_nibbles32(q, blocks[b].qs);
        pack_high_bits32(q, blocks[b].qh);
    }
}

void quant_q5_1(const float* src, int64_t n, void* dst) {
    auto* blocks = static_cast<BlockQ5_1*>(dst);
    int q[kQk32];
    for (int64_t b = 0; b < n / kQk32; ++b, src += kQk32) {
        quant_affine32(src, 5, blocks[b].d, blocks[b].m, q);
        pack_nibbles32(q, blocks[b].qs);
        pack_high_bits32(q, blocks[b].qh);
    }
}

// Scales, mins and codes of one Q4_K/Q5_K super-block with 2^bits levels per element:
// x ~ d * sc[j] * q - dmin * m[j] for sub-block j.
void quant_k_affine(const float* x, int bits, uint16_t& d_bits, uint16_t& dmin_bits, uint8_t scales[12],
                    int q[kQkK]) {
    const int top = (1 << bits) - 1;
    float sub_scale[8];
    float sub_min[8];  // -min(0, lowest element): non-negative
    float max_scale = 0.0f;
    float max_min = 0.0f;
    for (int j = 0; j < 8; ++j) {
        const float* s = x + 32 * j;
        const float lo = std::min(0.0f, *std::min_element(s, s + 32));
        const float hi = *std::max_element(s, s + 32);
        sub_scale[j] = (hi - lo) / static_cast<float>(top);
        sub_min[j] = -lo;
        max_scale = std::max(max_scale, sub_scale[j]);
        max_min = std::max(max_min, sub_min[j]);
    }
    // Round the super-block scales up in F16 so the 6-bit codes below never exceed 63.
    d_bits = fp32_to_fp16(max_scale / 63.0f);
    if (fp16_to_fp32(d_bits) * 63.0f < max_scale) ++d_bits;
    dmin_bits = fp32_to_fp16(max_min / 63.0f);
    const float d = fp16_to_fp32(d_bits);
    const float dmin = fp16_to_fp32(dmin_bits);
    uint8_t sc[8];
    uint8_t m[8];
    for (int j = 0; j < 8; ++j) {
        sc[j] = static_cast<uint8_t>(
            d > 0.0f ? clamp_int(static_cast<int>(std::ceil(sub_scale[j] / d)), 0, 63) : 0);
        m[j] = static_cast<uint8_t>(dmin > 0.0f ? clamp_int(round_even(sub_min[j] / dmin), 0, 63) : 0);
    }
    pack_k_scale_min(sc, m, scales);
    for (int j = 0; j < 8; ++j) {
        const float step = d * static_cast<float>(sc[j]);
        const float offset = dmin * static_cast<float>(m[j]);
        const float inv = step > 0.0f ? 1.0f / step : 0.0f;
        for (int l = 0; l < 32; ++l)
            q[32 * j + l] = clamp_int(round_even((x[32 * j + l] + offset) * inv), 0, top);
    }
}

void quant_q4_k(const float* src, int64_t n, void* dst) {
    auto* blocks = static_cast<BlockQ4_K*>(dst);
    int q[kQkK];
    for (int64_t b = 0; b < n / kQkK; ++b, src += kQkK) {
        BlockQ4_K& blk = blocks[b];
        quant_k_affine(src, 4, blk.d, blk.dmin, blk.scales, q);
        for (int c = 0; c < 4; ++c) {
            for (int l = 0; l < 32; ++l) {
                blk.qs[32 * c + l] = static_cast<uint8_t>(q[64 * c + l] | (q[64 * c + 32 + l] << 4));
            }
        }
    }
}

void quant_q5_k(const float* src, int64_t n, void* dst) {
    auto* blocks = static_cast<BlockQ5_K*>(dst);
    int q[kQkK];
    for (int64_t b = 0; b < n / kQkK; ++b, src += kQkK) {
        BlockQ5_K& blk = blocks[b];
        quant_k_affine(src, 5, blk.d, blk.dmin, blk.scales, q);
        std::memset(blk.qh, 0, sizeof(blk.qh));
        for (int c = 0; c < 4; ++c) {
            for (int l = 0; l < 32; ++l) {
                blk.qs[32 * c + l] =
                    static_cast<uint8_t>((q[64 * c + l] & 0x0f) | ((q[64 * c + 32 + l] & 0x0f) << 4));
            }
        }
        for (int j = 0; j < 8; ++j) {
            for (int l = 0; l < 32; ++l)
                blk.qh[l] = static_cast<uint8_t>(blk.qh[l] | (((q[32 * j + l] >> 4) & 1) << j));
        }
    }
}

void quant_q6_k(const float* src, int64_t n, void* dst) {
    auto* blocks = static_cast<BlockQ6_K*>(dst);
    for (int64_t b = 0; b < n / kQkK; ++b, src += kQkK) {
        BlockQ6_K& blk = blocks[b];
        float sub_scale[16];  // signed: the extreme element maps to code -32
        float max_abs_scale = 0.0f;
        for (int j = 0; j < 16; ++j) {
            sub_scale[j] = signed_absmax(src + 16 * j, 16) / -32.0f;
            max_abs_scale = std::max(max_abs_scale, std::fabs(sub_scale[j]));
        }
        blk.d = fp32_to_fp16(max_abs_scale / 127.0f);
        const float d = fp16_to_fp32(blk.d);
        int q[kQkK];
        for (int j = 0; j < 16; ++j) {
            const int sc = d > 0.0f ? clamp_int(round_even(sub_scale[j] / d), -127, 127) : 0;
            blk.scales[j] = static_cast<int8_t>(sc);
            const float step = d * static_cast<float>(sc);
            const float inv = step != 0.0f ? 1.0f / step : 0.0f;
            for (int l = 0; l < 16; ++l)
                q[16 * j + l] = clamp_int(round_even(src[16 * j + l] * inv) + 32, 0, 63);
        }
        std::memset(blk.qh, 0, sizeof(blk.qh));
        for (int h = 0; h < 2; ++h) {
            for (int l = 0; l < 32; ++l) {
                const int* qq = q + 128 * h + l;
                blk.ql[64 * h + l] = static_cast<uint8_t>((qq[0] & 0x0f) | ((qq[64] & 0x0f) << 4));
                blk.ql[64 * h + l + 32] = static_cast<uint8_t>((qq[32] & 0x0f) | ((qq[96] & 0x0f) << 4));
                blk.qh[32 * h + l] = static_cast<uint8_t>((qq[0] >> 4) | ((qq[32] >> 4) << 2) |
                                                          ((qq[64] >> 4) << 4) | ((qq[96] >> 4) << 6));
            }
        }
    }
}

void quant_q8_k(const float* src, int64_t n, void* dst) {
    quantize_act_q8k(src, n, static_cast<BlockQ8_K*>(dst));
}

// Indexed by DType; I32 is not a float format.
constexpr std::array<QuantFn, 13> kQuant = {
    quant_f32,  quant_f16,  quant_bf16, quant_q8_0, quant_q4_0, quant_q4_1, quant_q5_0,
    quant_q5_1, quant_q4_k, quant_q5_k, quant_q6_k, quant_q8_k, nullptr,
};

}  // namespace

void quantize_act_q8(const float* x, int64_t k, ActBlockQ8* out) {
    for (int64_t b = 0; b < k / kQk32; ++b, x += kQk32) {
        float amax = 0.0f;
        for (int i = 0; i < kQk32; ++i)
            amax = std::max(amax, std::fabs(x[i]));
        const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
        int sum = 0;
        for (int i = 0; i < kQk32; ++i) {
            const int q = round_even(x[i] * id);
            out[b].qs[i] = static_cast<int8_t>(q);
            sum += q;
        }
        const float d = amax / 127.0f;
        out[b].d = round_to_fp16(d);
        out[b].ds = round_to_fp16(d * static_cast<float>(sum));
    }
}

void quantize_act_q8k(const float* x, int64_t k, BlockQ8_K* out) {
    for (int64_t b = 0; b < k / kQkK; ++b, x += kQkK) {
        float amax = 0.0f;
        for (int i = 0; i < kQkK; ++i)
            amax = std::max(amax, std::fabs(x[i]));
        const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
        for (int i = 0; i < kQkK; ++i)
            out[b].qs[i] = static_cast<int8_t>(round_even(x[i] * id));
        for (int j = 0; j < kQkK / 16; ++j) {
            int sum = 0;
            for (int l = 0; l < 16; ++l)
                sum += out[b].qs[16 * j + l];
            out[b].bsums[j] = static_cast<int16_t>(sum);
        }
        out[b].d = amax != 0.0f ? 1.0f / id : 0.0f;
    }
}

void quantize_row(DType dtype, const float* src, int64_t n, void* dst) {
    const QuantFn fn = kQuant[static_cast<size_t>(dtype)];
    VELA_ASSERT(fn != nullptr, "quantize_row: I32 is not a float format");
    VELA_ASSERT(n % traits(dtype).block_elems == 0, "quantize_row: n is not a multiple of the block size");
    fn(src, n, dst);
}

}  // namespace vela::kernels
