// The tool-call format table: every format vela parses, its markers, how a call is laid out, which
// chat templates and vocabularies use it, and the factory of its region parser.
//
// Adding a format is one file with a CallRegion and one row here. select_tool_format() picks a row from
// the markers a model's chat template renders (falling back to its special tokens), and a
// --tool-parser name overrides it. The rows also carry what the engine and the tool_choice grammar
// need: start and end markers, the stop sequences to add while tools are on, and the call layout.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "tool_parsers/call_region.h"
#include "vela/core/error.h"

namespace vela::openai {

/// The tool-call formats.
enum class ToolFormat : uint8_t { None, Mistral, Llama3Json, FunctionTag, Hermes, QwenFunction, Json };

/// How one call is written, for code that must produce or force one (the tool_choice grammar).
enum class CallLayout : uint8_t {
    None,          // no tool calls
    JsonObject,    // [start marker] {"name": NAME, "<args_key>": ARGS} [end marker]
    JsonArray,     // [start marker] [{"name": NAME, "<args_key>": ARGS}, ...] [end marker]
    NameArgs,      // [TOOL_CALLS]NAME[ARGS]ARGS, optionally [CALL_ID]ID before [ARGS]
    FunctionTag,   // <function=NAME>ARGS</function>
    QwenFunction,  // ✿FUNCTION✿: NAME \n ✿ARGS✿: ARGS
};

/// Whether a call may also appear without a marker, as JSON opening the content.
enum class BareJson : uint8_t { None, Object, ObjectOrArray };

/// One row of the format table.
struct ToolFormatInfo {
    ToolFormat format;
    std::string_view name;                                 // the --tool-parser name
    std::span<const std::string_view> aliases;             // other accepted names
    CallLayout layout;                                     // layout of a call (Mistral's is refined)
    std::string_view args_key;                             // arguments key of JSON layouts
    std::span<const std::string_view> start_markers;       // a call region starts with one of these
    std::span<const std::string_view> end_markers;         // and may end with one of these
    BareJson bare_json;                                    // markerless JSON call at content start
    std::span<const std::string_view> stop_sequences;      // stop strings to add while tools are on
    std::span<const std::string_view> template_markers;    // a chat template with one of these uses it
    std::span<const std::string_view> vocabulary_markers;  // so does a vocabulary with one of these tokens
    RegionFactory make_region;                             // nullptr for None
};

/// Every format, most specific first (the order selection tries them in).
std::span<const ToolFormatInfo> tool_formats();

/// The row of `format`.
const ToolFormatInfo& tool_format_info(ToolFormat format);

/// The row named `name` (or one of its aliases); the error lists the valid names.
Result<const ToolFormatInfo*> find_tool_format(std::string_view name);

/// A selected format and the layout its calls take with this model.
struct ToolFormatChoice {
    const ToolFormatInfo* info = nullptr;
    CallLayout layout = CallLayout::None;
};

/// Asks whether the model's vocabulary has a special token spelled exactly like the argument.
using HasSpecialToken = std::function<bool(std::string_view)>;

/// Picks the tool-call format: `override_name` when given (--tool-parser), else the first row whose
/// marker the chat template renders, else the first whose special token the vocabulary has, else
/// generic JSON. Fails only for an unknown override name.
Result<ToolFormatChoice> select_tool_format(const std::optional<std::string>& chat_template,
                                            const HasSpecialToken& has_special_token,
                                            const std::optional<std::string>& override_name);

}  // namespace vela::openai
