// The pre-tokenizers of GGUF byte-level vocabularies, chosen by `tokenizer.ggml.pre`.
//
// A GGUF file names its pre-tokenizer instead of storing it; llama.cpp maps each name to a list of
// regexes applied one after another (each splitting the pieces of the previous one, matches and the
// text between them kept as separate pieces) plus a few flags. This table holds the names vela
// reproduces exactly, each checked against llama.cpp's own vocabulary test vectors (see
// tests/conformance/tokenizer_llamacpp_vocab.test.mjs). The regexes are those of the models' original
// tokenizer.json files, in PCRE2 syntax.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace vela::tokenizer {

/// How one family of `tokenizer.ggml.pre` names pre-tokenizes.
struct GgufPreTokenizer {
    std::span<const std::string_view> names;     // the `pre` values that select it
    std::span<const std::string_view> patterns;  // regexes, applied in order
    bool ignore_merges = false;                  // whole words found in the vocabulary skip merging
    bool add_bos = false;                        // llama.cpp's default when add_bos_token is absent
};

/// The entry for `pre`, or nullopt when vela does not reproduce that pre-tokenizer.
std::optional<GgufPreTokenizer> find_gguf_pre_tokenizer(std::string_view pre);

/// Every `pre` name vela supports, for error messages.
std::string_view supported_gguf_pre_names();

}  // namespace vela::tokenizer
