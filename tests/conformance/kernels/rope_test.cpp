// rope on every SIMD backend against the reference (angles and cos/sin in double): both pairings,
// partial rotation (rot_dim < head_dim leaves the rest untouched), the YaRN mscale, large positions,
// and head sizes with SIMD tails. Tolerance 2e-6 of the pair's norm: the SIMD path rounds cos/sin to
// f32 (2^-24) and forms each output with one product and one fused multiply-add (2 more roundings),
// so each output is within ~3 * 2^-24 of the pair's magnitude (times mscale <= 1.2).
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "kernel_test_support.h"

namespace vela::kernels {
namespace {

std::vector<float> frequencies(int32_t rot_dim, double base) {
    std::vector<float> f(static_cast<size_t>(rot_dim / 2));
    for (size_t i = 0; i < f.size(); ++i)
        f[i] = static_cast<float>(std::pow(base, -2.0 * static_cast<double>(i) / rot_dim));
    return f;
}

TEST(Rope, SimdBackendsMatchReference) {
    const std::vector<int32_t> positions = {0, 1, 17, 4095, 131071};
    const int64_t n_tokens = static_cast<int64_t>(positions.size());
    struct Shape {
        int64_t head_dim;
        int32_t rot_dim;
    };
    for (Backend backend : testing::simd_backends()) {
        for (RopeStyle style : {RopeStyle::Neox, RopeStyle::Interleaved}) {
            for (Shape s : {Shape{64, 64}, Shape{128, 64}, Shape{20, 20}, Shape{80, 36}}) {
                for (float mscale : {1.0f, 1.2f}) {
                    SCOPED_TRACE(testing::backend_name(backend) +
                                 (style == RopeStyle::Neox ? " neox" : " interleaved") + " head_dim=" +
                                 std::to_string(s.head_dim) + " rot_dim=" + std::to_string(s.rot_dim));
                    const int64_t n_heads = 3;
                    const std::vector<float> inv_freq = frequencies(s.rot_dim, 1e6);
                    const RopeParams params{inv_freq, mscale, s.rot_dim, style};
                    const std::vector<float> x = testing::random_floats(n_tokens * n_heads * s.head_dim, 8);
                    std::vector<float> want = x;
                    std::vector<float> got = x;
                    testing::table(Backend::Reference)
                        .rope(want.data(), n_tokens, n_heads, s.head_dim, positions, params);
                    testing::table(backend).rope(got.data(), n_tokens, n_heads, s.head_dim, positions,
                                                 params);
                    for (size_t i = 0; i < x.size(); ++i) {
                        const auto e = static_cast<int64_t>(i) % s.head_dim;
                        if (e >= s.rot_dim) {
                            ASSERT_EQ(got[i], x[i]) << "pass-through dimension " << e << " changed";
                            continue;
                        }
                        // The partner of e in its rotated pair.
                        const int64_t half = s.rot_dim / 2;
                        const int64_t partner =
                            style == RopeStyle::Neox ? (e < half ? e + half : e - half) : (e ^ 1);
                        const size_t pi = i - static_cast<size_t>(e) + static_cast<size_t>(partner);
                        const double norm = std::hypot(x[i], x[pi]);
                        ASSERT_NEAR(got[i], want[i], 2e-6 * norm + 1e-30) << "element " << i;
                    }
                }
            }
        }
    }
}

TEST(Rope, ReferenceRotatesTheDocumentedPairs) {
    // Frequency 1 at position 1 turns (a, b) by 1 radian; a quarter turn with frequency pi/2.
    const std::vector<float> inv_freq = {static_cast<float>(std::numbers::pi / 2), 0.0f};
    const std::vector<int32_t> pos = {1};
    std::vector<float> neox = {1.0f, 5.0f, 0.0f, 7.0f};  // pairs (0, 2) and (1, 3)
    testing::table(Backend::Reference)
        .rope(neox.data(), 1, 1, 4, pos, RopeParams{inv_freq, 1.0f, 4, RopeStyle::Neox});
    EXPECT_NEAR(neox[0], 0.0f, 1e-6);  // (1, 0) -> (0, 1)
    EXPECT_NEAR(neox[2], 1.0f, 1e-6);
    EXPECT_NEAR(neox[1], 5.0f, 1e-6);  // frequency 0: unchanged
    EXPECT_NEAR(neox[3], 7.0f, 1e-6);
    std::vector<float> inter = {1.0f, 0.0f, 5.0f, 7.0f};  // pairs (0, 1) and (2, 3)
    testing::table(Backend::Reference)
        .rope(inter.data(), 1, 1, 4, pos, RopeParams{inv_freq, 2.0f, 4, RopeStyle::Interleaved});
    EXPECT_NEAR(inter[0], 0.0f, 1e-6);  // (1, 0) -> 2 * (0, 1)
    EXPECT_NEAR(inter[1], 2.0f, 1e-6);
    EXPECT_NEAR(inter[2], 10.0f, 1e-6);
    EXPECT_NEAR(inter[3], 14.0f, 1e-6);
}

}  // namespace
}  // namespace vela::kernels
