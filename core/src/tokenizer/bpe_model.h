// BpeModel: byte-pair encoding by merge rank.
//
// A word starts as one symbol per byte (byte-level vocabularies such as GPT-2, Llama 3, Qwen) or per
// UTF-8 character (SentencePiece-style vocabularies such as Llama 2, Mistral, Gemma). Adjacent symbols
// merge by the lowest-ranked applicable merge, ties going to the leftmost pair, until none applies.
// Candidate pairs wait in a min-heap and are checked when popped, so a word of n symbols costs
// O(n log n) even when it is a 100 KB run without spaces. Symbols missing from the vocabulary become
// byte tokens <0xXX> (byte_fallback), else the unknown token, else nothing (as llama.cpp drops bytes a
// byte-level vocabulary lacks). With `ignore_merges` (Llama 3) a word that
// is itself in the vocabulary is emitted whole, as Hugging Face tokenizers does.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "tokenizer/token_model.h"

namespace vela::tokenizer {

/// What the initial symbols of a word are.
enum class SymbolUnit { Byte, Char };

/// One merge rule: the pair (left, right) becomes `result`; lower `rank` merges first.
struct BpeMerge {
    TokenId left = 0;
    TokenId right = 0;
    TokenId result = 0;
};

/// How a BpeModel starts and finishes words.
struct BpeOptions {
    SymbolUnit unit = SymbolUnit::Byte;  // initial symbols: bytes (byte-level) or characters
    bool byte_fallback = false;          // unknown characters become <0xXX> byte tokens
    bool ignore_merges = false;          // a word found in the vocabulary is one token
    bool whole_newline_runs = false;     // a word of only '\n' found in the vocabulary is one token (Gemma 4)
    bool fuse_unk = false;               // consecutive unknown tokens in a word become one
    std::optional<TokenId> unk_id;       // the unknown token, if the vocabulary has one
};

/// Rank-ordered byte-pair encoding (immutable, thread-safe).
class BpeModel final : public TokenModel {
  public:
    /// A model over `vocab` (symbol text in the model's unit space -> id) with `merges` in rank order;
    /// `byte_tokens[b]` is the id of <0xXX> for byte b (or -1), used by byte fallback.
    BpeModel(BpeOptions options, PieceMap vocab, const std::vector<BpeMerge>& merges,
             std::array<TokenId, 256> byte_tokens);

    void encode_word(std::string_view word, std::vector<TokenId>& out) const override;

    /// The id of symbol text `piece`, or -1.
    TokenId find(std::string_view piece) const;

  private:
    struct MergeRule {
        int32_t rank;
        TokenId result;
    };
    static uint64_t pair_key(TokenId left, TokenId right) {
        return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) | static_cast<uint32_t>(right);
    }
    // Appends the initial symbols of one character (or byte) to `symbols`.
    void push_initial(std::string_view unit, std::vector<TokenId>& symbols) const;

    BpeOptions options_;
    PieceMap vocab_;
    std::unordered_map<uint64_t, MergeRule> merges_;
    std::array<TokenId, 256> byte_tokens_;
    std::array<TokenId, 256> single_byte_ids_;  // id of each one-byte symbol (Byte unit), or -1
};

}  // namespace vela::tokenizer
