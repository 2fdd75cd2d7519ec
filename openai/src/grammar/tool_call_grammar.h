// Tool-call grammar pieces: the JSON object of one call, {"name": "<tool>", "arguments": {...}}, with the
// arguments constrained by the tool's parameter schema. The OpenAI adapter wraps these in its format's
// markers (Hermes <tool_call>...</tool_call>, Mistral [TOOL_CALLS][...], Llama's "parameters" key) with
// GrammarBuilder::literal / special_token / sequence / repeat, and compiles the result.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "grammar/json_schema_compiler.h"

namespace vela::grammar {

/// A function tool as far as its call grammar is concerned.
struct ToolSchema {
    std::string name{};             // the function name
    std::string parameters_json{};  // JSON schema of the arguments; empty = any JSON object
    bool strict = false;            // OpenAI strict mode for this tool's schema
};

/// {"name": "<tool.name>", "<arguments_key>": <arguments>} in this member order, bounded whitespace.
/// Errors name the tool and the schema keyword that cannot be compiled.
Result<ExprId> tool_call_object(JsonGrammarBlocks& json, const ToolSchema& tool,
                                std::string_view arguments_key, const JsonSchemaOptions& options);

/// Any one of `tools` as tool_call_object (tool_choice "required").
Result<ExprId> any_tool_call_object(JsonGrammarBlocks& json, const std::vector<ToolSchema>& tools,
                                    std::string_view arguments_key, const JsonSchemaOptions& options);

}  // namespace vela::grammar
