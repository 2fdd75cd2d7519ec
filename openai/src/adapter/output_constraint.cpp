#include "adapter/output_constraint.h"

#include <utility>

#include "adapter/reasoning_deadline.h"
#include "grammar/grammar_constraint.h"
#include "grammar/lazy_grammar_constraint.h"

namespace vela::openai {
namespace {

using grammar::ExprId;
using grammar::GrammarBuilder;
using grammar::JsonGrammarBlocks;
using grammar::JsonSchemaOptions;

constexpr uint32_t kMaxIndent = 20;
constexpr const char* kAnyObject = R"({"type":"object"})";

// Builds the pieces of one grammar in the model's tool-call format.
class CallGrammar {
  public:
    // `enforced`: the calls are forced (tool_choice required / named), so every tool's schema must
    // compile; otherwise a non-strict tool whose schema cannot be compiled takes any object.
    CallGrammar(GrammarBuilder& b, JsonGrammarBlocks& json, const ConstraintContext& ctx, bool enforced)
        : b_(b), json_(json), ctx_(ctx), enforced_(enforced) {}

    // A marker: its special token when the vocabulary has one spelled exactly so, else its text.
    ExprId marker(std::string_view text) {
        if (auto id = special_id(text)) return b_.special_token(*id);
        return b_.literal(text);
    }

    // Free text up to and including the marker `text`.
    ExprId text_until_marker(std::string_view text) {
        if (auto id = special_id(text))
            return b_.sequence({b_.star(b_.byte_range(0, 255)), b_.special_token(*id)});
        return b_.text_until(text);
    }

    // The optional reasoning block before the constrained part.
    ExprId reasoning_prefix() {
        const ReasoningFormat* r = ctx_.reasoning;
        if (!r) return b_.empty();
        if (ctx_.starts_in_reasoning) return b_.sequence({text_until_marker(r->end), json_.ws()});
        return b_.optional(b_.sequence({marker(r->start), text_until_marker(r->end), json_.ws()}));
    }

    // A tool's arguments: its schema, or any object when a non-strict schema of a call that is not
    // enforced cannot be compiled.
    Result<ExprId> arguments(const Tool& tool) {
        const bool strict = tool.strict.value_or(false);
        const std::string schema = tool.parameters_json.value_or(kAnyObject);
        {
            GrammarBuilder scratch;
            JsonGrammarBlocks scratch_json(scratch, kMaxIndent);
            auto probe =
                grammar::compile_json_schema(scratch_json, schema, JsonSchemaOptions{strict, kMaxIndent});
            if (!probe) {
                if (strict || enforced_) {
                    return Error{probe.error().code(),
                                 "tool '" + tool.name + "' parameters: " + probe.error().message()};
                }
                return grammar::compile_json_schema(json_, kAnyObject, JsonSchemaOptions{false, kMaxIndent});
            }
        }
        return grammar::compile_json_schema(json_, schema, JsonSchemaOptions{strict, kMaxIndent});
    }

    // {"name": NAME, "<args_key>": ARGS} for one of `tools`.
    Result<ExprId> call_object(const std::vector<Tool>& tools) {
        std::vector<ExprId> options;
        const std::string key(ctx_.format.info->args_key.empty() ? "arguments" : ctx_.format.info->args_key);
        for (const Tool& tool : tools) {
            auto args = arguments(tool);
            if (!args) return args;
            ExprId name = b_.literal(JsonGrammarBlocks::encode_string(tool.name));
            options.push_back(json_.fixed_object({{"name", name}, {key, *args}}));
        }
        return b_.choice(std::move(options));
    }

    // For the layouts with the name outside the JSON: NAME-specific pieces around each tool's arguments.
    template <class Wrap>
    Result<ExprId> per_tool(const std::vector<Tool>& tools, Wrap wrap) {
        std::vector<ExprId> options;
        for (const Tool& tool : tools) {
            auto args = arguments(tool);
            if (!args) return args;
            options.push_back(wrap(tool.name, *args));
        }
        return b_.choice(std::move(options));
    }

    // One call, markers included.
    Result<ExprId> one_call(const std::vector<Tool>& tools) {
        switch (ctx_.format.layout) {
            case CallLayout::JsonObject:
            case CallLayout::JsonArray:
                break;
            case CallLayout::NameArgs:
                return per_tool(tools, [&](const std::string& name, ExprId args) {
                    return b_.sequence({marker("[TOOL_CALLS]"), b_.literal(name), marker("[ARGS]"), args});
                });
            case CallLayout::FunctionTag:
                return per_tool(tools, [&](const std::string& name, ExprId args) {
                    return b_.sequence(
                        {marker("<function="), b_.literal(name + ">"), args, marker("</function>")});
                });
            case CallLayout::QwenFunction:
                return per_tool(tools, [&](const std::string& name, ExprId args) {
                    return b_.sequence({marker("✿FUNCTION✿"), b_.literal(": " + name + "\n"),
                                        marker("✿ARGS✿"), b_.literal(": "), args});
                });
            case CallLayout::None:
                return Error{Errc::Unsupported, "no tool-call format"};
        }
        auto object = call_object(tools);
        if (!object) return object;
        switch (ctx_.format.info->format) {
            case ToolFormat::Hermes:
                return b_.sequence({marker("<tool_call>"), b_.literal("\n"), *object, b_.literal("\n"),
                                    marker("</tool_call>")});
            case ToolFormat::Mistral:
                return b_.sequence({marker("[TOOL_CALLS]"), json_.array({*object}, std::nullopt, 1, 1)});
            default:
                return *object;  // Llama 3 JSON and generic JSON: a bare object opening the content
        }
    }

    // One or more calls (parallel), in the format's way of writing several.
    Result<ExprId> calls(const std::vector<Tool>& tools, bool parallel) {
        if (!parallel) return one_call(tools);
        if (ctx_.format.layout == CallLayout::JsonArray) {
            auto object = call_object(tools);
            if (!object) return object;
            return b_.sequence({marker("[TOOL_CALLS]"), json_.array({}, *object, 1, grammar::kUnbounded)});
        }
        auto one = one_call(tools);
        if (!one) return one;
        switch (ctx_.format.info->format) {
            case ToolFormat::Json: {
                auto object = call_object(tools);
                if (!object) return object;
                return b_.choice({*one, json_.array({}, *object, 1, grammar::kUnbounded)});
            }
            case ToolFormat::Llama3Json:
                return b_.sequence({*one, b_.star(b_.sequence({b_.literal("; "), *one}))});
            case ToolFormat::Mistral:
                return b_.plus(*one);  // NameArgs: one marker per call
            default:
                return b_.sequence({*one, b_.star(b_.sequence({b_.literal("\n"), *one}))});
        }
    }

    // The rest of a call after its start marker (strict tools under auto); nothing when the format has
    // no marker to trigger on.
    std::optional<Result<ExprId>> after_start_marker(const std::vector<Tool>& tools) {
        switch (ctx_.format.layout) {
            case CallLayout::NameArgs:
                return per_tool(tools, [&](const std::string& name, ExprId args) {
                    return b_.sequence({b_.literal(name), marker("[ARGS]"), args});
                });
            case CallLayout::FunctionTag:
                return per_tool(tools, [&](const std::string& name, ExprId args) {
                    return b_.sequence({b_.literal(name + ">"), args, marker("</function>")});
                });
            case CallLayout::QwenFunction:
                return per_tool(tools, [&](const std::string& name, ExprId args) {
                    return b_.sequence(
                        {b_.literal(": " + name + "\n"), marker("✿ARGS✿"), b_.literal(": "), args});
                });
            case CallLayout::None:
                return std::nullopt;
            case CallLayout::JsonObject:
            case CallLayout::JsonArray:
                break;
        }
        if (ctx_.format.info->start_markers.empty()) return std::nullopt;
        auto object = call_object(tools);
        if (!object) return object;
        switch (ctx_.format.info->format) {
            case ToolFormat::Hermes:
                return b_.sequence({json_.ws(), *object, json_.ws(), marker("</tool_call>")});
            case ToolFormat::Mistral:
                return b_.sequence({json_.ws(), json_.array({}, *object, 1, grammar::kUnbounded)});
            default:
                return b_.sequence({json_.ws(), *object});
        }
    }

    // How the start marker shows up in the output: a special token or text.
    grammar::LazyTriggers triggers() {
        grammar::LazyTriggers t;
        for (std::string_view m : ctx_.format.info->start_markers) {
            if (auto id = special_id(m)) {
                t.tokens.push_back(*id);
            } else {
                t.texts.emplace_back(m);
            }
        }
        return t;
    }

  private:
    std::optional<TokenId> special_id(std::string_view text) const {
        auto id = ctx_.tokenizer->find(text);
        if (id && *id < ctx_.vocabulary->vocab_size() && ctx_.vocabulary->is_special(*id)) return id;
        return std::nullopt;
    }

    GrammarBuilder& b_;
    JsonGrammarBlocks& json_;
    const ConstraintContext& ctx_;
    bool enforced_ = false;
};

std::vector<Tool> selected_tools(const ConstraintRequest& r) {
    if (r.mode != ToolChoice::Mode::Function) return r.tools;
    for (const Tool& t : r.tools) {
        if (t.name == r.function_name) return {t};
    }
    return {};
}

std::string cache_key(const ConstraintContext& ctx, const ConstraintRequest& r, const char* kind) {
    std::string key =
        std::string("adapter|") + kind + "|" + std::string(ctx.format.info->name) + "|" +
        std::to_string(static_cast<int>(ctx.format.layout)) + "|" + std::to_string(static_cast<int>(r.mode)) +
        "|" + r.function_name + "|" + (r.parallel_tool_calls ? "p" : "1") + "|" +
        (ctx.reasoning ? std::string(ctx.reasoning->name) : "-") + (ctx.starts_in_reasoning ? "+" : "") + "|";
    if (r.response_format) {
        key += std::to_string(static_cast<int>(r.response_format->type)) + "|" +
               r.response_format->schema_json.value_or("") + "|" +
               (r.response_format->strict.value_or(false) ? "s" : "") + "|";
    }
    for (const Tool& t : r.tools) {
        key += t.name + "\x1f" + t.parameters_json.value_or("") + "\x1f" +
               (t.strict.value_or(false) ? "s" : "") + "\x1e";
    }
    return key;
}

OpenAIError schema_error(const Error& error, const char* param) {
    if (error.code() == Errc::Internal) return OpenAIError::server_error(error.message());
    return OpenAIError::invalid_request(error.message(), param, "unsupported_parameter");
}

TokenConstraintFactory with_deadline(const ConstraintContext& ctx, TokenConstraintFactory inner) {
    if (!ctx.reasoning) return inner;
    ReasoningDeadlineOptions options{ctx.vocabulary, std::string(ctx.reasoning->start),
                                     std::string(ctx.reasoning->end), ctx.starts_in_reasoning,
                                     ctx.reasoning_budget};
    return [inner = std::move(inner), options]() -> std::unique_ptr<TokenConstraint> {
        return std::make_unique<ReasoningDeadline>(inner(), options);
    };
}

bool wants_json(const ConstraintRequest& r) {
    return r.response_format && r.response_format->type != ResponseFormat::Type::Text;
}

}  // namespace

bool can_force_calls(const ToolFormatChoice& format) {
    return format.info != nullptr && format.layout != CallLayout::None;
}

ApiResult<TokenConstraintFactory> make_output_constraint(const ConstraintContext& ctx,
                                                         const ConstraintRequest& r) {
    const bool forced = r.mode == ToolChoice::Mode::Required || r.mode == ToolChoice::Mode::Function;
    const bool tools_on = r.mode != ToolChoice::Mode::None && !r.tools.empty();
    if (forced && !can_force_calls(ctx.format)) {
        return OpenAIError::tool_choice_unenforceable(
            "tool_choice requires a tool call, but the model's tool-call format is 'none' (set by "
            "--tool-parser), "
            "so a call cannot be enforced");
    }
    if (forced || wants_json(r)) {
        const char* kind = forced ? "forced" : "json";
        auto build = [&]() -> Result<std::shared_ptr<const grammar::CompiledGrammar>> {
            GrammarBuilder b;
            JsonGrammarBlocks json(b, kMaxIndent);
            CallGrammar g(b, json, ctx, forced);
            ExprId body = 0;
            if (forced) {
                auto calls = g.calls(selected_tools(r), r.parallel_tool_calls);
                if (!calls) return calls.error();
                body = *calls;
            } else {
                ExprId value = json.any_object();
                if (r.response_format->type == ResponseFormat::Type::JsonSchema &&
                    r.response_format->schema_json) {
                    auto compiled = grammar::compile_json_schema(
                        json, *r.response_format->schema_json,
                        JsonSchemaOptions{r.response_format->strict.value_or(false), kMaxIndent});
                    if (!compiled) {
                        return Error{compiled.error().code(),
                                     "response_format: " + compiled.error().message()};
                    }
                    value = *compiled;
                }
                body = b.sequence({json.ws(), value, json.ws()});
                if (tools_on && can_force_calls(ctx.format)) {
                    auto calls = g.calls(r.tools, r.parallel_tool_calls);
                    if (!calls) return calls.error();
                    body = b.choice({body, *calls});
                }
            }
            return grammar::CompiledGrammar::compile(b.finish_with(b.sequence({g.reasoning_prefix(), body})));
        };
        std::string description =
            forced
                ? (r.mode == ToolChoice::Mode::Function ? "tool_choice function '" + r.function_name + "'"
                                                        : std::string("tool_choice required"))
                : "response_format " + std::string(r.response_format->type == ResponseFormat::Type::JsonObject
                                                       ? "json_object"
                                                       : "json_schema");
        auto factory = grammar::make_cached_grammar_constraint(ctx.vocabulary, cache_key(ctx, r, kind), build,
                                                               std::move(description));
        if (!factory) {
            return schema_error(factory.error(), forced ? "tools" : "response_format.json_schema.schema");
        }
        return with_deadline(ctx, std::move(*factory));
    }
    bool any_strict = false;
    for (const Tool& t : r.tools)
        any_strict = any_strict || t.strict.value_or(false);
    if (!tools_on || !any_strict) return TokenConstraintFactory{};
    GrammarBuilder b;
    JsonGrammarBlocks json(b, kMaxIndent);
    CallGrammar g(b, json, ctx, false);
    auto rest = g.after_start_marker(r.tools);
    if (!rest) return TokenConstraintFactory{};  // a markerless format: nothing to trigger on
    if (!*rest) return schema_error(rest->error(), "tools");
    auto compiled = grammar::CompiledGrammar::compile(b.finish_with(**rest));
    if (!compiled) return schema_error(compiled.error(), "tools");
    auto factory = grammar::make_lazy_grammar_constraint(ctx.vocabulary, std::move(*compiled), g.triggers(),
                                                         "strict tools", !r.parallel_tool_calls);
    if (!factory) return schema_error(factory.error(), "tools");
    return std::move(*factory);
}

}  // namespace vela::openai
