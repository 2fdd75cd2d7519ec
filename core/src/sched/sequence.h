// Sequence: one token stream the scheduler moves through the KV cache (one choice of a request).
//
// A sequence holds its tokens (prompt, then generated), how many of them already have K/V in the cache
// (`n_tokens_computed`) and the block table that maps its positions to KV blocks. Prefill, chunked
// prefill, decode and recompute after preemption are all "compute tokens [n_tokens_computed, n_tokens)".
// The scheduler and block manager own the bookkeeping fields; the engine appends sampled tokens.
#pragma once

#include <cstdint>
#include <vector>

#include "vela/core/types.h"

namespace vela {

/// Where a sequence is in its life.
enum class SequenceStatus : uint8_t {
    Waiting,   // queued for admission (new, or preempted and waiting to be recomputed)
    Running,   // admitted: holds blocks and is scheduled every step while it fits the budget
    Finished,  // done or cancelled: holds no blocks
};

/// One token stream and its KV bookkeeping.
struct Sequence {
    uint64_t id = 0;                      // unique per engine, increasing in arrival order
    uint64_t request_id = 0;              // the request this sequence belongs to
    int32_t choice = 0;                   // index among the request's n choices
    std::vector<TokenId> tokens;          // prompt, then generated tokens
    int32_t n_prompt_tokens = 0;          // length of the prompt at the front of `tokens`
    int32_t max_total_tokens = 0;         // the sequence may grow to this many tokens (context and cache)
    int32_t n_choices_after_prefill = 1;  // n for a request's first sequence: it forks after its first sample

    SequenceStatus status = SequenceStatus::Waiting;
    int32_t n_tokens_computed = 0;       // leading tokens whose K/V is in the cache
    int32_t n_tokens_cached = -1;        // prompt tokens served by the prefix cache at first admission
    int32_t n_preemptions = 0;           // times this sequence was preempted and queued for recompute
    std::vector<int32_t> block_table;    // KV block of each block_size positions, from position 0
    std::vector<uint64_t> block_hashes;  // hash chain of every full block of `tokens`
    int32_t n_blocks_registered = 0;     // leading blocks whose hashes are in the prefix cache

    /// All tokens, prompt included.
    int32_t n_tokens() const { return static_cast<int32_t>(tokens.size()); }
    /// Tokens generated so far.
    int32_t n_generated() const { return n_tokens() - n_prompt_tokens; }
};

}  // namespace vela
