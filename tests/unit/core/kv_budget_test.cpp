#include "engine/kv_budget.h"

#include <gtest/gtest.h>

#include <string>

namespace vela {
namespace {

// 2 layers x 16 slots x 2 heads x 64 dims x 2 (K and V) x 2 bytes = 16 KiB per block.
const KvCacheShape kShape{2, 2, 64, 16, 0, DType::F16};

TEST(KvBudget, BytesGiveWholeBlocks) {
    EngineConfig config = EngineConfig::from_model_path("m");
    ASSERT_EQ(kShape.bytes_per_block(), 16384);
    config.kv_cache_bytes = 16384 * 10 + 100;
    auto budget = plan_kv_budget(config, kShape, 2048);
    ASSERT_TRUE(budget.ok()) << budget.error().message();
    EXPECT_EQ(budget->n_blocks, 10);
    EXPECT_EQ(budget->n_bytes, 16384 * 10);
}

TEST(KvBudget, ABudgetBelowOneBlockIsAnError) {
    EngineConfig config = EngineConfig::from_model_path("m");
    config.kv_cache_bytes = 1000;
    auto budget = plan_kv_budget(config, kShape, 2048);
    ASSERT_FALSE(budget.ok());
    EXPECT_NE(budget.error().message().find("holds no KV block of 16384 bytes"), std::string::npos);
}

TEST(KvBudget, FractionsComeFromAvailableMemory) {
    const int64_t available = available_memory_bytes();
    ASSERT_GT(available, 0);
    EngineConfig config = EngineConfig::from_model_path("m");
    config.kv_cache_fraction = 0.001;
    auto budget = plan_kv_budget(config, kShape, 2048);
    ASSERT_TRUE(budget.ok()) << budget.error().message();
    // Memory moves while the test runs; the block count matches 0.1% of it within a factor of two.
    const double expected = static_cast<double>(available) * 0.001 / 16384.0;
    EXPECT_GT(budget->n_blocks, expected / 2);
    EXPECT_LT(budget->n_blocks, expected * 2);
}

TEST(KvBudget, TheDefaultIsCappedAtFullContextForEverySequence) {
    EngineConfig config = EngineConfig::from_model_path("m");
    config.max_num_seqs = 2;
    auto budget = plan_kv_budget(config, kShape, 100);  // 7 blocks per sequence
    ASSERT_TRUE(budget.ok()) << budget.error().message();
    EXPECT_EQ(budget->n_blocks, 14);
}

}  // namespace
}  // namespace vela
