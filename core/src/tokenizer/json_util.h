// Small helpers for the loaders that read Hugging Face JSON files with nlohmann::json.
//
// Loader code signals a bad file by throwing LoadError from deep inside its parsing helpers; the
// loader's entry point catches it (and any nlohmann exception) and returns it as an Error prefixed by
// the file path. Nothing throws out of a loader.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "vela/core/error.h"

namespace vela::tokenizer {

/// A loader failure on its way to becoming an Error (never escapes a loader).
struct LoadError {
    Errc code;
    std::string message;  // without the file path, which the entry point adds
};

/// Throws LoadError{code, message}.
[[noreturn]] void fail(Errc code, std::string message);

/// The parsed JSON of `path`: NotFound, Io, or Corrupt (with the parser's position) on failure.
Result<nlohmann::json> read_json_file(const std::filesystem::path& path);

/// The member `key` of `object`, or nullptr when `object` is not an object, lacks it, or it is null.
const nlohmann::json* json_member(const nlohmann::json& object, std::string_view key);

/// The string member `key` (a LoadError naming `where`.`key` when present but not a string).
std::optional<std::string> json_string(const nlohmann::json& object, std::string_view key,
                                       std::string_view where);

/// The bool member `key`, or `fallback` when absent (a LoadError when present but not a bool).
bool json_bool(const nlohmann::json& object, std::string_view key, bool fallback, std::string_view where);

/// The text of a token given as a string or as an object {"content": ...} (tokenizer_config.json).
std::optional<std::string> json_token_text(const nlohmann::json* value);

}  // namespace vela::tokenizer
