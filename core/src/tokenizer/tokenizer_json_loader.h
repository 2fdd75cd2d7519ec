// Loading a Hugging Face fast tokenizer: tokenizer.json, plus tokenizer_config.json,
// chat_template.jinja and generation_config.json when they sit beside it.
#pragma once

#include <filesystem>
#include <memory>

#include "tokenizer/tokenizer_data.h"
#include "vela/core/error.h"

namespace vela::tokenizer {

/// Reads `json_path` (a tokenizer.json) and the config files next to it. Errors name the file and
/// the field: NotFound, Corrupt (malformed JSON or inconsistent vocabulary) or Unsupported (a model,
/// normalizer, pre-tokenizer, decoder or post-processor type vela does not implement).
Result<std::unique_ptr<detail::TokenizerData>> load_tokenizer_json(const std::filesystem::path& json_path);

}  // namespace vela::tokenizer
