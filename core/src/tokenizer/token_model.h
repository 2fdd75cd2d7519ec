// TokenModel: the last stage of encoding, which turns one pre-tokenized word into token ids.
//
// Two models implement it: BpeModel (merges by rank, as Hugging Face tokenizers and llama.cpp's
// byte-level BPE do) and SpmModel (merges by vocabulary score, as SentencePiece and llama.cpp's SPM
// vocabulary do). Both are immutable after construction and safe to share between threads. This
// header also holds the token types (numbered as GGUF `tokenizer.ggml.token_type`) and the
// string-to-id map they share.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vela/core/types.h"

namespace vela::tokenizer {

/// The kind of a vocabulary entry, numbered as in GGUF `tokenizer.ggml.token_type`.
enum class TokenType : uint8_t {
    Normal = 1,       // ordinary text piece
    Unknown = 2,      // the unknown-token placeholder
    Control = 3,      // special token (BOS, EOS, chat markers); matched in text only when asked
    UserDefined = 4,  // added token always matched in text before pre-tokenization
    Unused = 5,       // reserved slot that text never produces
    Byte = 6,         // byte-fallback token <0xXX>
};

/// Hashes strings and string_views alike so maps keyed by std::string can be searched by view.
struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

/// Token text to id, searchable by string_view without allocating.
using PieceMap = std::unordered_map<std::string, TokenId, StringHash, std::equal_to<>>;

/// Encodes single words into token ids.
class TokenModel {
  public:
    virtual ~TokenModel() = default;
    /// Appends the ids of `word` (a non-empty pre-tokenized piece) to `out`.
    virtual void encode_word(std::string_view word, std::vector<TokenId>& out) const = 0;
};

}  // namespace vela::tokenizer
