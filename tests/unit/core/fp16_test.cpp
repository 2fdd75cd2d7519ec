// F16/BF16 conversions: special values by hand, and every F16 value and a sweep of f32 values against
// the compiler's own _Float16 conversion (libgcc's soft-float, an independent implementation of
// IEEE round-to-nearest-even).
#include "tensor/fp16.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace vela {
namespace {

uint16_t bits_of(_Float16 h) {
    return std::bit_cast<uint16_t>(h);
}

TEST(Fp16, SpecialValues) {
    EXPECT_EQ(fp32_to_fp16(0.0f), 0x0000);
    EXPECT_EQ(fp32_to_fp16(-0.0f), 0x8000);
    EXPECT_EQ(fp32_to_fp16(1.0f), 0x3c00);
    EXPECT_EQ(fp32_to_fp16(-2.0f), 0xc000);
    EXPECT_EQ(fp32_to_fp16(65504.0f), 0x7bff);   // largest finite
    EXPECT_EQ(fp32_to_fp16(65519.99f), 0x7bff);  // still rounds down
    EXPECT_EQ(fp32_to_fp16(65520.0f), 0x7c00);   // the tie rounds to even: infinity
    EXPECT_EQ(fp32_to_fp16(std::numeric_limits<float>::infinity()), 0x7c00);
    EXPECT_EQ(fp32_to_fp16(-std::numeric_limits<float>::infinity()), 0xfc00);
    EXPECT_EQ(fp32_to_fp16(1e30f), 0x7c00);
    const uint16_t nan = fp32_to_fp16(std::numeric_limits<float>::quiet_NaN());
    EXPECT_EQ(nan & 0x7c00, 0x7c00);
    EXPECT_NE(nan & 0x03ff, 0);
    EXPECT_TRUE(std::isnan(fp16_to_fp32(nan)));
    EXPECT_EQ(fp32_to_fp16(-std::numeric_limits<float>::quiet_NaN()) & 0x8000, 0x8000);  // sign kept
    // A signalling NaN whose payload is only in the low bits stays a NaN (not infinity).
    EXPECT_TRUE(std::isnan(fp16_to_fp32(fp32_to_fp16(std::bit_cast<float>(0x7f800001u)))));
    // Subnormals: 2^-24 is the smallest; 2^-25 is a tie that rounds to even (zero); 3 * 2^-26 rounds up.
    EXPECT_EQ(fp32_to_fp16(std::ldexp(1.0f, -24)), 0x0001);
    EXPECT_EQ(fp32_to_fp16(std::ldexp(1.0f, -25)), 0x0000);
    EXPECT_EQ(fp32_to_fp16(std::ldexp(3.0f, -26)), 0x0001);
    EXPECT_EQ(fp32_to_fp16(std::ldexp(3.0f, -25)), 0x0002);     // 1.5 * 2^-24: tie to even (2)
    EXPECT_EQ(fp32_to_fp16(std::ldexp(1023.0f, -24)), 0x03ff);  // largest subnormal
    EXPECT_EQ(fp32_to_fp16(std::ldexp(1.0f, -14)), 0x0400);     // smallest normal
    EXPECT_EQ(fp16_to_fp32(0x0001), std::ldexp(1.0f, -24));
    EXPECT_EQ(fp16_to_fp32(0x03ff), std::ldexp(1023.0f, -24));
    EXPECT_EQ(fp16_to_fp32(0x8001), -std::ldexp(1.0f, -24));
    // Normal ties: 1 + 2^-11 is halfway between 1 and 1 + 2^-10 -> 1 (even); 1 + 3 * 2^-11 -> 1 + 2^-9.
    EXPECT_EQ(fp32_to_fp16(1.0f + std::ldexp(1.0f, -11)), 0x3c00);
    EXPECT_EQ(fp32_to_fp16(1.0f + std::ldexp(3.0f, -11)), 0x3c02);
    EXPECT_EQ(fp32_to_fp16(1.0f + std::ldexp(1.0f, -11) + std::ldexp(1.0f, -20)), 0x3c01);  // past the tie
}

TEST(Fp16, EveryF16ValueRoundTripsAndMatchesCompiler) {
    for (uint32_t h = 0; h < 65536; ++h) {
        const auto bits = static_cast<uint16_t>(h);
        const float f = fp16_to_fp32(bits);
        const float expected = static_cast<float>(std::bit_cast<_Float16>(bits));
        if (std::isnan(expected)) {
            ASSERT_TRUE(std::isnan(f)) << std::hex << h;
            continue;
        }
        ASSERT_EQ(std::bit_cast<uint32_t>(f), std::bit_cast<uint32_t>(expected)) << std::hex << h;
        ASSERT_EQ(fp32_to_fp16(f), bits) << std::hex << h;
    }
}

TEST(Fp16, F32SweepMatchesCompilerRounding) {
    // Every 1021st f32 bit pattern covers all exponents and many rounding cases (ties included near
    // multiples of the stride's period); NaNs only need to stay NaN.
    for (uint64_t i = 0; i <= 0xffffffffull; i += 1021) {
        const auto bits = static_cast<uint32_t>(i);
        const float f = std::bit_cast<float>(bits);
        if (std::isnan(f)) {
            ASSERT_TRUE(std::isnan(fp16_to_fp32(fp32_to_fp16(f))));
            continue;
        }
        ASSERT_EQ(fp32_to_fp16(f), bits_of(static_cast<_Float16>(f))) << std::hex << bits;
    }
}

TEST(Bf16, SpecialValuesAndRounding) {
    EXPECT_EQ(fp32_to_bf16(1.0f), 0x3f80);
    EXPECT_EQ(fp32_to_bf16(-0.0f), 0x8000);
    EXPECT_EQ(fp32_to_bf16(std::numeric_limits<float>::infinity()), 0x7f80);
    EXPECT_EQ(fp32_to_bf16(std::numeric_limits<float>::max()), 0x7f80);    // rounds up to infinity
    EXPECT_EQ(fp32_to_bf16(std::bit_cast<float>(0x3f808000u)), 0x3f80);    // tie, even stays
    EXPECT_EQ(fp32_to_bf16(std::bit_cast<float>(0x3f818000u)), 0x3f82);    // tie, odd rounds up
    EXPECT_EQ(fp32_to_bf16(std::bit_cast<float>(0x3f808001u)), 0x3f81);    // past the tie
    EXPECT_EQ(fp32_to_bf16(std::bit_cast<float>(0x00000001u)), 0x0000);    // smallest subnormal -> 0
    EXPECT_EQ(fp32_to_bf16(std::bit_cast<float>(0x00018000u)), 0x0002);    // subnormal tie to even
    const uint16_t nan = fp32_to_bf16(std::bit_cast<float>(0xff800001u));  // signalling, low payload
    EXPECT_TRUE(std::isnan(bf16_to_fp32(nan)));
    EXPECT_EQ(nan & 0x8000, 0x8000);
    for (uint32_t h = 0; h < 65536; ++h) {
        const float f = bf16_to_fp32(static_cast<uint16_t>(h));
        ASSERT_EQ(std::bit_cast<uint32_t>(f), h << 16);
        if (!std::isnan(f)) {
            ASSERT_EQ(fp32_to_bf16(f), h);
        }
    }
}

}  // namespace
}  // namespace vela
