// Conversions between f32 and the 16-bit float formats: IEEE binary16 (F16) and bfloat16 (BF16).
//
// f32 -> 16-bit conversions round to nearest, ties to even, as the hardware instructions (F16C's
// vcvtps2ph with rounding mode 0, AVX512-BF16's vcvtneps2bf16) and PyTorch do: so weights converted
// here equal those converted by the reference tools. Overflow gives infinity, NaN stays NaN (quiet,
// sign kept), and F16 subnormals are produced and read exactly. These scalar versions are the
// reference; SIMD kernels convert in bulk with the instructions named above.
#pragma once

#include <bit>
#include <cstdint>

namespace vela {

/// The f32 value of the F16 bit pattern `h` (exact).
float fp16_to_fp32(uint16_t h);

/// The F16 bit pattern nearest to `f` (ties to even; overflow to infinity; NaN stays NaN).
uint16_t fp32_to_fp16(float f);

/// The f32 value of the BF16 bit pattern `h` (exact).
inline float bf16_to_fp32(uint16_t h) {
    return std::bit_cast<float>(static_cast<uint32_t>(h) << 16);
}

/// The BF16 bit pattern nearest to `f` (ties to even; NaN stays a quiet NaN with the same sign).
inline uint16_t fp32_to_bf16(float f) {
    const uint32_t bits = std::bit_cast<uint32_t>(f);
    if ((bits & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((bits >> 16) | 0x0040u);
    const uint32_t rounding = 0x7fffu + ((bits >> 16) & 1u);
    return static_cast<uint16_t>((bits + rounding) >> 16);
}

/// `f` rounded to the nearest F16 value, as f32.
inline float round_to_fp16(float f) {
    return fp16_to_fp32(fp32_to_fp16(f));
}

/// `f` rounded to the nearest BF16 value, as f32.
inline float round_to_bf16(float f) {
    return bf16_to_fp32(fp32_to_bf16(f));
}

}  // namespace vela
