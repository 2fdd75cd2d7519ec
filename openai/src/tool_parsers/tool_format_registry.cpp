#include "tool_parsers/tool_format_registry.h"

#include <array>

#include "tool_parsers/format_factories.h"

namespace vela::openai {
namespace {

using Markers = std::span<const std::string_view>;

constexpr std::array<std::string_view, 1> kMistralMarkers = {"[TOOL_CALLS]"};
constexpr std::array<std::string_view, 1> kMistralEnd = {"[/TOOL_CALLS]"};
constexpr std::array<std::string_view, 1> kPythonTag = {"<|python_tag|>"};
constexpr std::array<std::string_view, 2> kLlamaEnd = {"<|eom_id|>", "<|eot_id|>"};
constexpr std::array<std::string_view, 1> kLlamaStop = {"<|eom_id|>"};
constexpr std::array<std::string_view, 2> kLlamaTemplate = {"<|python_tag|>",
                                                            "\"parameters\": dictionary of argument name"};
constexpr std::array<std::string_view, 1> kFunctionTag = {"<function="};
constexpr std::array<std::string_view, 1> kFunctionTagEnd = {"</function>"};
constexpr std::array<std::string_view, 1> kHermesMarkers = {"<tool_call>"};
constexpr std::array<std::string_view, 1> kHermesEnd = {"</tool_call>"};
constexpr std::array<std::string_view, 1> kHermesAliases = {"qwen"};
constexpr std::array<std::string_view, 1> kQwenFunction = {"✿FUNCTION✿"};
constexpr std::array<std::string_view, 2> kQwenFunctionEnd = {"✿RESULT✿", "✿RETURN✿"};
constexpr std::array<std::string_view, 1> kMistralNameForm = {"[ARGS]"};

// Most specific first: a template that mentions several markers gets the first row that matches
// (functionary v3.1 renders both <function= and <|python_tag|>; Qwen3-Coder both <tool_call> and
// <function=, and its calls open with <tool_call>).
constexpr std::array<ToolFormatInfo, 7> kFormats = {{
    {.format = ToolFormat::Mistral,
     .name = "mistral",
     .aliases = {},
     .layout = CallLayout::JsonArray,
     .args_key = "arguments",
     .start_markers = kMistralMarkers,
     .end_markers = kMistralEnd,
     .bare_json = BareJson::None,
     .stop_sequences = kMistralEnd,
     .template_markers = kMistralMarkers,
     .vocabulary_markers = kMistralMarkers,
     .make_region = make_mistral_region},
    {.format = ToolFormat::QwenFunction,
     .name = "qwen_fn",
     .aliases = {},
     .layout = CallLayout::QwenFunction,
     .args_key = {},
     .start_markers = kQwenFunction,
     .end_markers = kQwenFunctionEnd,
     .bare_json = BareJson::None,
     .stop_sequences = kQwenFunctionEnd,
     .template_markers = kQwenFunction,
     .vocabulary_markers = {},
     .make_region = make_qwen_function_region},
    {.format = ToolFormat::Hermes,
     .name = "hermes",
     .aliases = kHermesAliases,
     .layout = CallLayout::JsonObject,
     .args_key = "arguments",
     .start_markers = kHermesMarkers,
     .end_markers = kHermesEnd,
     .bare_json = BareJson::None,
     .stop_sequences = {},
     .template_markers = kHermesMarkers,
     .vocabulary_markers = kHermesMarkers,
     .make_region = make_hermes_region},
    {.format = ToolFormat::FunctionTag,
     .name = "function_tag",
     .aliases = {},
     .layout = CallLayout::FunctionTag,
     .args_key = {},
     .start_markers = kFunctionTag,
     .end_markers = kFunctionTagEnd,
     .bare_json = BareJson::None,
     .stop_sequences = {},
     .template_markers = kFunctionTag,
     .vocabulary_markers = {},
     .make_region = make_function_tag_region},
    {.format = ToolFormat::Llama3Json,
     .name = "llama3_json",
     .aliases = {},
     .layout = CallLayout::JsonObject,
     .args_key = "parameters",
     .start_markers = kPythonTag,
     .end_markers = kLlamaEnd,
     .bare_json = BareJson::Object,
     .stop_sequences = kLlamaStop,
     .template_markers = kLlamaTemplate,
     .vocabulary_markers = kPythonTag,
     .make_region = make_llama3_json_region},
    {.format = ToolFormat::Json,
     .name = "json",
     .aliases = {},
     .layout = CallLayout::JsonObject,
     .args_key = "arguments",
     .start_markers = {},
     .end_markers = {},
     .bare_json = BareJson::ObjectOrArray,
     .stop_sequences = {},
     .template_markers = {},
     .vocabulary_markers = {},
     .make_region = make_json_region},
    {.format = ToolFormat::None,
     .name = "none",
     .aliases = {},
     .layout = CallLayout::None,
     .args_key = {},
     .start_markers = {},
     .end_markers = {},
     .bare_json = BareJson::None,
     .stop_sequences = {},
     .template_markers = {},
     .vocabulary_markers = {},
     .make_region = nullptr},
}};

std::string valid_names() {
    std::string names;
    for (const auto& row : kFormats) {
        if (!names.empty()) names += ", ";
        names += row.name;
        for (std::string_view alias : row.aliases) {
            names += " (alias ";
            names += alias;
            names += ")";
        }
    }
    return names;
}

// Mistral's two forms: templates from v11 on render NAME[ARGS]; their vocabularies have [ARGS].
CallLayout layout_for(const ToolFormatInfo& info, const std::optional<std::string>& chat_template,
                      const HasSpecialToken& has_special_token) {
    if (info.format != ToolFormat::Mistral) return info.layout;
    for (std::string_view marker : kMistralNameForm) {
        if (chat_template && chat_template->find(marker) != std::string::npos) return CallLayout::NameArgs;
        if (has_special_token && has_special_token(marker)) return CallLayout::NameArgs;
    }
    return CallLayout::JsonArray;
}

}  // namespace

std::span<const ToolFormatInfo> tool_formats() {
    return kFormats;
}

const ToolFormatInfo& tool_format_info(ToolFormat format) {
    for (const auto& row : kFormats) {
        if (row.format == format) return row;
    }
    return kFormats.back();
}

Result<const ToolFormatInfo*> find_tool_format(std::string_view name) {
    for (const auto& row : kFormats) {
        if (row.name == name) return &row;
        for (std::string_view alias : row.aliases) {
            if (alias == name) return &row;
        }
    }
    return Error{Errc::InvalidArgument,
                 "unknown tool parser '" + std::string(name) + "'; expected one of: " + valid_names()};
}

Result<ToolFormatChoice> select_tool_format(const std::optional<std::string>& chat_template,
                                            const HasSpecialToken& has_special_token,
                                            const std::optional<std::string>& override_name) {
    auto choose = [&](const ToolFormatInfo& row) {
        return ToolFormatChoice{&row, layout_for(row, chat_template, has_special_token)};
    };
    if (override_name) {
        auto row = find_tool_format(*override_name);
        if (!row) return std::move(row).error();
        return choose(**row);
    }
    if (chat_template) {
        for (const auto& row : kFormats) {
            for (std::string_view marker : row.template_markers) {
                if (chat_template->find(marker) != std::string::npos) return choose(row);
            }
        }
    }
    if (has_special_token) {
        for (const auto& row : kFormats) {
            for (std::string_view marker : row.vocabulary_markers) {
                if (has_special_token(marker)) return choose(row);
            }
        }
    }
    return choose(tool_format_info(ToolFormat::Json));
}

}  // namespace vela::openai
