// ChatTemplate: the public face of the Jinja engine. Parses the JSON context with Python's json
// semantics and delegates to jinja::Template.
#include "vela/openai/chat_template.h"

#include "template/json_value.h"
#include "template/template.h"
#include "template/template_error.h"

namespace vela::openai {

Result<ChatTemplate> ChatTemplate::compile(std::string source) {
    auto compiled = jinja::Template::compile(source);
    if (!compiled) return std::move(compiled).error();
    ChatTemplate result;
    result.source_ = std::make_shared<const std::string>(std::move(source));
    result.engine_ = std::make_shared<const jinja::Template>(std::move(*compiled));
    return result;
}

Result<std::string> ChatTemplate::render(std::string_view context_json,
                                         const ChatTemplateOptions& options) const {
    jinja::Value context;
    try {
        context = jinja::parse_json(context_json);
    } catch (const jinja::TemplateError& error) {
        return Error{Errc::InvalidArgument, "chat template context: " + error.message()};
    }
    if (!context.is_dict()) {
        return Error{Errc::InvalidArgument, "chat template context must be a JSON object, got " +
                                                std::string(jinja::py_type_name(context))};
    }
    jinja::RenderOptions render_options;
    render_options.now = options.now;
    return engine_->render(context, render_options);
}

}  // namespace vela::openai
