// Response pieces chat and legacy completion responses share: usage, finish reasons, chat logprobs,
// nullable strings.
#pragma once

#include <optional>
#include <string>

#include "codec/json_reader.h"
#include "vela/openai/chat_response.h"

namespace vela::openai::codec {

/// The finish reason, or null.
Json finish_json(const std::optional<ChoiceFinishReason>& reason);
/// The "finish_reason" member of choice `r` (absent or null: nullopt).
std::optional<ChoiceFinishReason> read_finish(const ObjectReader& r);
/// The usage object.
Json usage_json(const Usage& usage);
/// Reads a usage object found at `path`.
Usage read_usage(const Json& value, const std::string& path);
/// A chat choice's logprobs object, or null.
Json logprobs_json(const std::optional<ChoiceLogprobs>& logprobs);
/// The "logprobs" member of chat choice `choice`.
std::optional<ChoiceLogprobs> read_logprobs(const ObjectReader& choice);
/// The string, or null.
Json nullable(const std::optional<std::string>& text);

}  // namespace vela::openai::codec
