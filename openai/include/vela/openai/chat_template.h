// Hugging Face chat templates, rendered by vela's own Jinja engine.
//
// The engine renders real chat templates byte-identically to Python Jinja2 as transformers
// configures it: ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True) with the
// loopcontrols extension, transformers' tojson filter (json.dumps with ensure_ascii=False) and the
// globals raise_exception(msg) and strftime_now(fmt); `{% generation %}` blocks render their body.
// Output follows Python semantics (str()/repr() of lists, dicts, None, booleans and floats). The
// sandbox is immutable: templates that call list.append or dict.update fail, as under transformers.
// Compile once and render many times; a ChatTemplate is cheap to copy and safe to render from
// several threads at once.
#pragma once

#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "vela/core/error.h"

namespace vela::openai {

namespace jinja {
class Template;
}

/// Settings for one render.
struct ChatTemplateOptions {
    std::optional<std::tm> now;  // fixed local time for strftime_now() (tests); unset = the clock
};

/// A compiled chat template.
class ChatTemplate {
  public:
    /// Compiles `source`; a syntax error names the line and column.
    static Result<ChatTemplate> compile(std::string source);

    /// Renders with `context_json`, a JSON object whose keys become template variables exactly as
    /// given (messages, tools, add_generation_prompt, bos_token, ...); absent keys are undefined.
    /// A template error or raise_exception() gives an Error naming the line and column.
    Result<std::string> render(std::string_view context_json, const ChatTemplateOptions& options = {}) const;

    /// The template source as compiled.
    const std::string& source() const { return *source_; }

    /// The compiled engine template, for vela_openai code that renders with a jinja::Value context
    /// (include "template/template.h").
    const jinja::Template& engine() const { return *engine_; }

  private:
    ChatTemplate() = default;
    std::shared_ptr<const std::string> source_;
    std::shared_ptr<const jinja::Template> engine_;
};

}  // namespace vela::openai
