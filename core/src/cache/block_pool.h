// BlockPool: the KV cache's blocks as a resource: reference counts, the free list, the prefix cache.
//
// Every block is either referenced (ref_count > 0, held by one or more sequences' block tables) or on
// the free list (ref_count == 0). The free list is also the LRU order of the prefix cache: a full block
// whose K/V has been computed is registered under its hash chain (block_hash.h) and stays registered
// when its last reference goes, so a later prompt with the same prefix takes it back off the free list
// (retain) instead of recomputing it. allocate() takes the block at the front of the free list and
// evicts whatever prefix it held. Released blocks that hold a cached prefix go to the back (most
// recently used); released blocks that hold nothing reusable go to the front, so they are reused first.
// Owned and used by the engine thread only; no locks.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "vela/core/types.h"

namespace vela {

/// Reference-counted KV blocks with an LRU free list and a hash-chain prefix cache.
class BlockPool {
  public:
    /// A pool of `n_blocks` blocks of `block_size` token slots, all free.
    BlockPool(int32_t n_blocks, int32_t block_size);

    /// Number of blocks in the pool.
    int32_t n_blocks() const { return n_blocks_; }
    /// Token slots per block.
    int32_t block_size() const { return block_size_; }
    /// Blocks nobody references (some of them still hold cached prefixes).
    int32_t n_free() const { return n_free_; }
    /// Blocks referenced by at least one sequence.
    int32_t n_used() const { return n_blocks_ - n_free_; }
    /// Blocks registered in the prefix cache, referenced or not.
    int32_t n_cached() const { return static_cast<int32_t>(by_hash_.size()); }
    /// How many block tables reference `block`.
    int32_t ref_count(int32_t block) const { return ref_count_[index(block)]; }
    /// True when `block` is registered in the prefix cache.
    bool is_cached(int32_t block) const { return cached_[index(block)]; }

    /// Takes the least recently used free block (evicting its cached prefix) with one reference;
    /// nullopt when every block is referenced.
    std::optional<int32_t> allocate();
    /// Adds a reference to `block`; a free (cached) block leaves the free list.
    void retain(int32_t block);
    /// Drops a reference to `block`; at zero it returns to the free list.
    void release(int32_t block);

    /// The cached block for the prefix that hashes to `hash` (parent `parent`, holding `tokens`), if any.
    std::optional<int32_t> find_cached(uint64_t hash, uint64_t parent, std::span<const TokenId> tokens) const;
    /// Registers the full, computed `block` under `hash`; false (and no change) when `block` is already
    /// registered or another block already holds this prefix.
    bool register_cached(int32_t block, uint64_t hash, uint64_t parent, std::span<const TokenId> tokens);

  private:
    size_t index(int32_t block) const;
    void unlink(int32_t block);
    void push_front(int32_t block);
    void push_back(int32_t block);
    void evict(int32_t block);

    int32_t n_blocks_;
    int32_t block_size_;
    int32_t n_free_ = 0;
    std::vector<int32_t> ref_count_;
    // Free list: a circular doubly linked list through prev_/next_ with sentinel index n_blocks_.
    std::vector<int32_t> prev_;
    std::vector<int32_t> next_;
    // Prefix cache: hash -> block, and per block its hash, parent hash and tokens (to verify hits).
    std::unordered_map<uint64_t, int32_t> by_hash_;
    std::vector<bool> cached_;
    std::vector<uint64_t> hash_;
    std::vector<uint64_t> parent_hash_;
    std::vector<TokenId> tokens_;  // n_blocks_ * block_size_
};

}  // namespace vela
