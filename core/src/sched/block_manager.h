// BlockManager: gives sequences KV blocks from the BlockPool and keeps their block tables.
//
// It turns the pool's primitives into the operations the scheduler needs: find a waiting sequence's
// longest cached prefix (full blocks only, and never the last token, so there are always logits to
// sample), admit it by taking references on those blocks, grow a running sequence's table for the
// tokens of one step (copying a shared, partly filled last block first: copy-on-write after an n > 1
// fork), register blocks in the prefix cache once their K/V is computed, fork a sequence for n > 1,
// and free a sequence's blocks. Block copies are returned to the caller, who performs them on the
// KV cache before the step's forward pass.
#pragma once

#include <cstdint>
#include <vector>

#include "cache/block_pool.h"
#include "sched/sequence.h"

namespace vela {

/// One copy-on-write: copy every slot of block `src` into block `dst` before the forward pass.
struct BlockCopy {
    int32_t src = 0;  // the shared block
    int32_t dst = 0;  // the sequence's private copy
};

/// The cached prefix of a waiting sequence.
struct PrefixHit {
    std::vector<int32_t> blocks;  // cached blocks for positions [0, n_tokens)
    int32_t n_tokens = 0;         // positions covered (a multiple of the block size)
    int32_t n_blocks_free = 0;    // how many of `blocks` are on the free list (taking them uses free blocks)
};

/// Block tables of sequences over one BlockPool.
class BlockManager {
  public:
    /// Manages blocks of `pool`, which must outlive this object.
    explicit BlockManager(BlockPool& pool) : pool_(pool) {}

    /// The pool the blocks come from.
    const BlockPool& pool() const { return pool_; }

    /// The longest cached prefix of `seq` in whole blocks, leaving at least its last token to compute.
    PrefixHit find_prefix(Sequence& seq) const;
    /// True when `seq` can be admitted with `hit` and then compute `n_new` more tokens.
    bool can_admit(const Sequence& seq, const PrefixHit& hit, int32_t n_new) const;
    /// Gives a waiting sequence (holding no blocks) the blocks of `hit`; its computed tokens start there.
    void admit(Sequence& seq, const PrefixHit& hit);

    /// Free blocks `seq` needs before it can compute `n_new` more tokens (new blocks and copies).
    int32_t n_blocks_needed(const Sequence& seq, int32_t n_new) const;
    /// Makes room in `seq`'s table for `n_new` more tokens, copying a shared last block first (appended
    /// to `copies`); the caller has checked n_blocks_needed() against the free blocks.
    void allocate_slots(Sequence& seq, int32_t n_new, std::vector<BlockCopy>& copies);
    /// Registers `seq`'s full, computed blocks in the prefix cache.
    void register_computed(Sequence& seq);
    /// Makes `child` share every block of `parent` (n > 1 before the choices diverge).
    void fork(const Sequence& parent, Sequence& child);
    /// Drops `seq`'s references to its blocks and empties its table.
    void free(Sequence& seq);

  private:
    void update_hashes(Sequence& seq) const;
    bool needs_copy(const Sequence& seq) const;
    int32_t n_blocks_for(int32_t n_tokens) const;

    BlockPool& pool_;
};

}  // namespace vela
