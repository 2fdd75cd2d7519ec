// Block quantization: known-answer blocks built by hand from the GGUF format descriptions (so the
// dequantizers are checked against the spec, not against our quantizers), quantize -> dequantize error
// bounds per type on random data, and the activation quantizers against their documented rules.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "kernels/ops.h"
#include "kernels/quant/block_formats.h"
#include "kernels/quant/quantize.h"
#include "tensor/fp16.h"

namespace vela::kernels {
namespace {

constexpr uint16_t kHalf = 0x3800;      // 0.5 in F16
constexpr uint16_t kOne = 0x3c00;       // 1.0
constexpr uint16_t kTwo = 0x4000;       // 2.0
constexpr uint16_t kMinusTwo = 0xc000;  // -2.0
constexpr uint16_t kQuarter = 0x3400;   // 0.25

std::vector<float> dequantize(DType dtype, const void* block, int64_t n) {
    std::vector<float> out(static_cast<size_t>(n));
    dequantize_row(dtype, block, n, out.data());
    return out;
}

TEST(QuantKnownAnswer, Q8_0) {
    BlockQ8_0 b{};
    b.d = kHalf;
    for (int i = 0; i < 32; ++i)
        b.qs[i] = static_cast<int8_t>(i - 16);
    const auto x = dequantize(DType::Q8_0, &b, 32);
    for (int i = 0; i < 32; ++i)
        EXPECT_EQ(x[i], 0.5f * static_cast<float>(i - 16)) << i;
}

TEST(QuantKnownAnswer, Q4_0AndQ4_1NibbleOrder) {
    // Byte j: element j in the low nibble, element j + 16 in the high nibble.
    BlockQ4_0 b{};
    b.d = kTwo;
    for (int j = 0; j < 16; ++j)
        b.qs[j] = static_cast<uint8_t>(j | ((15 - j) << 4));
    const auto x = dequantize(DType::Q4_0, &b, 32);
    for (int j = 0; j < 16; ++j) {
        EXPECT_EQ(x[j], 2.0f * static_cast<float>(j - 8)) << j;
        EXPECT_EQ(x[j + 16], 2.0f * static_cast<float>(7 - j)) << j;
    }
    BlockQ4_1 c{};
    c.d = kOne;
    c.m = kMinusTwo;
    std::memcpy(c.qs, b.qs, 16);
    const auto y = dequantize(DType::Q4_1, &c, 32);
    for (int j = 0; j < 16; ++j) {
        EXPECT_EQ(y[j], static_cast<float>(j) - 2.0f) << j;
        EXPECT_EQ(y[j + 16], static_cast<float>(15 - j) - 2.0f) << j;
    }
}

TEST(QuantKnownAnswer, Q5_0AndQ5_1HighBits) {
    // qh = 0x80000001 little-endian: bits 0 and 31 set -> elements 0 and 31 get +16.
    BlockQ5_0 b{};
    b.d = kOne;
    b.qh[0] = 0x01;
    b.qh[3] = 0x80;
    for (int j = 0; j < 16; ++j)
        b.qs[j] = static_cast<uint8_t>(3 | (12 << 4));
    const auto x = dequantize(DType::Q5_0, &b, 32);
    EXPECT_EQ(x[0], 3.0f + 16.0f - 16.0f);
    EXPECT_EQ(x[1], 3.0f - 16.0f);
    EXPECT_EQ(x[16], 12.0f - 16.0f);
    EXPECT_EQ(x[31], 12.0f + 16.0f - 16.0f);
    BlockQ5_1 c{};
    c.d = kHalf;
    c.m = kOne;
    std::memcpy(c.qh, b.qh, 4);
    std::memcpy(c.qs, b.qs, 16);
    const auto y = dequantize(DType::Q5_1, &c, 32);
    EXPECT_EQ(y[0], 0.5f * 19.0f + 1.0f);
    EXPECT_EQ(y[15], 0.5f * 3.0f + 1.0f);
    EXPECT_EQ(y[30], 0.5f * 12.0f + 1.0f);
    EXPECT_EQ(y[31], 0.5f * 28.0f + 1.0f);
}

// Sub-block scales {1, 2, 3, 4, 5, 6, 7, 63} and mins {0, 1, 2, 3, 60, 61, 62, 63}, packed by hand:
// bytes 0-3 hold sc0-3 in their low 6 bits and the top 2 bits of sc4-7; bytes 4-7 the same for the
// mins; bytes 8-11 the low nibbles of sc4-7 (low) and m4-7 (high).
constexpr uint8_t kKScales[12] = {0x01, 0x02, 0x03, 0xc4, 0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xd6, 0xe7, 0xff};
constexpr int kKSc[8] = {1, 2, 3, 4, 5, 6, 7, 63};
constexpr int kKMin[8] = {0, 1, 2, 3, 60, 61, 62, 63};

TEST(QuantKnownAnswer, Q4_K) {
    BlockQ4_K b{};
    b.d = kOne;
    b.dmin = kHalf;
    std::memcpy(b.scales, kKScales, 12);
    // qs[32c + l]: low nibble -> sub-block 2c element l (code l % 16), high -> sub-block 2c+1 ((l + c) % 16).
    for (int c = 0; c < 4; ++c) {
        for (int l = 0; l < 32; ++l)
            b.qs[32 * c + l] = static_cast<uint8_t>((l & 15) | (((l + c) & 15) << 4));
    }
    const auto x = dequantize(DType::Q4_K, &b, 256);
    for (int j = 0; j < 8; ++j) {
        for (int l = 0; l < 32; ++l) {
            const int q = j % 2 == 0 ? (l & 15) : ((l + j / 2) & 15);
            EXPECT_EQ(x[32 * j + l], static_cast<float>(kKSc[j] * q) - 0.5f * static_cast<float>(kKMin[j]))
                << "sub-block " << j << " element " << l;
        }
    }
}

TEST(QuantKnownAnswer, Q5_K) {
    BlockQ5_K b{};
    b.d = kHalf;
    b.dmin = kOne;
    std::memcpy(b.scales, kKScales, 12);
    for (int l = 0; l < 32; ++l)
        b.qh[l] = static_cast<uint8_t>(l * 37 + 5);  // bit j: 5th bit of sub-block j
    for (int c = 0; c < 4; ++c) {
        for (int l = 0; l < 32; ++l)
            b.qs[32 * c + l] = static_cast<uint8_t>(((l + 1) & 15) | ((l & 7) << 4));
    }
    const auto x = dequantize(DType::Q5_K, &b, 256);
    for (int j = 0; j < 8; ++j) {
        for (int l = 0; l < 32; ++l) {
            const int low = j % 2 == 0 ? ((l + 1) & 15) : (l & 7);
            const int high = ((l * 37 + 5) >> j) & 1;
            const int q = low + 16 * high;
            EXPECT_EQ(x[32 * j + l], 0.5f * static_cast<float>(kKSc[j] * q) - static_cast<float>(kKMin[j]))
                << "sub-block " << j << " element " << l;
        }
    }
}

TEST(QuantKnownAnswer, Q6_K) {
    // Codes q(e) = 5e mod 64, scales j - 8 (negative ones included), d = 0.25. Packing per the format:
    // in half h and l < 32, ql[64h + l] holds q(128h + l) (low nibble) and q(128h + l + 64) (high);
    // ql[64h + l + 32] holds q(128h + l + 32) and q(128h + l + 96); qh[32h + l] holds the top 2 bits
    // of those four codes at bits 0, 2, 4, 6 in the order +0, +32, +64, +96.
    auto code = [](int e) { return (5 * e) % 64; };
    BlockQ6_K b{};
    b.d = kQuarter;
    for (int j = 0; j < 16; ++j)
        b.scales[j] = static_cast<int8_t>(j - 8);
    for (int h = 0; h < 2; ++h) {
        for (int l = 0; l < 32; ++l) {
            const int e = 128 * h + l;
            b.ql[64 * h + l] = static_cast<uint8_t>((code(e) & 15) | ((code(e + 64) & 15) << 4));
            b.ql[64 * h + l + 32] = static_cast<uint8_t>((code(e + 32) & 15) | ((code(e + 96) & 15) << 4));
            b.qh[32 * h + l] = static_cast<uint8_t>((code(e) >> 4) | ((code(e + 32) >> 4) << 2) |
                                                    ((code(e + 64) >> 4) << 4) | ((code(e + 96) >> 4) << 6));
        }
    }
    const auto x = dequantize(DType::Q6_K, &b, 256);
    for (int e = 0; e < 256; ++e) {
        EXPECT_EQ(x[e], 0.25f * static_cast<float>((e / 16 - 8) * (code(e) - 32))) << "element " << e;
    }
}

TEST(QuantKnownAnswer, Q8_K) {
    BlockQ8_K b{};
    b.d = 0.125f;
    for (int i = 0; i < 256; ++i)
        b.qs[i] = static_cast<int8_t>(i % 255 - 127);
    const auto x = dequantize(DType::Q8_K, &b, 256);
    for (int i = 0; i < 256; ++i)
        EXPECT_EQ(x[i], 0.125f * static_cast<float>(i % 255 - 127));
}

// ---- quantize -> dequantize error bounds ----

struct Stats {
    float amax = 0.0f, lo = 0.0f, hi = 0.0f;
};
Stats stats(const float* x, int n) {
    Stats s{0.0f, x[0], x[0]};
    for (int i = 0; i < n; ++i) {
        s.amax = std::max(s.amax, std::fabs(x[i]));
        s.lo = std::min(s.lo, x[i]);
        s.hi = std::max(s.hi, x[i]);
    }
    return s;
}

// The largest error the quantizer may make on element i of a block; the bounds follow from
// quant/quantize.cpp's scale choices (half a quantization step, plus the clamping that F16 or 6-bit
// rounding of a scale can cause at the block's extremes), with 1% slack for f32 arithmetic.
using BoundFn = float (*)(const float* block, int i);

float bound_q8_0(const float* b, int) {
    return stats(b, 32).amax / 254.0f * 1.01f;
}
float bound_q4_0(const float* b, int) {
    return stats(b, 32).amax / 8.0f * 1.01f;
}  // code 16 clamps to 15
float bound_q5_0(const float* b, int) {
    return stats(b, 32).amax / 16.0f * 1.01f;
}  // code 32 clamps to 31
float bound_q4_1(const float* b, int) {
    const Stats s = stats(b, 32);
    return (s.hi - s.lo) / 30.0f * 1.01f + std::fabs(s.lo) / 1024.0f;  // min rounded to F16
}
float bound_q5_1(const float* b, int) {
    const Stats s = stats(b, 32);
    return (s.hi - s.lo) / 62.0f * 1.01f + std::fabs(s.lo) / 1024.0f;
}
// K formats: step_j = d * sc_j with sc_j rounded up, so step_j <= range_j / levels + d and
// d <= max range / (levels * 63); the 6-bit min may be off by dmin / 2 <= max|min| / 126.
float bound_k(const float* b, int i, int levels) {
    float max_range = 0.0f;
    float max_min = 0.0f;
    for (int j = 0; j < 8; ++j) {
        const Stats s = stats(b + 32 * j, 32);
        max_range = std::max(max_range, s.hi - std::min(0.0f, s.lo));
        max_min = std::max(max_min, -std::min(0.0f, s.lo));
    }
    const Stats sub = stats(b + 32 * (i / 32), 32);
    const float range = sub.hi - std::min(0.0f, sub.lo);
    const float d = max_range / static_cast<float>(levels * 63);
    return ((range / static_cast<float>(levels) + d) / 2.0f + max_min / 126.0f) * 1.01f + 1e-7f;
}
float bound_q4_k(const float* b, int i) {
    return bound_k(b, i, 15);
}
float bound_q5_k(const float* b, int i) {
    return bound_k(b, i, 31);
}
// Q6_K: the extreme element maps to code -32, so a value of the opposite sign and the same magnitude
// clamps at +31: up to one step (amax_j / 32, plus d / 2 from rounding the int8 scale); the scale
// rounding can also make the extreme itself clamp, by at most 32 * d / 2 with d = max step / 127 =
// super-block amax / (32 * 127).
float bound_q6_k(const float* b, int i) {
    const float sub = stats(b + 16 * (i / 16), 16).amax;
    const float all = stats(b, 256).amax;
    return (sub / 32.0f + all / 254.0f + all / 8128.0f) * 1.01f;
}
float bound_q8_k(const float* b, int) {
    return stats(b, 256).amax / 254.0f * 1.01f;
}

struct RoundTripCase {
    DType dtype;
    BoundFn bound;
};

TEST(QuantRoundTrip, ErrorWithinBoundPerType) {
    const RoundTripCase cases[] = {
        {DType::Q8_0, bound_q8_0}, {DType::Q4_0, bound_q4_0}, {DType::Q4_1, bound_q4_1},
        {DType::Q5_0, bound_q5_0}, {DType::Q5_1, bound_q5_1}, {DType::Q4_K, bound_q4_k},
        {DType::Q5_K, bound_q5_k}, {DType::Q6_K, bound_q6_k}, {DType::Q8_K, bound_q8_k},
    };
    std::mt19937 rng(42);
    for (const RoundTripCase& c : cases) {
        SCOPED_TRACE(std::string(to_string(c.dtype)));
        const int64_t block = traits(c.dtype).block_elems;
        for (int trial = 0; trial < 40; ++trial) {
            // Gaussian rows with a varying scale per block, some with outliers, some all-positive,
            // one all zero.
            const int64_t n = 4 * block;
            std::vector<float> x(static_cast<size_t>(n));
            std::normal_distribution<float> dist(0.0f, 1.0f);
            for (int64_t i = 0; i < n; ++i)
                x[i] = dist(rng) * std::ldexp(1.0f, static_cast<int>(i / block) * 3 - 4);
            if (trial % 4 == 1) x[static_cast<size_t>(rng() % n)] *= 50.0f;
            if (trial % 4 == 2) {
                for (float& v : x)
                    v = std::fabs(v) + 0.5f;
            }
            if (trial == 3) std::fill(x.begin(), x.end(), 0.0f);
            std::vector<std::byte> q(static_cast<size_t>(row_bytes(c.dtype, n)));
            quantize_row(c.dtype, x.data(), n, q.data());
            const auto y = dequantize(c.dtype, q.data(), n);
            for (int64_t i = 0; i < n; ++i) {
                const float* blk = x.data() + i / block * block;
                const float bound = c.bound(blk, static_cast<int>(i % block));
                ASSERT_LE(std::fabs(y[i] - x[i]), bound)
                    << "trial " << trial << " element " << i << ": " << x[i] << " -> " << y[i];
            }
        }
    }
}

TEST(QuantRoundTrip, FloatFormats) {
    std::vector<float> x = {0.0f, -1.5f, 3.14159f, 1e-6f, -65504.0f, 1e5f};
    std::vector<uint16_t> h(x.size());
    quantize_row(DType::F16, x.data(), 6, h.data());
    const auto y = dequantize(DType::F16, h.data(), 6);
    for (size_t i = 0; i < x.size(); ++i)
        EXPECT_EQ(y[i], round_to_fp16(x[i]));
    quantize_row(DType::BF16, x.data(), 6, h.data());
    const auto z = dequantize(DType::BF16, h.data(), 6);
    for (size_t i = 0; i < x.size(); ++i)
        EXPECT_EQ(z[i], round_to_bf16(x[i]));
    std::vector<float> copy(6);
    quantize_row(DType::F32, x.data(), 6, copy.data());
    EXPECT_EQ(copy, x);
}

TEST(QuantRoundTrip, MeanSquaredErrorIsSmall) {
    // On unit Gaussians, the root-mean-square error per format (a quality floor, not just a bound).
    struct Expect {
        DType dtype;
        double max_rms;
    };
    const Expect expects[] = {{DType::Q8_0, 0.006}, {DType::Q6_K, 0.025}, {DType::Q5_K, 0.05},
                              {DType::Q5_0, 0.06},  {DType::Q5_1, 0.05},  {DType::Q4_K, 0.1},
                              {DType::Q4_0, 0.12},  {DType::Q4_1, 0.1}};
    std::mt19937 rng(7);
    std::normal_distribution<float> dist(0.0f, 1.0f);
    std::vector<float> x(4096);
    for (float& v : x)
        v = dist(rng);
    for (const Expect& e : expects) {
        std::vector<std::byte> q(static_cast<size_t>(row_bytes(e.dtype, 4096)));
        quantize_row(e.dtype, x.data(), 4096, q.data());
        const auto y = dequantize(e.dtype, q.data(), 4096);
        double sum_sq = 0.0;
        for (size_t i = 0; i < x.size(); ++i)
            sum_sq += (y[i] - x[i]) * (y[i] - x[i]);
        EXPECT_LT(std::sqrt(sum_sq / 4096.0), e.max_rms) << to_string(e.dtype);
    }
}

// ---- activation quantizers ----

TEST(ActivationQuant, Q8FollowsItsDefinition) {
    std::mt19937 rng(3);
    std::normal_distribution<float> dist(0.0f, 2.0f);
    std::vector<float> x(96);
    for (float& v : x)
        v = dist(rng);
    x[5] = 0.5f * (127.0f / 1.0f);  // nothing special, just a large value
    std::vector<ActBlockQ8> blocks(3);
    quantize_act_q8(x.data(), 96, blocks.data());
    for (int b = 0; b < 3; ++b) {
        float amax = 0.0f;
        for (int i = 0; i < 32; ++i)
            amax = std::max(amax, std::fabs(x[32 * b + i]));
        EXPECT_EQ(blocks[b].d, round_to_fp16(amax / 127.0f));
        int sum = 0;
        for (int i = 0; i < 32; ++i) {
            EXPECT_EQ(blocks[b].qs[i], static_cast<int>(std::nearbyint(x[32 * b + i] * (127.0f / amax))));
            sum += blocks[b].qs[i];
        }
        EXPECT_EQ(blocks[b].ds, round_to_fp16(amax / 127.0f * static_cast<float>(sum)));
    }
    // A zero block quantizes to zeros with d = 0.
    std::vector<float> zeros(32, 0.0f);
    quantize_act_q8(zeros.data(), 32, blocks.data());
    EXPECT_EQ(blocks[0].d, 0.0f);
    EXPECT_EQ(blocks[0].qs[7], 0);
}

TEST(ActivationQuant, Q8KSumsAndHalfEvenRounding) {
    std::vector<float> x(256);
    for (int i = 0; i < 256; ++i)
        x[i] = static_cast<float>(i % 64 - 32) * 0.25f;
    x[0] = 127.0f;  // amax 127 -> id = 1: codes are x rounded half to even
    x[1] = 2.5f;    // -> 2
    x[2] = 3.5f;    // -> 4
    x[3] = -2.5f;   // -> -2
    BlockQ8_K b{};
    quantize_act_q8k(x.data(), 256, &b);
    EXPECT_EQ(b.d, 1.0f);
    EXPECT_EQ(b.qs[0], 127);
    EXPECT_EQ(b.qs[1], 2);
    EXPECT_EQ(b.qs[2], 4);
    EXPECT_EQ(b.qs[3], -2);
    for (int j = 0; j < 16; ++j) {
        int sum = 0;
        for (int l = 0; l < 16; ++l)
            sum += b.qs[16 * j + l];
        EXPECT_EQ(b.bsums[j], sum) << j;
    }
}

}  // namespace
}  // namespace vela::kernels
