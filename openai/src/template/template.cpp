// Compile and render entry points: the only place TemplateError exceptions are caught and turned
// into vela Errors.
#include "template/template.h"

#include "template/builtins.h"
#include "template/lexer.h"
#include "template/template_error.h"

namespace vela::openai::jinja {

std::string describe(const TemplateError& error) {
    if (!error.has_position()) return error.message();
    return "line " + std::to_string(error.line()) + ", column " + std::to_string(error.column()) + ": " +
           error.message();
}

Result<Template> Template::compile(std::string_view source) {
    try {
        auto parsed = std::make_shared<ParsedTemplate>(parse_template(tokenize(source)));
        auto globals = std::make_shared<std::vector<Value>>(parsed->names.size());
        for (uint32_t id = 0; id < parsed->names.size(); ++id)
            (*globals)[id] = find_global(parsed->names.name(id));
        Template compiled;
        compiled.parsed_ = std::move(parsed);
        compiled.globals_ = std::move(globals);
        return compiled;
    } catch (const TemplateError& error) {
        return Error{Errc::InvalidArgument, "chat template syntax error at " + describe(error)};
    }
}

Result<std::string> Template::render(const Value& context, const RenderOptions& options) const {
    try {
        Interpreter interpreter(*parsed_, *globals_, options);
        return interpreter.render(context);
    } catch (const TemplateError& error) {
        const char* prefix = error.kind() == TemplateErrorKind::Raised
                                 ? "chat template raised an exception at "
                                 : "chat template error at ";
        return Error{Errc::InvalidArgument, prefix + describe(error)};
    } catch (const std::bad_alloc&) {
        return Error{Errc::ResourceExhausted, "chat template rendering ran out of memory"};
    }
}

}  // namespace vela::openai::jinja
