// Special tokens recognized by their text: which tokens end generation, and (for GGUF files) which
// tokens llama.cpp promotes to control tokens whatever their stored type.
//
// llama.cpp does not trust a GGUF's token types for a known set of texts: every token spelled like an
// end-of-turn marker (<|im_end|>, <|eot_id|>, </s>, ...) or a fill-in-the-middle marker becomes a
// control token, so it is cut out of text as a special token, and the end-of-turn ones (and the FIM
// pad/repo/file-separator ones) end generation, with two exceptions (gpt-oss's <|end|>, Gemma 4's
// "</s>"). vela applies the same rules to GGUF vocabularies so that it tokenizes them exactly as
// llama.cpp does. For tokenizer.json vocabularies only tokens that are already special count, as in
// Hugging Face.
#pragma once

#include "tokenizer/tokenizer_data.h"

namespace vela::tokenizer {

/// Where a vocabulary came from, which decides how text-recognized special tokens are treated.
enum class SpecialTokenRule {
    HuggingFace,  // only control tokens may be recognized by text
    LlamaCpp,     // recognized texts are promoted to control tokens, as llama.cpp does
};

/// Completes data.eog_ids (EOS, ids already listed, tokens recognized by text; sorted, unique) and,
/// under LlamaCpp, promotes recognized tokens to Control and adds them to data.added_tokens. Call
/// before building data.added_matcher.
void finish_special_tokens(detail::TokenizerData& data, SpecialTokenRule rule);

}  // namespace vela::tokenizer
