// ConversationManager: builds the template context the way transformers' apply_chat_template does and
// renders it with vela's Jinja engine (see conversation_manager.h for the rules).
//
// The context is built as JSON text with keys in request order (so `tools | tojson` prints a schema
// exactly as the client sent it) and handed to ChatTemplate::render, which reads it with Python's json
// semantics. Templates from requests are compiled once and kept in a small most-recently-used cache.
#include "vela/openai/conversation_manager.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <list>
#include <map>
#include <mutex>

#include "conversation/builtin_chat_templates.h"
#include "vela/openai/chat_template.h"

namespace vela::openai {
namespace {

using Json = nlohmann::ordered_json;

constexpr size_t kOverrideCacheSize = 8;

std::string dump(const Json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// A JSON text value as a Json value; text that is not JSON stays a string.
Json parse_or_string(const std::string& text) {
    Json value = Json::parse(text, nullptr, false);
    if (value.is_discarded()) return Json(text);
    return value;
}

Json tool_json(const Tool& t) {
    Json fn{{"name", t.name}};
    if (t.description) fn["description"] = *t.description;
    if (t.parameters_json) fn["parameters"] = parse_or_string(*t.parameters_json);
    if (t.strict) fn["strict"] = *t.strict;
    return Json{{"type", "function"}, {"function", fn}};
}

// The system text that describes tools to a template that does not render them.
std::string tools_instructions(const std::vector<Tool>& tools) {
    std::string text = "# Tools\n\nYou can call these functions (JSON signatures, one per line):\n";
    for (const Tool& t : tools)
        text += dump(tool_json(t)) + "\n";
    text +=
        "\nTo call functions, answer with only JSON: {\"name\": <function name>, \"arguments\": <arguments "
        "object>} for one call, or a JSON list of such objects for several calls.";
    return text;
}

std::string date_string(const std::optional<std::tm>& now) {
    std::tm tm{};
    if (now) {
        tm = *now;
    } else {
        const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
        localtime_r(&t, &tm);
    }
    char buffer[64];
    const size_t n = std::strftime(buffer, sizeof(buffer), "%d %b %Y", &tm);
    return std::string(buffer, n);
}

const char* template_role(Role role) {
    switch (role) {
        case Role::Developer:
            return "system";
        case Role::Function:
            return "tool";
        case Role::System:
        case Role::User:
        case Role::Assistant:
        case Role::Tool:
            break;
    }
    return to_string(role);
}

// The messages as the template sees them; a non-text part is a 400.
ApiResult<Json> messages_json(const std::vector<ChatMessage>& messages) {
    std::map<std::string, std::string> call_names;  // tool call id -> function name
    Json out = Json::array();
    for (size_t i = 0; i < messages.size(); ++i) {
        const ChatMessage& m = messages[i];
        Json j{{"role", template_role(m.role)}};
        if (m.content_parts) {
            for (size_t k = 0; k < m.content_parts->size(); ++k) {
                const ContentPart& part = (*m.content_parts)[k];
                if (part.type == "text") continue;
                return OpenAIError::invalid_request(
                    "content part of type '" + part.type +
                        "': the model has no vision or audio support; send text parts only",
                    "messages[" + std::to_string(i) + "].content[" + std::to_string(k) + "].type",
                    "unsupported_parameter");
            }
            j["content"] = m.text();
        } else {
            // null content (an assistant turn that only calls tools) is written as "", as vLLM does:
            // real templates test `'</think>' in message.content` and fail on None.
            j["content"] = m.content.value_or(std::string());
        }
        if (m.name) j["name"] = *m.name;
        if (!m.tool_calls.empty()) {
            Json calls = Json::array();
            for (const ToolCall& c : m.tool_calls) {
                calls.push_back(
                    Json{{"id", c.id},
                         {"type", "function"},
                         {"function", {{"name", c.name}, {"arguments", parse_or_string(c.arguments)}}}});
                if (!c.id.empty()) call_names[c.id] = c.name;
            }
            j["tool_calls"] = calls;
        }
        if (m.tool_call_id) {
            j["tool_call_id"] = *m.tool_call_id;
            if (!m.name) {
                if (auto it = call_names.find(*m.tool_call_id); it != call_names.end())
                    j["name"] = it->second;
            }
        }
        if (m.reasoning_content) j["reasoning_content"] = *m.reasoning_content;
        out.push_back(std::move(j));
    }
    return out;
}

// Adds the tools description to the first system message, a new system message, or the first user
// message (for templates without a system role).
void add_tools_instructions(Json& messages, const std::vector<Tool>& tools, bool template_has_system) {
    const std::string text = tools_instructions(tools);
    if (!messages.empty() && messages[0]["role"] == "system") {
        const Json& content = messages[0]["content"];
        messages[0]["content"] =
            (content.is_string() ? content.get<std::string>() + "\n\n" : std::string()) + text;
        return;
    }
    if (template_has_system) {
        messages.insert(messages.begin(), Json{{"role", "system"}, {"content", text}});
        return;
    }
    for (Json& m : messages) {
        if (m["role"] != "user") continue;
        const Json& content = m["content"];
        m["content"] = text + "\n\n" + (content.is_string() ? content.get<std::string>() : std::string());
        return;
    }
    messages.insert(messages.begin(), Json{{"role", "user"}, {"content", text}});
}

}  // namespace

struct ConversationManager::Impl {
    const Tokenizer* tokenizer = nullptr;
    std::optional<ChatTemplate> compiled;  // the default template, when there is one
    std::string source;
    TemplateOrigin origin = TemplateOrigin::Model;
    std::string builtin_name;
    std::optional<std::string> bos_text;
    std::optional<std::string> eos_text;
    mutable std::mutex cache_mutex;
    mutable std::list<std::pair<std::string, ChatTemplate>> override_cache;  // most recent first

    ApiResult<ChatTemplate> override_template(const std::string& source_text) const {
        std::lock_guard lock(cache_mutex);
        for (auto it = override_cache.begin(); it != override_cache.end(); ++it) {
            if (it->first != source_text) continue;
            override_cache.splice(override_cache.begin(), override_cache, it);
            return it->second;
        }
        auto compiled_override = ChatTemplate::compile(source_text);
        if (!compiled_override) {
            return OpenAIError::invalid_request(
                "'chat_template' does not compile: " + compiled_override.error().message(), "chat_template");
        }
        override_cache.emplace_front(source_text, *compiled_override);
        if (override_cache.size() > kOverrideCacheSize) override_cache.pop_back();
        return std::move(*compiled_override);
    }
};

Result<std::unique_ptr<ConversationManager>> ConversationManager::create(
    const Tokenizer& tokenizer, std::optional<std::string> server_template) {
    auto impl = std::make_unique<Impl>();
    impl->tokenizer = &tokenizer;
    impl->bos_text = tokenizer.bos_token();
    impl->eos_text = tokenizer.eos_token();
    if (server_template) {
        impl->source = std::move(*server_template);
        impl->origin = TemplateOrigin::Server;
    } else if (tokenizer.chat_template() && !tokenizer.chat_template()->empty()) {
        impl->source = *tokenizer.chat_template();
        impl->origin = TemplateOrigin::Model;
    } else {
        const auto* row = select_builtin_chat_template(
            [&](std::string_view text) { return tokenizer.find(text).has_value(); });
        if (row) {
            impl->source = row->full_source();
            impl->origin = TemplateOrigin::BuiltIn;
            impl->builtin_name = std::string(row->name);
        }
    }
    if (!impl->source.empty()) {
        auto compiled = ChatTemplate::compile(impl->source);
        if (!compiled) {
            return Error{Errc::InvalidArgument,
                         std::string("the ") + to_string(impl->origin) +
                             " chat template does not compile: " + compiled.error().message()};
        }
        impl->compiled = std::move(*compiled);
    }
    return std::unique_ptr<ConversationManager>(new ConversationManager(std::move(impl)));
}

ConversationManager::ConversationManager(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ConversationManager::~ConversationManager() = default;

ApiResult<std::string> ConversationManager::render(const ConversationInput& input) const {
    std::optional<ChatTemplate> override_compiled;
    const ChatTemplate* chosen = impl_->compiled ? &*impl_->compiled : nullptr;
    const std::string* source = &impl_->source;
    if (input.template_override) {
        auto compiled = impl_->override_template(*input.template_override);
        if (!compiled) return std::move(compiled).error();
        override_compiled = std::move(*compiled);
        chosen = &*override_compiled;
        source = input.template_override.operator->();
    }
    if (!chosen) {
        return OpenAIError::invalid_request(
            "the model has no chat template and its vocabulary matches none of vela's built-in templates "
            "(chatml, llama3, gemma, phi3, mistral, llama2); start the server with --chat-template FILE or "
            "send "
            "'chat_template' with the request",
            "messages");
    }
    auto messages = messages_json(input.messages);
    if (!messages) return std::move(messages).error();
    Json context = Json::object();
    const bool has_tools = input.tools && !input.tools->empty();
    const bool template_reads_tools = source->find("tools") != std::string::npos;
    if (has_tools && !template_reads_tools) {
        add_tools_instructions(*messages, *input.tools, source->find("system") != std::string::npos);
    }
    context["messages"] = std::move(*messages);
    if (has_tools && template_reads_tools) {
        Json tools = Json::array();
        for (const Tool& t : *input.tools)
            tools.push_back(tool_json(t));
        context["tools"] = std::move(tools);
    } else {
        // transformers passes tools=None without tools (and the list as sent when it is empty).
        context["tools"] = input.tools && !has_tools ? Json::array() : Json(nullptr);
    }
    context["add_generation_prompt"] = input.add_generation_prompt;
    if (impl_->bos_text) context["bos_token"] = *impl_->bos_text;
    if (impl_->eos_text) context["eos_token"] = *impl_->eos_text;
    context["date_string"] = date_string(input.now);
    for (const auto& [name, value] : input.variables)
        context[name] = parse_or_string(value);
    ChatTemplateOptions options;
    options.now = input.now;
    auto text = chosen->render(dump(context), options);
    if (!text) {
        return OpenAIError::invalid_request(
            "the chat template failed on this conversation: " + text.error().message(),
            input.template_override ? "chat_template" : "messages");
    }
    return std::move(*text);
}

ApiResult<RenderedPrompt> ConversationManager::render_prompt(const ConversationInput& input) const {
    auto text = render(input);
    if (!text) return std::move(text).error();
    RenderedPrompt prompt = tokenize(std::move(*text));
    prompt.origin = input.template_override ? TemplateOrigin::Request : impl_->origin;
    return prompt;
}

RenderedPrompt ConversationManager::tokenize(std::string text) const {
    RenderedPrompt out;
    const Tokenizer& tok = *impl_->tokenizer;
    out.token_ids = tok.encode(text, EncodeOptions{.add_special = false, .parse_special = true});
    const bool starts_with_bos =
        impl_->bos_text && !impl_->bos_text->empty() && text.starts_with(*impl_->bos_text);
    if (tok.adds_bos() && tok.bos_id() && !starts_with_bos) {
        out.token_ids.insert(out.token_ids.begin(), *tok.bos_id());
        out.bos_added = true;
    }
    out.text = std::move(text);
    out.origin = impl_->origin;
    return out;
}

const std::string& ConversationManager::template_source() const {
    return impl_->source;
}

TemplateOrigin ConversationManager::origin() const {
    return impl_->origin;
}

const std::string& ConversationManager::builtin_name() const {
    return impl_->builtin_name;
}

bool ConversationManager::template_reads(std::string_view name) const {
    return impl_->source.find(name) != std::string::npos;
}

}  // namespace vela::openai
