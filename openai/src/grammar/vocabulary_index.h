// VocabularyIndex: a tokenizer's vocabulary as exact token bytes plus a byte trie, built once per
// tokenizer and shared (immutable, thread-safe) by every constrained request.
//
// The trie is flattened in depth-first preorder: node i has a byte, a depth and the index one past its
// subtree, so a walk is a linear scan that jumps over a whole subtree when a prefix is refused. Special
// tokens (control tokens such as <|im_end|> or [TOOL_CALLS]) are not in the trie: text never matches
// them; a grammar can only allow one by naming it (GrammarBuilder::special_token). Tokens with no bytes
// are never allowed.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vela/core/error.h"
#include "vela/core/tokenizer.h"
#include "vela/core/types.h"

namespace vela::grammar {

/// The vocabulary of one tokenizer, indexed for token masks.
class VocabularyIndex {
  public:
    /// One trie node (the root is implicit).
    struct TrieNode {
        uint32_t subtree_end = 0;  // index one past the last node of this subtree
        uint32_t token_begin = 0;  // tokens whose bytes end here: trie_tokens()[token_begin, token_end)
        uint32_t token_end = 0;
        uint16_t depth = 0;  // 1 for children of the root
        uint8_t byte = 0;    // the byte on the edge into this node
    };

    /// Builds the index; `token_bytes[id]` are the exact bytes token `id` adds to the text and
    /// `special[id]` is nonzero for control tokens. Fails when the sizes differ or a token is too long.
    static Result<std::shared_ptr<const VocabularyIndex>> build(std::vector<std::string> token_bytes,
                                                                std::vector<uint8_t> special);
    /// Builds the index of `tokenizer`'s vocabulary (Tokenizer::token_bytes and is_special per id).
    static Result<std::shared_ptr<const VocabularyIndex>> from_tokenizer(const Tokenizer& tokenizer);

    /// Number of token ids.
    int32_t vocab_size() const { return static_cast<int32_t>(token_bytes_.size()); }
    /// Number of 32-bit words in a mask over the vocabulary.
    size_t n_mask_words() const { return (token_bytes_.size() + 31) / 32; }
    /// The bytes of `token`.
    std::string_view token_bytes(TokenId token) const { return token_bytes_[token]; }
    /// True for control tokens.
    bool is_special(TokenId token) const { return special_[token] != 0; }
    /// The trie nodes in preorder.
    std::span<const TrieNode> trie() const { return nodes_; }
    /// Token ids referenced by TrieNode::token_begin / token_end.
    std::span<const TokenId> trie_tokens() const { return trie_tokens_; }
    /// The depth of the deepest node (the longest token, in bytes).
    uint32_t max_depth() const { return max_depth_; }

  private:
    VocabularyIndex() = default;

    std::vector<std::string> token_bytes_;
    std::vector<uint8_t> special_;
    std::vector<TrieNode> nodes_;
    std::vector<TokenId> trie_tokens_;
    uint32_t max_depth_ = 0;
};

}  // namespace vela::grammar
