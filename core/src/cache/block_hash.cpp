#include "cache/block_hash.h"

namespace vela {

namespace {

// The 64-bit finalizer of SplitMix64 (Steele, Lea, Flood 2014): every input bit affects every output
// bit, so chained hashes of similar prefixes are unrelated.
uint64_t mix64(uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}

}  // namespace

uint64_t hash_block(uint64_t parent, std::span<const TokenId> tokens) {
    uint64_t h = mix64(parent ^ 0x9e3779b97f4a7c15ull);
    for (const TokenId token : tokens) {
        h = mix64(h + 0x9e3779b97f4a7c15ull + static_cast<uint32_t>(token));
    }
    return mix64(h ^ static_cast<uint64_t>(tokens.size()));
}

}  // namespace vela
