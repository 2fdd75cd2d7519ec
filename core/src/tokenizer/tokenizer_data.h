// TokenizerData: everything a loaded tokenizer consists of, filled in by a loader (tokenizer.json or
// GGUF) and then only read. Tokenizer (public) runs the pipeline over it:
//
//   text -> AddedTokenMatcher -> for each text section: Normalizer -> PreTokenizer -> TokenModel
//
// and decodes by concatenating `pieces` (with the decoder's leading-space rule) and repairing UTF-8.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tokenizer/added_token_matcher.h"
#include "tokenizer/normalizer.h"
#include "tokenizer/pre_tokenizer.h"
#include "tokenizer/token_model.h"
#include "vela/core/types.h"

namespace vela::tokenizer {

/// How a decoder removes spaces at the very start of decoded text.
enum class LeadingStrip {
    None,
    FirstToken,  // one space at the start of the first token (Metaspace decoder)
    Output,      // up to `n_leading_strip` spaces at the start of the whole text (Strip decoder)
};

/// The vocabulary family, which decides how the vocabulary is exported to GGUF.
enum class VocabKind {
    ByteLevelBpe,  // GPT-2 style byte-level BPE (GGUF model "gpt2")
    CharBpe,       // SentencePiece-style BPE with byte fallback (GGUF model "llama")
};

}  // namespace vela::tokenizer

namespace vela::detail {

/// A loaded tokenizer (see the file comment).
struct TokenizerData {
    std::filesystem::path source;  // the file it was loaded from

    // Vocabulary, indexed by id.
    std::vector<std::string> token_texts;  // entries as stored ("ĠHello", "▁Hello", "<0x0A>")
    std::vector<tokenizer::TokenType> token_types;
    std::vector<std::string> pieces;  // bytes each token adds to decoded text
    tokenizer::PieceMap text_to_id;   // stored entry or added-token text -> id
    tokenizer::VocabKind kind = tokenizer::VocabKind::ByteLevelBpe;

    // Encoding pipeline.
    std::vector<tokenizer::AddedToken> added_tokens;  // also the source of `added_matcher`
    tokenizer::AddedTokenMatcher added_matcher;
    tokenizer::Normalizer normalizer;
    tokenizer::PreTokenizer pre_tokenizer;
    std::unique_ptr<tokenizer::TokenModel> model;
    std::vector<TokenId> prefix_ids;  // added before the text with add_special
    std::vector<TokenId> suffix_ids;  // added after the text with add_special

    // Decoding.
    tokenizer::LeadingStrip leading_strip = tokenizer::LeadingStrip::None;
    int32_t n_leading_strip = 0;  // spaces removed when leading_strip is Output

    // Special tokens and model facts.
    std::optional<TokenId> bos_id;
    std::optional<TokenId> eos_id;
    std::optional<TokenId> unk_id;
    std::optional<TokenId> pad_id;
    std::vector<TokenId> eog_ids;  // sorted, unique
    std::optional<std::string> chat_template;
    std::optional<std::string> bos_token;  // texts for chat templates
    std::optional<std::string> eos_token;

    // Facts only GGUF export needs (tokenizer.json sources).
    std::vector<std::pair<std::string, std::string>> merges;  // stored-form pairs in rank order
    bool ignore_merges = false;
};

}  // namespace vela::detail
