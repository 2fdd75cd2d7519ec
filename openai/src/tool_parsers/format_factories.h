// The region factories of the tool-call formats, one per format file; the registry table lists them.
#pragma once

#include <memory>

#include "tool_parsers/call_region.h"

namespace vela::openai {

/// [TOOL_CALLS] [{...}, ...] and [TOOL_CALLS]NAME[CALL_ID]ID[ARGS]{...} (mistral_format.cpp).
std::unique_ptr<CallRegion> make_mistral_region(bool bare);
/// <|python_tag|>{...}; {...} and a markerless {...} (llama3_json_format.cpp).
std::unique_ptr<CallRegion> make_llama3_json_region(bool bare);
/// <function=NAME>{...}</function> (function_tag_format.cpp).
std::unique_ptr<CallRegion> make_function_tag_region(bool bare);
/// <tool_call>{...}</tool_call> (hermes_format.cpp).
std::unique_ptr<CallRegion> make_hermes_region(bool bare);
/// ✿FUNCTION✿: NAME \n ✿ARGS✿: {...} (qwen_function_format.cpp).
std::unique_ptr<CallRegion> make_qwen_function_region(bool bare);
/// A whole output that is {...} or [{...}, ...] (json_format.cpp).
std::unique_ptr<CallRegion> make_json_region(bool bare);

}  // namespace vela::openai
