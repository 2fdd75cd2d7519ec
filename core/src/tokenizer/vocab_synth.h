// Synthesized vocabularies for small test models: a real, loadable Hugging Face tokenizer
// (tokenizer.json + tokenizer_config.json) built without any downloaded data.
//
// The vocabulary is the 256 byte symbols (byte-level style) or the 256 <0xXX> byte-fallback tokens
// plus the characters of a built-in English-and-code sample (SentencePiece style), then the merges a
// plain BPE trainer learns from that sample (most frequent adjacent pair first, ties broken by the
// pair's text, so the result is the same on every machine), then the special tokens. Byte-level
// vocabularies use the Qwen 2 pre-tokenizer and ChatML markers (GGUF pre "qwen2"); SentencePiece ones
// use Llama 2's normalizer, decoder and <s>/</s> (GGUF model "llama"). Both export to GGUF with
// export_gguf_tokenizer and tokenize identically in llama.cpp.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "vela/core/error.h"

namespace vela::tokenizer {

/// Which kind of tokenizer to synthesize.
enum class SynthVocabStyle {
    ByteLevel,      // GPT-2 / Qwen style byte-level BPE, ChatML special tokens
    SentencePiece,  // Llama 2 / Mistral style BPE with byte fallback, <s> and </s>
};

/// What to synthesize.
struct SynthTokenizerOptions {
    SynthVocabStyle style = SynthVocabStyle::ByteLevel;  // vocabulary family
    int32_t n_merges = 400;  // merges to learn (fewer only if the sample runs out of pairs)
};

/// The two files of a synthesized tokenizer, as JSON text.
struct SynthTokenizerFiles {
    std::string tokenizer_json;         // tokenizer.json
    std::string tokenizer_config_json;  // tokenizer_config.json (BOS/EOS texts, add_bos_token, chat_template)
};

/// Builds a tokenizer as described in the file comment.
SynthTokenizerFiles synthesize_tokenizer(const SynthTokenizerOptions& options);

/// Writes tokenizer.json and tokenizer_config.json of synthesize_tokenizer(options) into `folder`
/// (created if needed); Io names the file that could not be written.
Result<void> write_synthesized_tokenizer(const SynthTokenizerOptions& options,
                                         const std::filesystem::path& folder);

}  // namespace vela::tokenizer
