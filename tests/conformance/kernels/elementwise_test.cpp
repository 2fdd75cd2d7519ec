// silu_mul, add, add_rows and get_rows on every SIMD backend against the reference.
// add/add_rows are a single f32 addition per element: results must be identical. get_rows is a
// dequantization: identical. silu_mul's SIMD exp is within a few ulp and the division and product
// add 2 roundings: tolerance 1e-6 relative to |silu(g) * up| plus 1e-30 (tiny results flush).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kernel_test_support.h"

namespace vela::kernels {
namespace {

TEST(SiluMul, SimdBackendsMatchReference) {
    for (Backend backend : testing::simd_backends()) {
        SCOPED_TRACE(testing::backend_name(backend));
        const int64_t n = 1000 + 5;
        std::vector<float> gate = testing::random_floats(n, 1, 6.0f);
        gate[0] = 95.0f;   // exp(-g) underflows
        gate[1] = -95.0f;  // exp(-g) overflows to inf: silu -> -0
        gate[2] = 0.0f;
        gate[3] = -20.0f;
        const std::vector<float> up = testing::random_floats(n, 2, 2.0f);
        std::vector<float> want(n);
        testing::table(Backend::Reference).silu_mul(gate.data(), up.data(), n, want.data());
        std::vector<float> got(n);
        testing::table(backend).silu_mul(gate.data(), up.data(), n, got.data());
        std::vector<float> in_place = gate;
        testing::table(backend).silu_mul(in_place.data(), up.data(), n, in_place.data());
        for (int64_t i = 0; i < n; ++i) {
            ASSERT_NEAR(got[i], want[i], 1e-6 * std::fabs(want[i]) + 1e-30)
                << "gate " << gate[i] << " up " << up[i];
            ASSERT_EQ(in_place[i], got[i]);
        }
    }
}

TEST(SiluMul, ReferenceMatchesDefinition) {
    const float g[] = {1.0f, -2.0f};
    const float u[] = {3.0f, 0.5f};
    float y[2];
    testing::table(Backend::Reference).silu_mul(g, u, 2, y);
    EXPECT_NEAR(y[0], 1.0 / (1.0 + std::exp(-1.0)) * 3.0, 1e-6);
    EXPECT_NEAR(y[1], -2.0 / (1.0 + std::exp(2.0)) * 0.5, 1e-6);
}

TEST(Add, BackendsAreExact) {
    for (Backend backend : testing::all_backends()) {
        SCOPED_TRACE(testing::backend_name(backend));
        const std::vector<float> a = testing::random_floats(1003, 3);
        const std::vector<float> b = testing::random_floats(1003, 4);
        std::vector<float> y(1003);
        testing::table(backend).add(a.data(), b.data(), 1003, y.data());
        for (size_t i = 0; i < y.size(); ++i)
            ASSERT_EQ(y[i], a[i] + b[i]);
        std::vector<float> in_place = a;
        testing::table(backend).add(in_place.data(), b.data(), 1003, in_place.data());
        EXPECT_EQ(in_place, y);

        const int64_t n_rows = 3;
        const int64_t m = 37;
        const std::vector<float> bias = testing::random_floats(m, 5);
        std::vector<float> rows(a.begin(), a.begin() + n_rows * m);
        testing::table(backend).add_rows(rows.data(), bias.data(), n_rows, m);
        for (int64_t r = 0; r < n_rows; ++r) {
            for (int64_t i = 0; i < m; ++i)
                ASSERT_EQ(rows[r * m + i], a[r * m + i] + bias[i]);
        }
    }
}

TEST(GetRows, BackendsReturnDequantizedRows) {
    for (DType dtype : {DType::F32, DType::F16, DType::BF16, DType::Q8_0, DType::Q4_K, DType::Q6_K}) {
        const int64_t dim = 256;
        const int64_t n_rows = 10;
        const std::vector<float> src = testing::random_floats(n_rows * dim, 6);
        std::vector<std::byte> bytes(static_cast<size_t>(n_rows * row_bytes(dtype, dim)));
        for (int64_t r = 0; r < n_rows; ++r) {
            quantize_row(dtype, src.data() + r * dim, dim, bytes.data() + r * row_bytes(dtype, dim));
        }
        const TensorView table(dtype, {n_rows, dim}, bytes.data());
        const std::vector<int32_t> ids = {9, 0, 9, 4};
        for (Backend backend : testing::all_backends()) {
            SCOPED_TRACE(testing::backend_name(backend) + " " + std::string(to_string(dtype)));
            std::vector<float> got(ids.size() * dim);
            testing::table(backend).get_rows(table, ids, got.data());
            std::vector<float> want(dim);
            for (size_t i = 0; i < ids.size(); ++i) {
                dequantize_row(dtype, table.row(ids[i]), dim, want.data());
                for (int64_t e = 0; e < dim; ++e)
                    ASSERT_EQ(got[i * dim + e], want[e]);
            }
        }
    }
}

}  // namespace
}  // namespace vela::kernels
