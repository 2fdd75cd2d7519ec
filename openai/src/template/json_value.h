// JSON text <-> Value with Python's json module semantics: json.loads keeps integers and floats
// apart, keeps object key order and lets a later duplicate key win; json.dumps (Hugging Face's
// tojson filter) supports ensure_ascii, indent, separators and sort_keys and prints floats with
// Python's repr. These are what make `tools | tojson` byte-identical to transformers.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "template/value.h"

namespace vela::openai::jinja {

/// Parses `text` as json.loads would; throws a Type-kind TemplateError naming the byte offset of
/// malformed input. Integers beyond 64 bits become floats.
Value parse_json(std::string_view text);

/// The options of json.dumps that Hugging Face's tojson filter forwards.
struct JsonDumpOptions {
    bool ensure_ascii = false;          // escape every non-ASCII character as \uXXXX
    std::optional<std::string> indent;  // unset = one line; otherwise the indent unit per level
    std::string item_separator = ", ";  // between items (json.dumps uses "," when indenting)
    std::string key_separator = ": ";   // between a key and its value
    bool sort_keys = false;             // sort object keys
};

/// Serialises `value` as json.dumps would; throws a Type-kind TemplateError for values JSON cannot
/// hold (undefined, callables, namespaces) or keys it cannot convert.
std::string dump_json(const Value& value, const JsonDumpOptions& options);

}  // namespace vela::openai::jinja
