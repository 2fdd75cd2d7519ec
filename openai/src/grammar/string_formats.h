// String formats: JSON Schema `format` values that a grammar can enforce, as one table of regular
// expressions compiled by the regex compiler.
//
// date and date-time check days per month and leap years (February 29 only in leap years); time is RFC
// 3339 full-time (second 60 allowed, as the RFC's grammar does); email is a conservative dot-atom
// address (every address it allows is valid, not every valid address is allowed).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "grammar/json_grammar_blocks.h"
#include "vela/core/error.h"

namespace vela::grammar {

/// An expression for the body (no quotes) of strings in `format`; an error names unsupported formats.
Result<ExprId> compile_format(JsonGrammarBlocks& json, std::string_view format);

/// The names of the supported formats.
std::vector<std::string> supported_formats();

}  // namespace vela::grammar
