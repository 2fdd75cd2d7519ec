// Field readers and writers shared by the codec files: typed access to JSON object members that turns a
// missing or mistyped field into an OpenAIError naming it, and UTF-8-safe JSON text output.
//
// Readers throw CodecError (a private exception that never leaves the codec: every parse_* entry point
// catches it and nlohmann's own exceptions and returns the OpenAIError). A JSON null counts as absent
// for every optional field, as OpenAI's API treats it. Object key order is kept (ordered_json) so that
// schemas and template kwargs reach the grammar compiler and the chat template exactly as sent.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vela/openai/error.h"

namespace vela::openai::codec {

/// JSON with object keys in document order.
using Json = nlohmann::ordered_json;

/// A parse failure carrying the OpenAI error to return.
struct CodecError {
    OpenAIError error;
};

/// Throws a 400 invalid_request_error naming `param`.
[[noreturn]] void fail(std::string message, std::string param, std::optional<std::string> code = {});

/// Parses `text` as one JSON value; throws a 400 naming the byte where it breaks.
Json parse_document(std::string_view text, std::string_view what);

/// "a string", "an integer", ... : the JSON type of `value` for error messages.
std::string type_phrase(const Json& value);

/// Reads members of one JSON object; `path` is the object's own param path ("" for the root).
class ObjectReader {
  public:
    /// Reads `object`, which must be a JSON object (else a 400 naming `path`).
    ObjectReader(const Json& object, std::string path);

    /// The member `key`, or nullptr when absent or null.
    const Json* find(std::string_view key) const;
    /// The param path of member `key` ("messages[0].content").
    std::string param(std::string_view key) const;

    /// A string member (absent: nullopt); a number or bool is a type error.
    std::optional<std::string> string(std::string_view key) const;
    /// A required string member.
    std::string required_string(std::string_view key) const;
    /// A number member (integers accepted).
    std::optional<double> number(std::string_view key) const;
    /// A number member narrowed to float.
    std::optional<float> float_number(std::string_view key) const;
    /// An integer member (a float with an integral value is accepted), range-checked for int64.
    std::optional<int64_t> integer(std::string_view key) const;
    /// An integer member that must fit int32.
    std::optional<int32_t> int32(std::string_view key) const;
    /// A boolean member.
    std::optional<bool> boolean(std::string_view key) const;
    /// A member of any type, as JSON text.
    std::optional<std::string> json_text(std::string_view key) const;
    /// A member that must be an object, as JSON text.
    std::optional<std::string> object_text(std::string_view key) const;
    /// A list of strings, or one string read as a list of one.
    std::vector<std::string> string_or_list(std::string_view key) const;
    /// A list of integers.
    std::vector<int64_t> integer_list(std::string_view key) const;
    /// The object itself.
    const Json& json() const { return object_; }
    /// The object's own param path.
    const std::string& path() const { return path_; }

  private:
    [[noreturn]] void type_error(std::string_view key, const char* expected, const Json& got) const;

    const Json& object_;
    std::string path_;
};

/// `text` as JSON text: the whole value (for JSON-text fields), or nullopt when `text` is unset.
Json json_from_text(const std::optional<std::string>& text);
/// Serializes with invalid UTF-8 replaced by U+FFFD (never throws).
std::string dump(const Json& value);
/// A float as the shortest decimal that reads back as the same float.
Json float_json(float value);

}  // namespace vela::openai::codec
