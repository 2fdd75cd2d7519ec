#include "sched/block_manager.h"

#include <gtest/gtest.h>

#include <vector>

namespace vela {
namespace {

Sequence make_seq(int32_t n_tokens, int32_t first = 0) {
    Sequence seq;
    for (int32_t i = 0; i < n_tokens; ++i)
        seq.tokens.push_back(first + i);
    seq.n_prompt_tokens = n_tokens;
    return seq;
}

// Admits `seq` with its cached prefix and computes all of it, as a step would.
void compute_all(BlockManager& blocks, Sequence& seq) {
    const PrefixHit hit = blocks.find_prefix(seq);
    const int32_t n_new = seq.n_tokens() - hit.n_tokens;
    ASSERT_TRUE(blocks.can_admit(seq, hit, n_new));
    blocks.admit(seq, hit);
    std::vector<BlockCopy> copies;
    blocks.allocate_slots(seq, n_new, copies);
    EXPECT_TRUE(copies.empty());
    seq.n_tokens_computed += n_new;
    blocks.register_computed(seq);
}

TEST(BlockManager, PrefixHitsAreWholeBlocksAndNeverTheLastToken) {
    BlockPool pool(16, 4);
    BlockManager blocks(pool);
    Sequence a = make_seq(10);
    compute_all(blocks, a);
    EXPECT_EQ(a.block_table.size(), 3u);
    EXPECT_EQ(pool.n_cached(), 2);  // two full blocks; the third holds 2 of 4 tokens

    Sequence same = make_seq(10);
    PrefixHit hit = blocks.find_prefix(same);
    EXPECT_EQ(hit.n_tokens, 8);
    EXPECT_EQ(hit.blocks, std::vector<int32_t>(a.block_table.begin(), a.block_table.begin() + 2));
    EXPECT_EQ(hit.n_blocks_free, 0);

    Sequence exact = make_seq(8);  // all of it cached, but the last token must be computed
    EXPECT_EQ(blocks.find_prefix(exact).n_tokens, 4);

    Sequence diverges = make_seq(10);
    diverges.tokens[5] = 99;  // second block differs, so only the first block hits
    EXPECT_EQ(blocks.find_prefix(diverges).n_tokens, 4);

    Sequence shifted = make_seq(10, 1);
    EXPECT_EQ(blocks.find_prefix(shifted).n_tokens, 0);
}

TEST(BlockManager, FreedPrefixesStayCachedUntilEvicted) {
    BlockPool pool(4, 4);
    BlockManager blocks(pool);
    Sequence a = make_seq(9);
    compute_all(blocks, a);
    blocks.free(a);
    EXPECT_EQ(pool.n_free(), 4);
    Sequence b = make_seq(9);
    const PrefixHit hit = blocks.find_prefix(b);
    EXPECT_EQ(hit.n_tokens, 8);
    EXPECT_EQ(hit.n_blocks_free, 2);
    // 2 cached blocks come off the free list, plus 1 new block for token 8.
    EXPECT_TRUE(blocks.can_admit(b, hit, 1));
    blocks.admit(b, hit);
    std::vector<BlockCopy> copies;
    blocks.allocate_slots(b, 1, copies);
    EXPECT_EQ(pool.n_free(), 1);
    EXPECT_EQ(b.n_tokens_computed, 8);
}

TEST(BlockManager, ForkSharesBlocksAndCopiesThePartialLastBlockOnWrite) {
    BlockPool pool(8, 4);
    BlockManager blocks(pool);
    Sequence parent = make_seq(6);
    compute_all(blocks, parent);
    Sequence child = parent;
    child.block_table.clear();
    blocks.fork(parent, child);
    EXPECT_EQ(pool.ref_count(parent.block_table[0]), 2);
    EXPECT_EQ(pool.ref_count(parent.block_table[1]), 2);
    parent.tokens.push_back(100);
    child.tokens.push_back(200);

    // The first writer copies the shared, half-full block 1; the full block 0 stays shared.
    EXPECT_EQ(blocks.n_blocks_needed(parent, 1), 1);
    std::vector<BlockCopy> copies;
    const int32_t shared = parent.block_table[1];
    blocks.allocate_slots(parent, 1, copies);
    ASSERT_EQ(copies.size(), 1u);
    EXPECT_EQ(copies[0].src, shared);
    EXPECT_EQ(copies[0].dst, parent.block_table[1]);
    EXPECT_NE(parent.block_table[1], shared);
    EXPECT_EQ(parent.block_table[0], child.block_table[0]);
    // Now the child is the only holder and writes in place.
    EXPECT_EQ(pool.ref_count(shared), 1);
    EXPECT_EQ(blocks.n_blocks_needed(child, 1), 0);
    copies.clear();
    blocks.allocate_slots(child, 1, copies);
    EXPECT_TRUE(copies.empty());
    EXPECT_EQ(child.block_table[1], shared);
    blocks.free(parent);
    blocks.free(child);
    EXPECT_EQ(pool.n_free(), 8);
}

TEST(BlockManager, ForkAtABlockBoundaryNeedsNoCopy) {
    BlockPool pool(8, 4);
    BlockManager blocks(pool);
    Sequence parent = make_seq(8);
    compute_all(blocks, parent);
    Sequence child = parent;
    child.block_table.clear();
    blocks.fork(parent, child);
    parent.tokens.push_back(1);
    EXPECT_EQ(blocks.n_blocks_needed(parent, 1), 1);  // a new block, no copy
    std::vector<BlockCopy> copies;
    blocks.allocate_slots(parent, 1, copies);
    EXPECT_TRUE(copies.empty());
    EXPECT_EQ(parent.block_table.size(), 3u);
}

TEST(BlockManager, GeneratedBlocksJoinThePrefixCache) {
    BlockPool pool(8, 4);
    BlockManager blocks(pool);
    Sequence a = make_seq(3);
    compute_all(blocks, a);
    EXPECT_EQ(pool.n_cached(), 0);
    for (int32_t t = 0; t < 5; ++t) {  // decode five tokens
        a.tokens.push_back(50 + t);
        std::vector<BlockCopy> copies;
        blocks.allocate_slots(a, 1, copies);
        a.n_tokens_computed += 1;
        blocks.register_computed(a);
    }
    EXPECT_EQ(a.n_tokens_computed, 8);
    EXPECT_EQ(pool.n_cached(), 2);
    Sequence b = a;
    b.block_table.clear();
    b.tokens.push_back(7);
    blocks.free(a);
    EXPECT_EQ(blocks.find_prefix(b).n_tokens, 8);
}

}  // namespace
}  // namespace vela
