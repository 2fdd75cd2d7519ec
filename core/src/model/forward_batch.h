// ForwardBatch: one engine step's input to the model, a ragged batch of tokens from many sequences.
//
// Sequences are laid out one after another in `tokens`. Each token's K/V is written to the KV cache at
// its slot (block_table[pos / block_size] * block_size + pos % block_size); attention for a token at
// position p reads its sequence's cached positions [0, p] through the sequence's block table (and only
// (p - window, p] for sliding-window layers). Prefill chunks (n_tokens > 1), decode steps (n_tokens = 1)
// and prefix-cache hits (a first position > 0) are the same thing here.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "vela/core/types.h"

namespace vela {

/// The part of a ForwardBatch that belongs to one sequence.
struct SequenceSlice {
    int32_t token_begin = 0;               // index of the sequence's first token in ForwardBatch::tokens
    int32_t n_tokens = 0;                  // tokens of this sequence in the batch
    int32_t n_context = 0;                 // cached tokens after this step, these included
    std::span<const int32_t> block_table;  // KV block ids covering positions [0, n_context)
    bool want_logits = false;              // produce logits for this slice's last token
};

/// The tokens of one step, for every sequence scheduled in it.
struct ForwardBatch {
    std::span<const TokenId> tokens;        // all tokens, sequence after sequence
    std::span<const int32_t> positions;     // absolute position of each token in its sequence
    std::span<const int32_t> slot_mapping;  // KV cache slot of each token
    std::vector<SequenceSlice> seqs;        // one entry per sequence, in token order
};

}  // namespace vela
