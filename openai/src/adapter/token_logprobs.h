// The engine's token logprobs in OpenAI's two shapes: chat ({token, logprob, bytes, top_logprobs}) and
// legacy completions (parallel lists of tokens, logprobs, alternatives and text offsets).
//
// A token's "token" text is its exact bytes with any invalid UTF-8 (a token holding part of a
// character) replaced by U+FFFD, as OpenAI does; "bytes" are always the exact bytes, so a client can
// rebuild the text of split characters.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "vela/core/output.h"
#include "vela/core/tokenizer.h"
#include "vela/openai/chat_response.h"
#include "vela/openai/completion.h"

namespace vela::openai {

/// `bytes` with every invalid UTF-8 sequence replaced by U+FFFD.
std::string sanitize_utf8(std::string_view bytes);

/// One generated token in the chat shape.
LogprobEntry chat_logprob(const Tokenizer& tokenizer, const TokenLogprob& logprob);

/// Characters (code points) in UTF-8 `text`: what legacy `text_offset` counts, as OpenAI and vLLM do.
/// A character split across tokens counts once, with the token holding its first byte.
int32_t count_characters(std::string_view text);

/// Appends `logprobs` to legacy logprobs `out`, the first token starting at character `text_offset` of
/// the choice's text; returns the offset after the last one.
int32_t append_legacy_logprobs(const Tokenizer& tokenizer, std::span<const TokenLogprob> logprobs,
                               int32_t text_offset, CompletionLogprobs& out);

}  // namespace vela::openai
