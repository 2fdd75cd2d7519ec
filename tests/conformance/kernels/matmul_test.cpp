// matmul on every SIMD backend against the reference, for every weight dtype and awkward shapes.
//
// Two checks per output:
//  1. Tight: the SIMD backends see the activations rounded as ops.h documents (8-bit blocks for the
//     quantized types, F16 / BF16 rounding for those weights, the F16-rounded block sums that meet
//     Q4_1/Q5_1 mins). The reference matmul run on exactly those rounded activations must agree to 1e-5 of
//     sum|w * x~| (the magnitude of the terms): the integer block products are exact, so what is left is f32
//     rounding of the block scales and of a sum of at most k / 32 + 8 partial sums, each within 2^-24
//     relative — below 1e-5 for k <= 4096 with a wide margin, while a wrong scale, code or index moves the
//     result by a whole term.
//  2. Loose: against the reference on the original f32 activations, within sum|w| * |x - x~| (the
//     activation rounding) plus the same 1e-5 margin: what the caller (the decoder's tolerance against
//     llama.cpp) has to budget for.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "kernel_test_support.h"
#include "kernels/quant/block_formats.h"
#include "kernels/quant/quantize.h"
#include "tensor/fp16.h"
#include "util/thread_pool.h"

namespace vela::kernels {
namespace {

using testing::random_floats;

constexpr DType kWeightTypes[] = {DType::F32,  DType::F16,  DType::BF16, DType::Q8_0,
                                  DType::Q4_0, DType::Q4_1, DType::Q5_0, DType::Q5_1,
                                  DType::Q4_K, DType::Q5_K, DType::Q6_K};

// Row lengths per block size: not multiples of 64 where the format allows, and a model-sized one.
std::vector<int64_t> lengths_for(DType dtype) {
    switch (traits(dtype).block_elems) {
        case 1:
            return {1, 7, 33, 100, 896};
        case 32:
            return {32, 96, 288, 896};
        default:
            return {256, 768, 1280};
    }
}

// The activations as a SIMD backend sees them for weights of `dtype` (ops.h, "Numerics of matmul").
std::vector<float> activations_as_seen(DType dtype, const std::vector<float>& x, int64_t n, int64_t k) {
    std::vector<float> out(x.size());
    for (int64_t i = 0; i < n; ++i) {
        const float* src = x.data() + i * k;
        float* dst = out.data() + i * k;
        const int64_t block = traits(dtype).block_elems;
        if (dtype == DType::F32) {
            std::copy(src, src + k, dst);
        } else if (dtype == DType::F16) {
            for (int64_t e = 0; e < k; ++e)
                dst[e] = round_to_fp16(src[e]);
        } else if (dtype == DType::BF16) {
            for (int64_t e = 0; e < k; ++e)
                dst[e] = round_to_bf16(src[e]);
        } else if (block == kQk32) {
            std::vector<ActBlockQ8> blocks(static_cast<size_t>(k / kQk32));
            quantize_act_q8(src, k, blocks.data());
            for (int64_t b = 0; b < k / kQk32; ++b) {
                for (int e = 0; e < kQk32; ++e)
                    dst[b * kQk32 + e] = blocks[b].d * blocks[b].qs[e];
            }
        } else {
            std::vector<BlockQ8_K> blocks(static_cast<size_t>(k / kQkK));
            quantize_act_q8k(src, k, blocks.data());
            dequantize_row(DType::Q8_K, blocks.data(), k, dst);
        }
    }
    return out;
}

struct Weights;
void add_min_rounding(const Weights& w, const std::vector<float>& x, int64_t n, int64_t m, int64_t k,
                      std::vector<float>& y);

struct Weights {
    std::vector<std::byte> bytes;
    std::vector<float> dequantized;  // what the stored weights mean
    TensorView view;
};

Weights make_weights(DType dtype, int64_t m, int64_t k, uint32_t seed) {
    const std::vector<float> w = random_floats(m * k, seed, 0.5f);
    Weights out;
    out.bytes.resize(static_cast<size_t>(m * row_bytes(dtype, k)));
    out.dequantized.resize(static_cast<size_t>(m * k));
    for (int64_t j = 0; j < m; ++j) {
        std::byte* row = out.bytes.data() + j * row_bytes(dtype, k);
        quantize_row(dtype, w.data() + j * k, k, row);
        dequantize_row(dtype, row, k, out.dequantized.data() + j * k);
    }
    out.view = TensorView(dtype, {m, k}, out.bytes.data());
    return out;
}

// Q4_1/Q5_1 blocks meet the activation sum through ds, which is rounded to F16 (ops.h): adds
// m_w * (ds - d * sum(q)) per block to y so it follows that documented rounding exactly.
void add_min_rounding(const Weights& w, const std::vector<float>& x, int64_t n, int64_t m, int64_t k,
                      std::vector<float>& y) {
    const int64_t block_bytes = traits(w.view.dtype()).block_bytes;
    std::vector<ActBlockQ8> act(static_cast<size_t>(k / kQk32));
    for (int64_t i = 0; i < n; ++i) {
        quantize_act_q8(x.data() + i * k, k, act.data());
        for (int64_t j = 0; j < m; ++j) {
            double correction = 0.0;
            for (int64_t b = 0; b < k / kQk32; ++b) {
                uint16_t m_bits = 0;  // the min follows the scale in both block layouts
                std::memcpy(&m_bits, w.view.row(j) + b * block_bytes + 2, 2);
                int sum = 0;
                for (int e = 0; e < kQk32; ++e)
                    sum += act[b].qs[e];
                correction += double{fp16_to_fp32(m_bits)} * (act[b].ds - double{act[b].d} * sum);
            }
            y[i * m + j] = static_cast<float>(y[i * m + j] + correction);
        }
    }
}

void check_backend(Backend backend, DType dtype, int64_t n, int64_t m, int64_t k, ThreadPool& pool) {
    SCOPED_TRACE(testing::backend_name(backend) + " " + std::string(to_string(dtype)) +
                 " n=" + std::to_string(n) + " m=" + std::to_string(m) + " k=" + std::to_string(k));
    const Weights w = make_weights(dtype, m, k, static_cast<uint32_t>(k * 131 + m));
    std::vector<float> x = random_floats(n * k, static_cast<uint32_t>(n * 7 + k));
    if (n > 2) std::fill(x.begin() + k, x.begin() + 2 * k, 0.0f);  // an all-zero row: d = 0 blocks
    const std::vector<float> seen = activations_as_seen(dtype, x, n, k);

    std::vector<float> y(static_cast<size_t>(n * m), NAN);
    testing::table(backend).matmul(pool, x.data(), n, w.view, y.data());
    std::vector<float> y_seen(static_cast<size_t>(n * m));
    std::vector<float> y_exact(static_cast<size_t>(n * m));
    testing::table(Backend::Reference).matmul(pool, seen.data(), n, w.view, y_seen.data());
    if (dtype == DType::Q4_1 || dtype == DType::Q5_1) add_min_rounding(w, x, n, m, k, y_seen);
    testing::table(Backend::Reference).matmul(pool, x.data(), n, w.view, y_exact.data());

    int failures = 0;
    for (int64_t i = 0; i < n && failures < 5; ++i) {
        for (int64_t j = 0; j < m && failures < 5; ++j) {
            double magnitude = 0.0;
            double rounding = 0.0;
            for (int64_t e = 0; e < k; ++e) {
                const double wv = std::fabs(w.dequantized[j * k + e]);
                magnitude += wv * std::fabs(seen[i * k + e]);
                rounding += wv * std::fabs(seen[i * k + e] - x[i * k + e]);
            }
            const double tight = 1e-5 * magnitude + 1e-30;
            const float got = y[i * m + j];
            if (!(std::fabs(got - y_seen[i * m + j]) <= tight)) {
                ADD_FAILURE() << "row " << i << " col " << j << ": got " << got
                              << ", reference on rounded activations " << y_seen[i * m + j] << ", tolerance "
                              << tight;
                ++failures;
            }
            if (!(std::fabs(got - y_exact[i * m + j]) <= rounding + tight)) {
                ADD_FAILURE() << "row " << i << " col " << j << ": got " << got << ", f32 reference "
                              << y_exact[i * m + j] << ", tolerance " << rounding + tight;
                ++failures;
            }
        }
    }
}

TEST(Matmul, SimdBackendsMatchReferenceForEveryDtype) {
    const std::vector<Backend> backends = testing::simd_backends();
    if (backends.empty()) GTEST_SKIP() << "no SIMD backend runs on this CPU";
    ThreadPool pool(2);
    for (Backend backend : backends) {
        for (DType dtype : kWeightTypes) {
            for (int64_t k : lengths_for(dtype)) {
                for (int64_t n : {1, 3, 17})
                    check_backend(backend, dtype, n, 37, k, pool);
            }
            check_backend(backend, dtype, 64, 19, lengths_for(dtype)[1], pool);
        }
    }
}

TEST(Matmul, SingleThreadAndManyRowsAgreeWithPool) {
    // Results must not depend on how rows are split over threads.
    ThreadPool one(1);
    ThreadPool two(2);
    const Weights w = make_weights(DType::Q8_0, 301, 64, 5);
    const std::vector<float> x = random_floats(5 * 64, 9);
    std::vector<float> y1(5 * 301);
    std::vector<float> y2(5 * 301);
    matmul(one, x.data(), 5, w.view, y1.data());
    matmul(two, x.data(), 5, w.view, y2.data());
    EXPECT_EQ(y1, y2);
}

TEST(Matmul, ReferenceIsTheDotProductOfDequantizedRows) {
    ThreadPool pool(1);
    for (DType dtype : kWeightTypes) {
        SCOPED_TRACE(std::string(to_string(dtype)));
        const int64_t k = lengths_for(dtype)[1];
        const Weights w = make_weights(dtype, 3, k, 11);
        const std::vector<float> x = random_floats(2 * k, 12);
        std::vector<float> y(6);
        testing::table(Backend::Reference).matmul(pool, x.data(), 2, w.view, y.data());
        for (int64_t i = 0; i < 2; ++i) {
            for (int64_t j = 0; j < 3; ++j) {
                double sum = 0.0;
                for (int64_t e = 0; e < k; ++e)
                    sum += double{x[i * k + e]} * w.dequantized[j * k + e];
                EXPECT_NEAR(y[i * 3 + j], sum, 1e-6 * (1.0 + std::fabs(sum)));
            }
        }
    }
}

TEST(Matmul, DispatcherRunsTheActiveBackend) {
    ThreadPool pool(2);
    const Weights w = make_weights(DType::Q4_K, 8, 256, 3);
    const std::vector<float> x = random_floats(256, 4);
    std::vector<float> via_ops(8);
    std::vector<float> via_table(8);
    matmul(pool, x.data(), 1, w.view, via_ops.data());
    active_kernels().matmul(pool, x.data(), 1, w.view, via_table.data());
    EXPECT_EQ(via_ops, via_table);
}

}  // namespace
}  // namespace vela::kernels
