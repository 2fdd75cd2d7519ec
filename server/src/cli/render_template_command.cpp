// `vela render-template`: renders a chat template with a conversation, the way the server does before
// tokenizing a prompt, and prints the prompt on stdout exactly (nothing added).
//
//   vela render-template (--model PATH | --template FILE) --input CONV.json|-
//
// CONV.json is a JSON object: messages, optional tools, add_generation_prompt, bos_token, eos_token and
// any other template variables. Each key becomes a template variable exactly as given; an absent key is
// undefined. --model takes the template from a Hugging Face folder's tokenizer_config.json or a .gguf's
// tokenizer.chat_template. When the template fails (a syntax error, raise_exception(), an undefined
// value used), the message with its line and column goes to stderr and the exit code is 1.
//
// VELA_TEMPLATE_NOW=YYYY-MM-DD[THH:MM:SS] pins the time strftime_now() formats; it exists for tests
// that compare output with another engine and is not meant for production use.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>

#include "cli/commands.h"
#include "vela/core/tokenizer.h"
#include "vela/openai/chat_template.h"

namespace vela::server {

namespace {

struct RenderTemplateArgs {
    std::string model;
    std::string template_file;
    std::string input;
};

Result<std::string> read_text(const std::string& path, const char* what) {
    std::ostringstream buffer;
    if (path == "-") {
        buffer << std::cin.rdbuf();
        return buffer.str();
    }
    std::ifstream file(path, std::ios::binary);
    if (!file) return Error{Errc::NotFound, std::string(what) + " " + path + ": cannot open the file"};
    buffer << file.rdbuf();
    if (file.bad()) return Error{Errc::Io, std::string(what) + " " + path + ": read failed"};
    return buffer.str();
}

Result<std::string> template_source(const RenderTemplateArgs& args) {
    if (!args.template_file.empty()) return read_text(args.template_file, "template");
    auto tokenizer = Tokenizer::load(args.model);
    if (!tokenizer) return std::move(tokenizer).error();
    const auto& chat_template = (*tokenizer)->chat_template();
    if (!chat_template) {
        return Error{Errc::NotFound, "model " + args.model +
                                         " has no chat template (no tokenizer_config.json chat_template "
                                         "or GGUF tokenizer.chat_template); pass --template FILE"};
    }
    return *chat_template;
}

// Parses VELA_TEMPLATE_NOW ("2026-01-02" or "2026-01-02T03:04:05") into a broken-down time.
Result<std::optional<std::tm>> fixed_now() {
    const char* text = std::getenv("VELA_TEMPLATE_NOW");
    if (text == nullptr || *text == '\0') return std::optional<std::tm>();
    int year = 0;
    int month = 0;
    int day = 0;
    int hour = 0;
    int minute = 0;
    int second = 0;
    const int n = std::sscanf(text, "%d-%d-%dT%d:%d:%d", &year, &month, &day, &hour, &minute, &second);
    if (n != 3 && n != 6) {
        return Error{Errc::InvalidArgument, std::string("VELA_TEMPLATE_NOW=") + text +
                                                ": expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS"};
    }
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    timegm(&tm);  // fills in the weekday and day of the year
    return std::optional<std::tm>(tm);
}

Result<std::string> render(const RenderTemplateArgs& args) {
    if (args.model.empty() == args.template_file.empty()) {
        return Error{Errc::InvalidArgument, "give exactly one of --model PATH or --template FILE"};
    }
    auto source = template_source(args);
    if (!source) return std::move(source).error();
    auto compiled = openai::ChatTemplate::compile(std::move(*source));
    if (!compiled) return std::move(compiled).error();
    auto context = read_text(args.input, "input");
    if (!context) return std::move(context).error();
    auto now = fixed_now();
    if (!now) return std::move(now).error();
    openai::ChatTemplateOptions options;
    options.now = *now;
    return compiled->render(*context, options);
}

}  // namespace

void add_render_template_command(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<RenderTemplateArgs>();
    CLI::App* sub =
        app.add_subcommand("render-template", "render a chat template with a conversation (JSON)");
    auto* model = sub->add_option("--model", args->model, "a .gguf file or a Hugging Face model folder");
    auto* file = sub->add_option("--template", args->template_file, "a Jinja chat template file");
    model->excludes(file);
    file->excludes(model);
    sub->add_option("--input", args->input, "the conversation: a JSON object of template variables, or -")
        ->required();
    sub->callback([args, &exit_code] {
        auto prompt = render(*args);
        if (!prompt) {
            std::fprintf(stderr, "vela render-template: %s\n", prompt.error().message().c_str());
            exit_code = 1;
            return;
        }
        std::fwrite(prompt->data(), 1, prompt->size(), stdout);
        std::fflush(stdout);
        exit_code = 0;
    });
}

}  // namespace vela::server
