// ConversationManager: turns a chat request's messages (and tools) into the model's prompt text and
// tokens through a Hugging Face chat template.
//
// Template choice, first that exists: a per-request `chat_template`, the server's --chat-template, the
// model's own (tokenizer_config.json or GGUF), else a built-in template from a small table keyed by
// the special tokens the vocabulary has (ChatML <|im_start|>, Llama 3 <|start_header_id|>, Gemma
// <start_of_turn>, Phi-3 <|user|>, Mistral [INST], Llama 2 <s> + [INST] text); never by model name.
// A model that matches no row and ships no template cannot serve chat requests (400 naming
// --chat-template). The context follows transformers: messages (content a string, or the text parts
// joined with "\n", or "" when null as vLLM passes it; developer written as system), tools (none
// without tools, as transformers passes it), add_generation_prompt, bos_token, eos_token, date_string,
// plus variables the caller adds (enable_thinking, reasoning_effort, chat_template_kwargs). Assistant
// tool-call arguments are passed as parsed JSON objects (the HF convention; a string that is not valid JSON
// stays a string), and each tool message gets its function's `name` from the assistant call with the same id.
// When the template never reads `tools`, tools are described in a system message vela writes (generic JSON
// call format), so every template can be used with tools. BOS: the text is tokenized without adding special
// tokens, and the BOS token is prepended only when the tokenizer adds one and the rendered text does not
// already start with its text (most templates write {{ bos_token }} themselves).
#pragma once

#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vela/core/error.h"
#include "vela/core/tokenizer.h"
#include "vela/core/types.h"
#include "vela/openai/chat_request.h"
#include "vela/openai/error.h"

namespace vela::openai {

/// Where the chat template in use came from.
enum class TemplateOrigin : uint8_t {
    Request,  // the request's chat_template field
    Server,   // the server's --chat-template
    Model,    // the model's tokenizer_config.json or GGUF metadata
    BuiltIn,  // vela's table, chosen by the vocabulary's special tokens
};

/// What one render needs besides the template.
struct ConversationInput {
    std::vector<ChatMessage> messages;       // the conversation
    std::optional<std::vector<Tool>> tools;  // unset: the template sees `tools` as none
    bool add_generation_prompt = true;       // end with the assistant turn's header
    std::vector<std::pair<std::string, std::string>>
        variables;                                 // extra template variables: name -> JSON text
    std::optional<std::string> template_override;  // a request's chat_template (Jinja source)
    std::optional<std::tm> now;                    // fixed clock (tests); unset = the system clock
};

/// A rendered and tokenized prompt.
struct RenderedPrompt {
    std::string text;                               // what the template produced
    std::vector<TokenId> token_ids;                 // the text's tokens (BOS prepended per the rule above)
    bool bos_added = false;                         // BOS was prepended by vela
    TemplateOrigin origin = TemplateOrigin::Model;  // which template rendered it
};

/// Renders conversations with one model's chat template.
class ConversationManager {
  public:
    /// A manager for `tokenizer` (which must outlive it); `server_template` is --chat-template.
    /// Fails when a template does not compile; a model without any usable template still gets a
    /// manager, whose renders fail (unless the request brings a template).
    static Result<std::unique_ptr<ConversationManager>> create(const Tokenizer& tokenizer,
                                                               std::optional<std::string> server_template);
    ~ConversationManager();
    ConversationManager(const ConversationManager&) = delete;
    ConversationManager& operator=(const ConversationManager&) = delete;

    /// The prompt text for `input` (400 errors name the message or template at fault).
    ApiResult<std::string> render(const ConversationInput& input) const;
    /// render() then tokenize().
    ApiResult<RenderedPrompt> render_prompt(const ConversationInput& input) const;
    /// The tokens of a rendered prompt `text`, applying the BOS rule.
    RenderedPrompt tokenize(std::string text) const;

    /// The default template's source (empty when the model has none); a request may still override it.
    const std::string& template_source() const;
    /// Where the default template came from.
    TemplateOrigin origin() const;
    /// The built-in row's name ("chatml", "llama3", ...) when origin() is BuiltIn, else "".
    const std::string& builtin_name() const;
    /// True when the default template reads the variable `name` (e.g. "tools", "enable_thinking").
    bool template_reads(std::string_view name) const;

  private:
    struct Impl;
    explicit ConversationManager(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

/// "request", "server", "model" or "builtin".
const char* to_string(TemplateOrigin origin);

}  // namespace vela::openai
