#include "cache/block_pool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "cache/block_hash.h"

namespace vela {
namespace {

std::vector<TokenId> tokens_of(int32_t first, int32_t n) {
    std::vector<TokenId> t;
    for (int32_t i = 0; i < n; ++i)
        t.push_back(first + i);
    return t;
}

TEST(BlockPool, AllocatesEveryBlockOnceThenRunsOut) {
    BlockPool pool(3, 4);
    std::vector<int32_t> got;
    for (int i = 0; i < 3; ++i) {
        auto b = pool.allocate();
        ASSERT_TRUE(b.has_value());
        EXPECT_EQ(pool.ref_count(*b), 1);
        got.push_back(*b);
    }
    EXPECT_FALSE(pool.allocate().has_value());
    EXPECT_EQ(pool.n_free(), 0);
    EXPECT_EQ(pool.n_used(), 3);
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, (std::vector<int32_t>{0, 1, 2}));
    pool.release(got[1]);
    EXPECT_EQ(pool.n_free(), 1);
    EXPECT_EQ(pool.allocate(), got[1]);
}

TEST(BlockPool, RefCountsKeepSharedBlocksReferenced) {
    BlockPool pool(2, 4);
    const int32_t b = *pool.allocate();
    pool.retain(b);
    pool.retain(b);
    EXPECT_EQ(pool.ref_count(b), 3);
    pool.release(b);
    pool.release(b);
    EXPECT_EQ(pool.n_free(), 1);
    pool.release(b);
    EXPECT_EQ(pool.n_free(), 2);
    EXPECT_EQ(pool.ref_count(b), 0);
}

TEST(BlockPool, FreedCachedBlocksAreEvictedLastAndInLruOrder) {
    BlockPool pool(4, 2);
    std::vector<int32_t> b;
    for (int i = 0; i < 4; ++i)
        b.push_back(*pool.allocate());
    const auto t1 = tokens_of(10, 2);
    const auto t2 = tokens_of(20, 2);
    const uint64_t h1 = hash_block(kRootBlockHash, t1);
    const uint64_t h2 = hash_block(h1, t2);
    ASSERT_TRUE(pool.register_cached(b[1], h1, kRootBlockHash, t1));
    ASSERT_TRUE(pool.register_cached(b[2], h2, h1, t2));
    for (int i = 0; i < 4; ++i)
        pool.release(b[static_cast<size_t>(i)]);
    // Uncached blocks come back first (most recently freed first), then cached ones, least recent first.
    EXPECT_EQ(pool.allocate(), b[3]);
    EXPECT_EQ(pool.allocate(), b[0]);
    EXPECT_EQ(pool.find_cached(h1, kRootBlockHash, t1), b[1]);
    EXPECT_EQ(pool.allocate(), b[1]);  // evicts the first prefix block
    EXPECT_FALSE(pool.find_cached(h1, kRootBlockHash, t1).has_value());
    EXPECT_EQ(pool.find_cached(h2, h1, t2), b[2]);
    EXPECT_EQ(pool.n_cached(), 1);
}

TEST(BlockPool, RetainTakesACachedBlockOffTheFreeList) {
    BlockPool pool(2, 2);
    const int32_t b = *pool.allocate();
    const auto t = tokens_of(1, 2);
    const uint64_t h = hash_block(kRootBlockHash, t);
    ASSERT_TRUE(pool.register_cached(b, h, kRootBlockHash, t));
    pool.release(b);
    EXPECT_EQ(pool.n_free(), 2);
    ASSERT_EQ(pool.find_cached(h, kRootBlockHash, t), b);
    pool.retain(b);
    EXPECT_EQ(pool.n_free(), 1);
    EXPECT_EQ(pool.ref_count(b), 1);
    // The only free block is the other one; the cached block is not handed out while referenced.
    const auto other = pool.allocate();
    ASSERT_TRUE(other.has_value());
    EXPECT_NE(*other, b);
    EXPECT_FALSE(pool.allocate().has_value());
    EXPECT_TRUE(pool.is_cached(b));
}

TEST(BlockPool, LookupsVerifyTokensAndParent) {
    BlockPool pool(2, 2);
    const int32_t b = *pool.allocate();
    const auto t = tokens_of(5, 2);
    const uint64_t h = hash_block(kRootBlockHash, t);
    ASSERT_TRUE(pool.register_cached(b, h, kRootBlockHash, t));
    EXPECT_FALSE(pool.find_cached(h, kRootBlockHash, tokens_of(6, 2)).has_value());
    EXPECT_FALSE(pool.find_cached(h, 1234, t).has_value());
    EXPECT_FALSE(pool.find_cached(h + 1, kRootBlockHash, t).has_value());
    // A second block with the same prefix is not registered; nor is a block registered twice.
    const int32_t c = *pool.allocate();
    EXPECT_FALSE(pool.register_cached(c, h, kRootBlockHash, t));
    EXPECT_FALSE(pool.register_cached(b, h + 7, kRootBlockHash, t));
    EXPECT_FALSE(pool.is_cached(c));
}

TEST(BlockHash, ChainsCoverTheWholePrefix) {
    const auto a = tokens_of(1, 4);
    const auto b = tokens_of(100, 4);
    const uint64_t ha = hash_block(kRootBlockHash, a);
    EXPECT_EQ(ha, hash_block(kRootBlockHash, a));
    EXPECT_NE(hash_block(ha, b), hash_block(kRootBlockHash, b));
    EXPECT_NE(hash_block(kRootBlockHash, tokens_of(1, 3)), hash_block(kRootBlockHash, a));
    std::vector<TokenId> swapped = {2, 1, 3, 4};
    EXPECT_NE(hash_block(kRootBlockHash, swapped), ha);
}

}  // namespace
}  // namespace vela
