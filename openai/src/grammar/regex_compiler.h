// RegexCompiler: a subset of ECMA-262 regular expressions (JSON Schema `pattern` and the string formats)
// compiled into grammar expressions over JSON-encoded string characters.
//
// Supported: literals, `.`, classes `[...]` / `[^...]` with ranges, `\d \D \w \W \s \S`, escapes
// `\t \n \v \f \r \0 \xHH \uHHHH` and escaped punctuation, groups `(...)` and `(?:...)`, alternation,
// quantifiers `* + ? {n} {n,} {n,m}` (lazy `?` suffixes are accepted: they do not change what matches),
// and the anchors `^` / `$` at the start / end of a top-level alternative. As JSON Schema requires,
// patterns are not implicitly anchored: an unanchored side may have any text. Everything else
// (lookaround, backreferences, word boundaries, `\p{..}`, anchors elsewhere) is an error naming the
// construct and its offset, never silently ignored.
#pragma once

#include <string_view>

#include "grammar/json_grammar_blocks.h"
#include "vela/core/error.h"

namespace vela::grammar {

/// Compiles `pattern` into an expression matching the body (no quotes) of every JSON string whose
/// value contains a match; the most repetitions a quantifier may ask for is kMaxRegexRepeat.
Result<ExprId> compile_regex(JsonGrammarBlocks& json, std::string_view pattern);

/// The largest count a regex quantifier may use.
inline constexpr uint32_t kMaxRegexRepeat = 1000;

}  // namespace vela::grammar
