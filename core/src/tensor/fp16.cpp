#include "tensor/fp16.h"

namespace vela {

float fp16_to_fp32(uint16_t h) {
    const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
    const uint32_t exponent = (h >> 10) & 0x1fu;
    uint32_t mantissa = h & 0x3ffu;
    uint32_t bits = 0;
    if (exponent == 0x1f) {
        bits = sign | 0x7f800000u | (mantissa << 13);  // inf or NaN (payload kept)
    } else if (exponent != 0) {
        bits = sign | ((exponent + 112u) << 23) | (mantissa << 13);  // normal: rebias 15 -> 127
    } else if (mantissa == 0) {
        bits = sign;  // signed zero
    } else {
        // Subnormal: value = mantissa * 2^-24; normalize it into an f32 normal.
        int32_t e = 113;  // exponent of 2^-14 in f32 bias terms, before normalizing
        while ((mantissa & 0x400u) == 0) {
            mantissa <<= 1;
            --e;
        }
        bits = sign | (static_cast<uint32_t>(e) << 23) | ((mantissa & 0x3ffu) << 13);
    }
    return std::bit_cast<float>(bits);
}

uint16_t fp32_to_fp16(float f) {
    const uint32_t bits = std::bit_cast<uint32_t>(f);
    const auto sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
    const uint32_t abs = bits & 0x7fffffffu;
    if (abs > 0x7f800000u) {
        // NaN: keep the top payload bits and force quiet.
        return static_cast<uint16_t>(sign | 0x7e00u | ((abs >> 13) & 0x3ffu));
    }
    if (abs >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // rounds past 65504: inf
    const uint32_t exponent = abs >> 23;
    if (exponent >= 113) {
        // Normal F16: drop 13 mantissa bits with round-to-nearest-even; a carry into the exponent is
        // the correct result (it cannot overflow, checked above).
        const uint32_t rebased = abs - (112u << 23);
        const uint32_t rounding = 0xfffu + ((rebased >> 13) & 1u);
        return static_cast<uint16_t>(sign | ((rebased + rounding) >> 13));
    }
    if (exponent < 102) return sign;  // below half of the smallest subnormal (2^-25): rounds to zero
    // Subnormal F16: value / 2^-24 rounded to nearest even, from the full 24-bit significand.
    const uint32_t significand = (abs & 0x7fffffu) | 0x800000u;
    const uint32_t shift = 126u - exponent;  // 14..24
    const uint32_t kept = significand >> shift;
    const uint32_t rest = significand & ((1u << shift) - 1u);
    const uint32_t half = 1u << (shift - 1u);
    const uint32_t rounded = kept + ((rest > half || (rest == half && (kept & 1u))) ? 1u : 0u);
    return static_cast<uint16_t>(sign | rounded);
}

}  // namespace vela
