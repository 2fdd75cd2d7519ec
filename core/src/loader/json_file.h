// JSON parsing for the weight loaders (safetensors headers, model.safetensors.index.json) with errors
// that name the source and the line and column, never exceptions. nlohmann::json stays private to
// vela_core: this header is under src/ and is included only by loader code and tests.
#pragma once

#include <filesystem>
#include <string_view>

#include <nlohmann/json.hpp>

#include "vela/core/error.h"

namespace vela {

/// Parses `text`; a Corrupt error starts with `source` (a path or a description) and says where it broke.
Result<nlohmann::json> parse_json(std::string_view text, std::string_view source);

/// Reads and parses the JSON file at `path` (NotFound, InvalidArgument for a folder, Io, or Corrupt).
Result<nlohmann::json> read_json_file(const std::filesystem::path& path);

}  // namespace vela
