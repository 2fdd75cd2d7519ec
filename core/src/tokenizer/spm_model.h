// SpmModel: SentencePiece-style BPE by vocabulary score, as llama.cpp encodes GGUF vocabularies of
// type "llama" (Llama 2, Mistral, Gemma, Phi-3).
//
// A word (already space-escaped to U+2581) starts as one symbol per UTF-8 character. Any two adjacent
// symbols whose concatenation is a vocabulary entry may merge; the pair whose entry has the highest
// score merges first, ties going to the leftmost pair. Candidates wait in a heap and are re-checked
// when popped (O(n log n)). A leftover character missing from the vocabulary becomes its byte tokens
// <0xXX>, or the unknown token when the vocabulary has no byte tokens.
#pragma once

#include <array>
#include <optional>
#include <vector>

#include "tokenizer/token_model.h"

namespace vela::tokenizer {

/// Score-ordered SentencePiece BPE (immutable, thread-safe).
class SpmModel final : public TokenModel {
  public:
    /// A model over `vocab` (piece text -> id) with `scores` indexed by id; `byte_tokens[b]` is the id
    /// of <0xXX> (or -1).
    SpmModel(PieceMap vocab, std::vector<float> scores, std::array<TokenId, 256> byte_tokens,
             std::optional<TokenId> unk_id);

    void encode_word(std::string_view word, std::vector<TokenId>& out) const override;

  private:
    PieceMap vocab_;
    std::vector<float> scores_;
    std::array<TokenId, 256> byte_tokens_;
    std::optional<TokenId> unk_id_;
};

}  // namespace vela::tokenizer
