// Reads a Hugging Face config.json into a ModelConfig (and generation_config.json into defaults).
#pragma once

#include <filesystem>
#include <string_view>

#include "model/generation_defaults.h"
#include "model/model_config.h"
#include "vela/core/error.h"

namespace vela {

/// Parses the text of a config.json; `origin` names the file in error messages.
Result<ModelConfig> model_config_from_hf_json(std::string_view json_text, const std::string& origin);

/// Reads `folder`/config.json.
Result<ModelConfig> model_config_from_hf_folder(const std::filesystem::path& folder);

/// Reads `folder`/generation_config.json if present (all fields unset when absent).
Result<GenerationDefaults> generation_defaults_from_hf_folder(const std::filesystem::path& folder);

}  // namespace vela
