// The token constraints a chat request can need, built from grammars of the model's own tool-call format
// and of JSON schemas:
//   - forced calls (tool_choice "required" or a named function): exactly the format's call markup with
//     a known tool name and arguments that match the tool's parameters, one call or (parallel) several;
//   - strict tools under tool_choice "auto": free text, but once the format's start marker appears the
//     call must match (a lazy grammar; formats without a start marker, generic JSON and bare Llama 3
//     JSON, cannot be triggered and so are not constrained under auto);
//   - response_format json_object / json_schema: one JSON value (with tools under auto: that value or
//     the format's calls).
// When the model reasons (a reasoning format and thinking not turned off), a reasoning block may come
// first: "<think>" free text "</think>" (or just the free text and the end marker when the prompt opened
// the block), then the constrained part. A reasoning deadline keeps this bounded: after `budget` tokens
// of reasoning only tokens that complete the end marker are allowed, so the constrained answer always
// gets its turn (the "deadline then constrain" design). Markers that are special tokens are matched by
// token id. Arguments of a tool whose schema vela cannot compile: a strict tool, or any tool of a forced
// call (whose arguments are promised to match), is an error naming the keyword; a non-strict tool beside
// a strict one under auto falls back to "any JSON object".
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "grammar/tool_call_grammar.h"
#include "grammar/vocabulary_index.h"
#include "reasoning/reasoning_format.h"
#include "tool_parsers/tool_format_registry.h"
#include "vela/core/token_constraint.h"
#include "vela/openai/chat_request.h"
#include "vela/openai/error.h"

namespace vela::openai {

/// What every constraint needs to know about the model and the prompt.
struct ConstraintContext {
    std::shared_ptr<const grammar::VocabularyIndex> vocabulary;  // the model's vocabulary
    const Tokenizer* tokenizer = nullptr;                        // to find marker tokens
    ToolFormatChoice format;                                     // the tool-call format and layout
    const ReasoningFormat* reasoning = nullptr;                  // nullptr: the model does not reason
    bool starts_in_reasoning = false;                            // the prompt opened the reasoning block
    int32_t reasoning_budget = 1024;                             // reasoning tokens before the deadline
};

/// What must be constrained.
struct ConstraintRequest {
    std::vector<Tool> tools;                         // the tools the model may call (allowed_tools applied)
    ToolChoice::Mode mode = ToolChoice::Mode::Auto;  // Required / Function force a call
    std::string function_name;                       // Mode::Function
    bool parallel_tool_calls = true;                 // false: exactly one call when forced
    std::optional<ResponseFormat> response_format;   // json_object / json_schema
};

/// The constraint for `request`, or an empty factory when nothing needs constraining; 400 errors name
/// the schema keyword or say why the format cannot be enforced.
ApiResult<TokenConstraintFactory> make_output_constraint(const ConstraintContext& context,
                                                         const ConstraintRequest& request);

/// True when `format` can express forced calls (every format but "none").
bool can_force_calls(const ToolFormatChoice& format);

}  // namespace vela::openai
