// Export of a Hugging Face tokenizer.json as GGUF `tokenizer.ggml.*` metadata that llama.cpp loads
// and tokenizes with identically (used by the test-model generator and `write_vocab_gguf`).
//
// Byte-level BPE becomes model "gpt2" with the `pre` whose regex equals the tokenizer.json Split
// (Llama 3 -> "llama-bpe", Qwen 2/3 -> "qwen2", GPT-2's ByteLevel regex -> "gpt-2"). SentencePiece-style
// BPE with byte fallback (Llama 2, Mistral, Gemma) becomes model "llama": llama.cpp merges those by
// score, so each token made by a merge scores minus the rank of its first merge, and tokens no merge
// makes score below all of them. Anything llama.cpp could not reproduce (other normalizers or
// pre-tokenizers, a BOS/EOS template other than one token each side) is refused with Unsupported.
// Known difference kept, not hidden: llama.cpp applies no Unicode normalization, so for a tokenizer
// with an NFC normalizer (Qwen 3) text that is not already NFC tokenizes differently in llama.cpp.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "loader/gguf_writer.h"
#include "vela/core/error.h"

namespace vela::tokenizer {

/// The GGUF tokenizer metadata of one vocabulary, as plain values.
struct GgufTokenizerMetadata {
    std::string model;                         // tokenizer.ggml.model: "gpt2" or "llama"
    std::string pre;                           // tokenizer.ggml.pre
    std::vector<std::string> tokens;           // tokenizer.ggml.tokens, indexed by id
    std::vector<int32_t> token_types;          // tokenizer.ggml.token_type (1 normal ... 6 byte)
    std::vector<float> scores;                 // tokenizer.ggml.scores ("llama" only)
    std::vector<std::string> merges;           // tokenizer.ggml.merges ("gpt2" only), "left right"
    std::optional<uint32_t> bos_id;            // tokenizer.ggml.bos_token_id
    std::optional<uint32_t> eos_id;            // tokenizer.ggml.eos_token_id
    std::optional<uint32_t> unk_id;            // tokenizer.ggml.unknown_token_id
    std::optional<uint32_t> pad_id;            // tokenizer.ggml.padding_token_id
    bool add_bos = false;                      // tokenizer.ggml.add_bos_token
    bool add_eos = false;                      // tokenizer.ggml.add_eos_token
    std::optional<bool> add_space_prefix;      // tokenizer.ggml.add_space_prefix ("llama" only)
    std::optional<std::string> chat_template;  // tokenizer.chat_template
};

/// The GGUF metadata of the tokenizer.json at `path` (or in the folder `path`).
Result<GgufTokenizerMetadata> export_gguf_tokenizer(const std::filesystem::path& path);

/// Sets every tokenizer.* key of `metadata` on `writer`.
void add_tokenizer_metadata(GgufWriter& writer, const GgufTokenizerMetadata& metadata);

}  // namespace vela::tokenizer
