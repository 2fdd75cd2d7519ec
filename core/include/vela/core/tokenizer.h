// Tokenizer: text to token ids and back, exactly as the model's own tokenizer does it.
//
// One Tokenizer type serves every vocabulary vela loads: byte-level BPE (GPT-2, Llama 3, Qwen 2/3) and
// SentencePiece-style BPE with byte fallback (Llama 2, Mistral, Gemma), from a Hugging Face
// `tokenizer.json` (with `tokenizer_config.json` and `generation_config.json` beside it) or from GGUF
// `tokenizer.ggml.*` metadata. Encoding cuts out added and special tokens first, then normalizes,
// pre-tokenizes and merges each stretch of text between them. A Tokenizer is immutable after load and
// may be shared by any number of threads. Decoding writes special tokens as their text unless asked to
// skip them, and replaces bytes that do not form valid UTF-8 with U+FFFD; no Hugging Face
// "clean_up_tokenization_spaces" rewriting is ever applied, so decode(encode(x)) == x for ordinary text.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vela/core/error.h"
#include "vela/core/types.h"

namespace vela {

namespace detail {
struct TokenizerData;
}  // namespace detail

/// Options for Tokenizer::encode.
struct EncodeOptions {
    bool add_special = false;   // add BOS/EOS (or whatever the model's template says) around the text
    bool parse_special = true;  // recognize special (control) tokens written in the text
};

/// Options for Tokenizer::decode.
struct DecodeOptions {
    bool skip_special = false;  // leave out special (control and unknown) tokens
};

/// An exact tokenizer for one model's vocabulary (immutable, thread-safe).
class Tokenizer {
  public:
    /// Loads a tokenizer.json, a folder holding one (and its tokenizer_config.json), or a .gguf file
    /// (vocab-only files included). Errors name the file and what is wrong with it.
    static Result<std::unique_ptr<Tokenizer>> load(const std::filesystem::path& path);

    /// Takes ownership of loaded tokenizer data (used by the loaders).
    explicit Tokenizer(std::unique_ptr<detail::TokenizerData> data);
    ~Tokenizer();
    Tokenizer(const Tokenizer&) = delete;
    Tokenizer& operator=(const Tokenizer&) = delete;

    /// The token ids of `text`. Invalid UTF-8 in `text` is read as U+FFFD.
    std::vector<TokenId> encode(std::string_view text, const EncodeOptions& options = {}) const;
    /// The text of `ids`; ids outside the vocabulary are skipped.
    std::string decode(std::span<const TokenId> ids, const DecodeOptions& options = {}) const;

    /// The exact bytes token `id` adds to decoded text in the middle of a sequence (a byte-fallback
    /// token gives its one byte, possibly part of a UTF-8 character; a special token its text).
    const std::string& token_bytes(TokenId id) const;
    /// The token's entry as the vocabulary stores it (e.g. "ĠHello" in byte-level vocabularies).
    const std::string& token_text(TokenId id) const;
    /// The number of token ids (the largest id + 1).
    int32_t vocab_size() const;

    /// The beginning-of-sequence token, if the model has one.
    std::optional<TokenId> bos_id() const;
    /// The end-of-sequence token, if the model has one.
    std::optional<TokenId> eos_id() const;
    /// The tokens that end generation: EOS plus end-of-turn tokens the vocabulary or config names
    /// (<|eot_id|>, <|eom_id|>, <|im_end|>, <|end|>, <end_of_turn>, ...), sorted, without duplicates.
    std::span<const TokenId> end_of_generation_ids() const;
    /// True when `id` ends generation.
    bool is_end_of_generation(TokenId id) const;
    /// True for control, unknown and unused tokens (not for normal, byte or user-defined ones).
    bool is_special(TokenId id) const;
    /// The id whose vocabulary entry or added-token text is exactly `token_text`.
    std::optional<TokenId> find(std::string_view token_text) const;
    /// True when encode with add_special puts BOS first.
    bool adds_bos() const;
    /// True when encode with add_special puts EOS last.
    bool adds_eos() const;

    /// The model's chat template (tokenizer_config.json "chat_template", its "default" entry when it
    /// is a list, or GGUF tokenizer.chat_template).
    const std::optional<std::string>& chat_template() const;
    /// The text of the BOS token, for chat templates.
    std::optional<std::string> bos_token() const;
    /// The text of the EOS token, for chat templates.
    std::optional<std::string> eos_token() const;
    /// The file the tokenizer was loaded from.
    const std::filesystem::path& source() const;

    /// The loaded data (for vela's own tokenizer tools).
    const detail::TokenizerData& data() const { return *data_; }

  private:
    std::unique_ptr<detail::TokenizerData> data_;
};

/// Turns a stream of token ids into text piece by piece. What push and flush return, concatenated,
/// equals tokenizer.decode(all ids); a character whose bytes span several tokens comes out whole once
/// its last byte arrives, so no returned piece ever ends in a broken UTF-8 sequence.
class IncrementalDetokenizer {
  public:
    /// A detokenizer over `tokenizer`, which must outlive it.
    explicit IncrementalDetokenizer(const Tokenizer& tokenizer, const DecodeOptions& options = {});

    /// The text completed by token `id` (often empty while a character is unfinished).
    std::string push(TokenId id);
    /// The rest of the text at the end of the stream (bytes of an unfinished character become U+FFFD).
    std::string flush();

  private:
    const Tokenizer* tokenizer_;
    DecodeOptions options_;
    std::string pending_;        // bytes received but not yet returned
    bool first_token_ = true;    // no token has been decoded yet
    int32_t n_spaces_to_strip_;  // leading spaces the decoder still removes from the output start
};

/// Writes a vocab-only GGUF (architecture "llama" header keys and tokenizer.* metadata, no tensors)
/// holding the tokenizer of `tokenizer_source` (a tokenizer.json or a folder holding one) in the form
/// llama.cpp loads and tokenizes identically. Errors name the file and what GGUF cannot express.
Result<void> write_vocab_gguf(const std::filesystem::path& tokenizer_source,
                              const std::filesystem::path& gguf_path);

/// Writes a small synthesized tokenizer (tokenizer.json + tokenizer_config.json) into `folder`, for
/// test models: `style` "byte-level" (Qwen 2 style, ChatML markers) or "sentencepiece" (Llama 2 style,
/// byte fallback), with `n_merges` merges learned from a built-in text sample.
Result<void> write_synthesized_tokenizer(const std::filesystem::path& folder, std::string_view style,
                                         int32_t n_merges);

}  // namespace vela
