#include "reasoning/reasoning_format.h"

#include <array>

namespace vela::openai {
namespace {

constexpr std::array<ReasoningFormat, 3> kFormats = {{
    {.name = "mistral", .start = "[THINK]", .end = "[/THINK]"},
    {.name = "think", .start = "<think>", .end = "</think>"},
    {.name = "reasoning", .start = "<reasoning>", .end = "</reasoning>"},
}};

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

}  // namespace

std::span<const ReasoningFormat> reasoning_formats() {
    return kFormats;
}

Result<const ReasoningFormat*> find_reasoning_format(std::string_view name) {
    if (name == "none") return static_cast<const ReasoningFormat*>(nullptr);
    std::string names;
    for (const auto& row : kFormats) {
        if (row.name == name) return &row;
        names += std::string(row.name) + ", ";
    }
    return Error{Errc::InvalidArgument,
                 "unknown reasoning parser '" + std::string(name) + "'; expected one of: " + names + "none"};
}

Result<const ReasoningFormat*> select_reasoning_format(
    const std::optional<std::string>& chat_template,
    const std::function<bool(std::string_view)>& has_special_token,
    const std::optional<std::string>& override_name) {
    if (override_name) return find_reasoning_format(*override_name);
    if (chat_template) {
        for (const auto& row : kFormats) {
            if (chat_template->find(row.start) != std::string::npos) return &row;
        }
    }
    if (has_special_token) {
        for (const auto& row : kFormats) {
            if (has_special_token(row.start)) return &row;
        }
    }
    return static_cast<const ReasoningFormat*>(nullptr);
}

bool prompt_opens_reasoning(std::string_view prompt, const ReasoningFormat& format) {
    const size_t start = prompt.rfind(format.start);
    if (start == std::string_view::npos) return false;
    const size_t end = prompt.rfind(format.end);
    if (end != std::string_view::npos && end > start) return false;
    for (char c : prompt.substr(start + format.start.size())) {
        if (!is_space(c)) return false;
    }
    return true;
}

}  // namespace vela::openai
