// Block hashes: the keys of automatic prefix caching.
//
// A full block of KV cache is identified by the hash of its parent block's hash and its own token ids,
// so one hash names a whole prefix (every token from position 0 to the block's end), not just the
// block's tokens: two sequences share a cached block only when everything before it is equal too. The
// chain starts from a root value that also covers everything else that would change K/V (nothing else
// today; adapters or multimodal inputs would be mixed into the root). The block pool also keeps each
// cached block's tokens and parent hash and compares them on a hit, so a 64-bit collision can never
// hand a sequence someone else's K/V.
#pragma once

#include <cstdint>
#include <span>

#include "vela/core/types.h"

namespace vela {

/// The parent hash of a sequence's first block.
inline constexpr uint64_t kRootBlockHash = 0x76656c615f6b7631ull;  // "vela_kv1"

/// The hash of a full block holding `tokens` whose preceding block hashed to `parent`.
uint64_t hash_block(uint64_t parent, std::span<const TokenId> tokens);

}  // namespace vela
