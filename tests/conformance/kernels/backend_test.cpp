// Backend selection: the reference is always available, every available table is complete and named,
// the best available backend matches the CPU's features, and VELA_KERNELS-style forcing picks the
// named backend or falls back to the best one.
#include "kernels/backend.h"

#include <gtest/gtest.h>

#include "kernel_test_support.h"
#include "util/cpu_features.h"

namespace vela::kernels {
namespace {

TEST(Backend, AvailableTablesAreCompleteAndMatchTheCpu) {
    const std::vector<Backend> backends = available_backends();
    ASSERT_FALSE(backends.empty());
    EXPECT_EQ(backends.front(), Backend::Reference);
    const CpuFeatures& cpu = cpu_features();
    const bool has_avx2 = kernel_table(Backend::Avx2) != nullptr;
    const bool has_avx512 = kernel_table(Backend::Avx512) != nullptr;
    EXPECT_EQ(has_avx2, cpu.has_avx2_kernels());
    EXPECT_EQ(has_avx512, cpu.has_avx512_kernels());
    for (Backend b : backends) {
        const KernelTable* t = kernel_table(b);
        ASSERT_NE(t, nullptr);
        EXPECT_EQ(t->backend, b);
        EXPECT_EQ(t->name, testing::backend_name(b));
        EXPECT_TRUE(t->matmul && t->get_rows && t->rms_norm && t->rope && t->silu_mul && t->add &&
                    t->add_rows && t->store_kv && t->paged_attention);
    }
}

TEST(Backend, SelectionHonoursTheForcedNameOrFallsBack) {
    const Backend best = available_backends().back();
    EXPECT_EQ(select_kernels(nullptr).backend, best);
    EXPECT_EQ(select_kernels("").backend, best);
    EXPECT_EQ(select_kernels("reference").backend, Backend::Reference);
    EXPECT_EQ(select_kernels("avx2").backend, kernel_table(Backend::Avx2) ? Backend::Avx2 : best);
    EXPECT_EQ(select_kernels("avx512").backend, kernel_table(Backend::Avx512) ? Backend::Avx512 : best);
    EXPECT_EQ(select_kernels("cuda").backend, best);  // unknown names warn and use the best
    EXPECT_EQ(&active_kernels(), &active_kernels());
}

}  // namespace
}  // namespace vela::kernels
