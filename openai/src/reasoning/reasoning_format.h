// The reasoning ("thinking") marker table, and how a model's markers are chosen.
//
// A reasoning format is a pair of markers around the model's reasoning: <think>...</think> (Qwen3,
// QwQ, DeepSeek-R1, SmolLM3, GLM), [THINK]...[/THINK] (Mistral's reasoning models), and
// <reasoning>...</reasoning>. The format comes from the chat template (or vocabulary); whether the
// output starts inside the block comes from the rendered prompt, because templates such as Qwen3.5,
// QwQ and DeepSeek-R1 open the block in the generation prompt themselves (depending on enable_thinking),
// and the rendered text is the one place that says so for every template.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "vela/core/error.h"

namespace vela::openai {

/// One pair of reasoning markers.
struct ReasoningFormat {
    std::string_view name;   // for --reasoning-parser style overrides
    std::string_view start;  // opens the reasoning block
    std::string_view end;    // closes it
};

/// Every reasoning format, most specific first.
std::span<const ReasoningFormat> reasoning_formats();

/// The format named `name`; "none" gives nullptr. The error lists the valid names.
Result<const ReasoningFormat*> find_reasoning_format(std::string_view name);

/// Picks the reasoning format: `override_name` when given, else the first whose start marker the chat
/// template contains, else the first whose start marker is a special token of the vocabulary; nullptr
/// when the model has none. Fails only for an unknown override name.
Result<const ReasoningFormat*> select_reasoning_format(
    const std::optional<std::string>& chat_template,
    const std::function<bool(std::string_view)>& has_special_token,
    const std::optional<std::string>& override_name);

/// True when the rendered prompt leaves a reasoning block open: its last start marker comes after its
/// last end marker and only whitespace follows it. The model's output then starts inside reasoning.
bool prompt_opens_reasoning(std::string_view prompt, const ReasoningFormat& format);

}  // namespace vela::openai
