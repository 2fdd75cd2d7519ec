// ChatMessage constructors and the wire names of roles, finish reasons and template origins.
#include <array>
#include <utility>

#include "vela/openai/chat_request.h"
#include "vela/openai/chat_response.h"
#include "vela/openai/conversation_manager.h"

namespace vela::openai {
namespace {

constexpr std::array<const char*, 6> kRoleNames = {"system",    "developer", "user",
                                                   "assistant", "tool",      "function"};
constexpr std::array<const char*, 5> kFinishNames = {"stop", "length", "tool_calls", "content_filter",
                                                     "function_call"};
constexpr std::array<const char*, 4> kOriginNames = {"request", "server", "model", "builtin"};

}  // namespace

ChatMessage ChatMessage::system(std::string text) {
    ChatMessage m;
    m.role = Role::System;
    m.content = std::move(text);
    return m;
}

ChatMessage ChatMessage::user(std::string text) {
    ChatMessage m;
    m.role = Role::User;
    m.content = std::move(text);
    return m;
}

ChatMessage ChatMessage::assistant(std::string text) {
    ChatMessage m;
    m.role = Role::Assistant;
    m.content = std::move(text);
    return m;
}

ChatMessage ChatMessage::assistant_tool_calls(std::vector<ToolCall> calls) {
    ChatMessage m;
    m.role = Role::Assistant;
    m.tool_calls = std::move(calls);
    return m;
}

ChatMessage ChatMessage::tool(std::string tool_call_id, std::string text) {
    ChatMessage m;
    m.role = Role::Tool;
    m.tool_call_id = std::move(tool_call_id);
    m.content = std::move(text);
    return m;
}

std::string ChatMessage::text() const {
    if (content) return *content;
    std::string out;
    if (!content_parts) return out;
    bool first = true;
    for (const ContentPart& part : *content_parts) {
        if (part.type != "text") continue;
        if (!first) out += '\n';
        out += part.text;
        first = false;
    }
    return out;
}

const char* to_string(Role role) {
    return kRoleNames[static_cast<size_t>(role)];
}

const char* to_string(ChoiceFinishReason reason) {
    return kFinishNames[static_cast<size_t>(reason)];
}

const char* to_string(TemplateOrigin origin) {
    return kOriginNames[static_cast<size_t>(origin)];
}

}  // namespace vela::openai
