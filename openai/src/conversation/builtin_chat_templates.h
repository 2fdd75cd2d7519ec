// The built-in chat templates for models that ship none: one table row per prompt style, chosen by the
// tokens the vocabulary has (never by model name).
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>

namespace vela::openai {

/// One built-in template.
struct BuiltinChatTemplate {
    std::string_view name;                     // "chatml", "llama3", ...
    std::span<const std::string_view> tokens;  // the row applies when the vocabulary has all of these
    std::string_view source;                   // the Jinja source (vela's own), without the prelude
    bool uses_generic_calls = false;           // needs the write_calls macro prelude

    /// The complete source: the prelude it needs, then `source`.
    std::string full_source() const;
};

/// Every built-in template, most specific first.
std::span<const BuiltinChatTemplate> builtin_chat_templates();

/// The first row whose tokens `has_token` all reports present; nullptr when none matches.
const BuiltinChatTemplate* select_builtin_chat_template(
    const std::function<bool(std::string_view)>& has_token);

}  // namespace vela::openai
