// JSON Schema -> grammar. Compiles a schema into an expression for exactly the JSON texts (in our
// canonical layout) whose values the schema accepts.
//
// Supported keywords (anything else is an error naming the keyword and its JSON pointer):
//   type (string or array), enum, const, properties, required, additionalProperties (false / true /
//   schema), items (schema, or array as draft 7 tuples), prefixItems, additionalItems, minItems,
//   maxItems, uniqueItems: false, anyOf, oneOf (only when the branches are provably exclusive: disjoint
//   types, disjoint literal sets, or a required property whose literal values differ), allOf (merged
//   keyword by keyword), $ref to "#" or "#/..." JSON pointers (recursion allowed; no sibling validation
//   keywords), minLength, maxLength, pattern (see regex_compiler.h), format (see string_formats.h),
//   minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf. Ignored annotations: title,
//   description, default, examples, $schema, $comment, deprecated, readOnly, writeOnly, $id at the
//   root, $defs / definitions (used by $ref), "x-*".
// Layout: object members come in schema order (listed properties, then required names that are not
// listed, then additional properties); optional members may be left out; whitespace between tokens is
// bounded (json_grammar_blocks.h). enum/const values are written as given, numbers in their shortest
// form (1.0 as 1). Strict mode (OpenAI's `strict: true`) requires every object schema to list all its
// properties in `required` and not to allow additional properties; a schema that breaks this is an
// error, as it is at OpenAI, except that a missing additionalProperties beside `properties` is read as
// false. Without strict mode the schema is honoured as written (additional properties are allowed
// unless additionalProperties says otherwise).
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "grammar/compiled_grammar.h"
#include "grammar/json_grammar_blocks.h"
#include "vela/core/error.h"

namespace vela::grammar {

/// How a JSON schema is compiled.
struct JsonSchemaOptions {
    bool strict = false;       // OpenAI strict mode (see the file comment)
    uint32_t max_indent = 20;  // whitespace between tokens: a newline and at most this many spaces
};

/// The largest minLength / maxLength / minItems / maxItems a grammar is built for.
inline constexpr uint64_t kMaxSchemaCount = 10'000;

/// Compiles `schema_json` into an expression (in `json`'s builder) for one JSON value it accepts, without
/// surrounding whitespace. Errors start with "json schema" and name the keyword and its JSON pointer.
Result<ExprId> compile_json_schema(JsonGrammarBlocks& json, std::string_view schema_json,
                                   const JsonSchemaOptions& options);

/// The compiled grammar of one JSON value accepted by `schema_json`, with optional bounded whitespace
/// before and after it; an error when the schema accepts no value at all.
Result<std::shared_ptr<const CompiledGrammar>> compile_json_schema_grammar(std::string_view schema_json,
                                                                           const JsonSchemaOptions& options);

}  // namespace vela::grammar
