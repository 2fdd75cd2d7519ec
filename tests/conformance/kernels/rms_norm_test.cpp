// rms_norm on every SIMD backend against the reference (double sums), including in place (y == x)
// and rows whose length leaves SIMD tails. Tolerance 1e-5 relative to |y| + 1e-6 * |weight|: the
// f32 sum of squares is within dim * 2^-24 relative (dim <= 896: 5e-5 worst case, ~1e-6 typical with
// 8 lanes x 2 accumulators), which moves 1/sqrt by half that.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kernel_test_support.h"

namespace vela::kernels {
namespace {

TEST(RmsNorm, SimdBackendsMatchReference) {
    for (Backend backend : testing::simd_backends()) {
        for (int64_t dim : {1, 7, 64, 100, 896}) {
            SCOPED_TRACE(testing::backend_name(backend) + " dim=" + std::to_string(dim));
            const int64_t n_rows = 5;
            const std::vector<float> x = testing::random_floats(n_rows * dim, 3, 4.0f);
            const std::vector<float> w = testing::random_floats(dim, 4);
            std::vector<float> want(x.size());
            testing::table(Backend::Reference).rms_norm(x.data(), w.data(), n_rows, dim, 1e-6f, want.data());
            std::vector<float> got(x.size());
            testing::table(backend).rms_norm(x.data(), w.data(), n_rows, dim, 1e-6f, got.data());
            std::vector<float> in_place = x;
            testing::table(backend).rms_norm(in_place.data(), w.data(), n_rows, dim, 1e-6f, in_place.data());
            for (size_t i = 0; i < x.size(); ++i) {
                const float tolerance =
                    1e-5f * std::fabs(want[i]) + 1e-6f * std::fabs(w[i % static_cast<size_t>(dim)]);
                ASSERT_NEAR(got[i], want[i], tolerance) << "element " << i;
                ASSERT_EQ(in_place[i], got[i]) << "in-place result differs at " << i;
            }
        }
    }
}

TEST(RmsNorm, ReferenceMatchesHandComputation) {
    const float x[] = {3.0f, -4.0f};  // mean square 12.5
    const float w[] = {1.0f, 2.0f};
    float y[2];
    testing::table(Backend::Reference).rms_norm(x, w, 1, 2, 0.0f, y);
    EXPECT_NEAR(y[0], 3.0 / std::sqrt(12.5), 1e-6);
    EXPECT_NEAR(y[1], -8.0 / std::sqrt(12.5), 1e-6);
    // eps is added inside the root.
    const float zeros[] = {0.0f, 0.0f};
    testing::table(Backend::Reference).rms_norm(zeros, w, 1, 2, 1e-5f, y);
    EXPECT_EQ(y[0], 0.0f);
}

}  // namespace
}  // namespace vela::kernels
