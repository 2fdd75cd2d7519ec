#include "grammar/tool_call_grammar.h"

namespace vela::grammar {

Result<ExprId> tool_call_object(JsonGrammarBlocks& json, const ToolSchema& tool,
                                std::string_view arguments_key, const JsonSchemaOptions& options) {
    JsonSchemaOptions tool_options = options;
    tool_options.strict = tool.strict;
    const std::string schema = tool.parameters_json.empty() ? R"({"type":"object"})" : tool.parameters_json;
    auto arguments = compile_json_schema(json, schema, tool_options);
    if (!arguments) {
        return Error{arguments.error().code(),
                     "tool '" + tool.name + "' parameters: " + arguments.error().message()};
    }
    GrammarBuilder& b = json.builder();
    ExprId name = b.literal(JsonGrammarBlocks::encode_string(tool.name));
    return json.fixed_object({{"name", name}, {std::string(arguments_key), *arguments}});
}

Result<ExprId> any_tool_call_object(JsonGrammarBlocks& json, const std::vector<ToolSchema>& tools,
                                    std::string_view arguments_key, const JsonSchemaOptions& options) {
    if (tools.empty()) return Error{Errc::InvalidArgument, "a tool call grammar needs at least one tool"};
    std::vector<ExprId> calls;
    for (const ToolSchema& tool : tools) {
        auto call = tool_call_object(json, tool, arguments_key, options);
        if (!call) return call;
        calls.push_back(*call);
    }
    return json.builder().choice(std::move(calls));
}

}  // namespace vela::grammar
