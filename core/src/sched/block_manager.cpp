#include "sched/block_manager.h"

#include <algorithm>
#include <span>

#include "cache/block_hash.h"
#include "vela/core/assert.h"

namespace vela {

namespace {

std::span<const TokenId> block_tokens(const Sequence& seq, size_t block, int32_t block_size) {
    return std::span<const TokenId>(seq.tokens)
        .subspan(block * static_cast<size_t>(block_size), static_cast<size_t>(block_size));
}

uint64_t parent_hash(const Sequence& seq, size_t block) {
    return block == 0 ? kRootBlockHash : seq.block_hashes[block - 1];
}

}  // namespace

int32_t BlockManager::n_blocks_for(int32_t n_tokens) const {
    return (n_tokens + pool_.block_size() - 1) / pool_.block_size();
}

void BlockManager::update_hashes(Sequence& seq) const {
    const size_t n_full = seq.tokens.size() / static_cast<size_t>(pool_.block_size());
    while (seq.block_hashes.size() < n_full) {
        const size_t block = seq.block_hashes.size();
        seq.block_hashes.push_back(
            hash_block(parent_hash(seq, block), block_tokens(seq, block, pool_.block_size())));
    }
}

PrefixHit BlockManager::find_prefix(Sequence& seq) const {
    VELA_ASSERT(seq.block_table.empty(), "prefix lookup for a sequence that already holds blocks");
    update_hashes(seq);
    PrefixHit hit;
    // Never the whole sequence: the last token is always computed so that it produces logits.
    const size_t max_blocks = static_cast<size_t>((seq.n_tokens() - 1) / pool_.block_size());
    for (size_t block = 0; block < max_blocks; ++block) {
        const auto cached = pool_.find_cached(seq.block_hashes[block], parent_hash(seq, block),
                                              block_tokens(seq, block, pool_.block_size()));
        if (!cached) break;
        hit.blocks.push_back(*cached);
        if (pool_.ref_count(*cached) == 0) ++hit.n_blocks_free;
    }
    hit.n_tokens = static_cast<int32_t>(hit.blocks.size()) * pool_.block_size();
    return hit;
}

bool BlockManager::can_admit(const Sequence& seq, const PrefixHit& hit, int32_t n_new) const {
    VELA_ASSERT(hit.n_tokens + n_new <= seq.n_tokens(), "admitting past the end of a sequence");
    const int32_t n_new_blocks = n_blocks_for(hit.n_tokens + n_new) - static_cast<int32_t>(hit.blocks.size());
    return n_new_blocks + hit.n_blocks_free <= pool_.n_free();
}

void BlockManager::admit(Sequence& seq, const PrefixHit& hit) {
    VELA_ASSERT(seq.block_table.empty(), "admitting a sequence that already holds blocks");
    for (const int32_t block : hit.blocks)
        pool_.retain(block);
    seq.block_table = hit.blocks;
    seq.n_tokens_computed = hit.n_tokens;
    seq.n_blocks_registered = static_cast<int32_t>(hit.blocks.size());
}

bool BlockManager::needs_copy(const Sequence& seq) const {
    const int32_t offset = seq.n_tokens_computed % pool_.block_size();
    const auto block = static_cast<size_t>(seq.n_tokens_computed / pool_.block_size());
    return offset != 0 && block < seq.block_table.size() && pool_.ref_count(seq.block_table[block]) > 1;
}

int32_t BlockManager::n_blocks_needed(const Sequence& seq, int32_t n_new) const {
    const int32_t n_new_blocks =
        n_blocks_for(seq.n_tokens_computed + n_new) - static_cast<int32_t>(seq.block_table.size());
    return std::max(n_new_blocks, 0) + (needs_copy(seq) ? 1 : 0);
}

void BlockManager::allocate_slots(Sequence& seq, int32_t n_new, std::vector<BlockCopy>& copies) {
    if (needs_copy(seq)) {
        const auto index = static_cast<size_t>(seq.n_tokens_computed / pool_.block_size());
        const auto copy = pool_.allocate();
        VELA_ASSERT(copy.has_value(), "copy-on-write without a free block");
        copies.push_back(BlockCopy{seq.block_table[index], *copy});
        pool_.release(seq.block_table[index]);
        seq.block_table[index] = *copy;
    }
    const auto n_needed = static_cast<size_t>(n_blocks_for(seq.n_tokens_computed + n_new));
    while (seq.block_table.size() < n_needed) {
        const auto block = pool_.allocate();
        VELA_ASSERT(block.has_value(), "slot allocation without a free block");
        seq.block_table.push_back(*block);
    }
}

void BlockManager::register_computed(Sequence& seq) {
    update_hashes(seq);
    const int32_t n_full = seq.n_tokens_computed / pool_.block_size();
    for (int32_t block = seq.n_blocks_registered; block < n_full; ++block) {
        const auto b = static_cast<size_t>(block);
        pool_.register_cached(seq.block_table[b], seq.block_hashes[b], parent_hash(seq, b),
                              block_tokens(seq, b, pool_.block_size()));
    }
    seq.n_blocks_registered = std::max(seq.n_blocks_registered, n_full);
}

void BlockManager::fork(const Sequence& parent, Sequence& child) {
    VELA_ASSERT(child.block_table.empty(), "forking into a sequence that already holds blocks");
    for (const int32_t block : parent.block_table)
        pool_.retain(block);
    child.block_table = parent.block_table;
    child.block_hashes = parent.block_hashes;  // valid: the child's tokens start with the parent's
    child.n_tokens_computed = parent.n_tokens_computed;
    child.n_blocks_registered = parent.n_blocks_registered;
}

void BlockManager::free(Sequence& seq) {
    // Last block first: the tail of a sequence is the least likely to be shared, so it goes to the
    // front of the LRU order and is evicted before the prefix blocks.
    for (auto it = seq.block_table.rbegin(); it != seq.block_table.rend(); ++it)
        pool_.release(*it);
    seq.block_table.clear();
    seq.n_tokens_computed = 0;
    seq.n_blocks_registered = 0;
}

}  // namespace vela
