#include "cache/block_pool.h"

#include <algorithm>

#include "vela/core/assert.h"

namespace vela {

BlockPool::BlockPool(int32_t n_blocks, int32_t block_size)
    : n_blocks_(n_blocks),
      block_size_(block_size),
      ref_count_(static_cast<size_t>(n_blocks), 0),
      prev_(static_cast<size_t>(n_blocks) + 1),
      next_(static_cast<size_t>(n_blocks) + 1),
      cached_(static_cast<size_t>(n_blocks), false),
      hash_(static_cast<size_t>(n_blocks), 0),
      parent_hash_(static_cast<size_t>(n_blocks), 0),
      tokens_(static_cast<size_t>(n_blocks) * static_cast<size_t>(block_size), 0) {
    VELA_ASSERT(n_blocks > 0 && block_size > 0, "a block pool needs at least one block of one slot");
    const int32_t sentinel = n_blocks_;
    prev_[static_cast<size_t>(sentinel)] = sentinel;
    next_[static_cast<size_t>(sentinel)] = sentinel;
    for (int32_t b = 0; b < n_blocks_; ++b)
        push_back(b);
}

size_t BlockPool::index(int32_t block) const {
    VELA_ASSERT(block >= 0 && block < n_blocks_, "block id out of range");
    return static_cast<size_t>(block);
}

void BlockPool::unlink(int32_t block) {
    const size_t i = index(block);
    next_[static_cast<size_t>(prev_[i])] = next_[i];
    prev_[static_cast<size_t>(next_[i])] = prev_[i];
    --n_free_;
}

void BlockPool::push_front(int32_t block) {
    const size_t i = index(block);
    const int32_t sentinel = n_blocks_;
    const int32_t first = next_[static_cast<size_t>(sentinel)];
    prev_[i] = sentinel;
    next_[i] = first;
    prev_[static_cast<size_t>(first)] = block;
    next_[static_cast<size_t>(sentinel)] = block;
    ++n_free_;
}

void BlockPool::push_back(int32_t block) {
    const size_t i = index(block);
    const int32_t sentinel = n_blocks_;
    const int32_t last = prev_[static_cast<size_t>(sentinel)];
    next_[i] = sentinel;
    prev_[i] = last;
    next_[static_cast<size_t>(last)] = block;
    prev_[static_cast<size_t>(sentinel)] = block;
    ++n_free_;
}

void BlockPool::evict(int32_t block) {
    const size_t i = index(block);
    if (!cached_[i]) return;
    by_hash_.erase(hash_[i]);
    cached_[i] = false;
}

std::optional<int32_t> BlockPool::allocate() {
    const int32_t block = next_[static_cast<size_t>(n_blocks_)];
    if (block == n_blocks_) return std::nullopt;
    unlink(block);
    evict(block);
    ref_count_[index(block)] = 1;
    return block;
}

void BlockPool::retain(int32_t block) {
    const size_t i = index(block);
    if (ref_count_[i] == 0) unlink(block);
    ++ref_count_[i];
}

void BlockPool::release(int32_t block) {
    const size_t i = index(block);
    VELA_ASSERT(ref_count_[i] > 0, "released a block that nobody references");
    if (--ref_count_[i] > 0) return;
    if (cached_[i]) {
        push_back(block);
    } else {
        push_front(block);
    }
}

std::optional<int32_t> BlockPool::find_cached(uint64_t hash, uint64_t parent,
                                              std::span<const TokenId> tokens) const {
    const auto it = by_hash_.find(hash);
    if (it == by_hash_.end()) return std::nullopt;
    const size_t i = index(it->second);
    const auto first = tokens_.begin() + static_cast<std::ptrdiff_t>(i * static_cast<size_t>(block_size_));
    if (parent_hash_[i] != parent || tokens.size() != static_cast<size_t>(block_size_) ||
        !std::equal(tokens.begin(), tokens.end(), first)) {
        return std::nullopt;  // a 64-bit hash collision: treat as a miss
    }
    return it->second;
}

bool BlockPool::register_cached(int32_t block, uint64_t hash, uint64_t parent,
                                std::span<const TokenId> tokens) {
    const size_t i = index(block);
    VELA_ASSERT(tokens.size() == static_cast<size_t>(block_size_), "only full blocks can be cached");
    if (cached_[i] || by_hash_.contains(hash)) return false;
    by_hash_.emplace(hash, block);
    cached_[i] = true;
    hash_[i] = hash;
    parent_hash_[i] = parent;
    std::copy(tokens.begin(), tokens.end(),
              tokens_.begin() + static_cast<std::ptrdiff_t>(i * static_cast<size_t>(block_size_)));
    return true;
}

}  // namespace vela
