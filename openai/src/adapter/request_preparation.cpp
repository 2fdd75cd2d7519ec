// Request preparation: everything between a validated request and an engine submit.
//
// Chat: the tool set and tool_choice (allowed_tools narrows the set; "none" removes tools from the
// prompt and the parser), the template variables (chat_template_kwargs, enable_thinking from `thinking`
// or from reasoning_effort when the template reads enable_thinking, reasoning_effort itself), the
// rendered prompt, whether it leaves a reasoning block open, GenerationParams (with the tool format's
// stop sequences: special tokens as stop token ids, text as stop strings), whether the engine must keep
// special tokens for the parser, and the token constraint (output_constraint.h).
#include <chrono>
#include <random>

#include "adapter/adapter_impl.h"
#include "adapter/generation_settings.h"
#include "adapter/output_constraint.h"

namespace vela::openai {
namespace {

constexpr std::string_view kMistralExtraMarkers[] = {"[ARGS]", "[CALL_ID]"};

std::string random_id(size_t n) {
    static constexpr char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    thread_local std::mt19937_64 rng{std::random_device{}()};
    std::uniform_int_distribution<size_t> pick(0, sizeof(kChars) - 2);
    std::string out;
    for (size_t i = 0; i < n; ++i)
        out.push_back(kChars[pick(rng)]);
    return out;
}

bool is_special_token(const Tokenizer& tok, std::string_view text) {
    auto id = tok.find(text);
    return id && tok.is_special(*id);
}

std::optional<std::string> find_variable(const std::vector<std::pair<std::string, std::string>>& vars,
                                         std::string_view name) {
    for (const auto& [key, value] : vars) {
        if (key == name) return value;
    }
    return std::nullopt;
}

std::string json_string(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    return out + "\"";
}

}  // namespace

OpenAIError submit_error(const Error& error) {
    return OpenAIError::from_error(error);
}

ApiResult<std::shared_ptr<const grammar::VocabularyIndex>> OpenAIAdapter::Impl::vocabulary() const {
    std::call_once(vocabulary_once, [&] {
        auto index = grammar::VocabularyIndex::from_tokenizer(engine->tokenizer());
        if (index) {
            vocabulary_index = std::move(*index);
        } else {
            vocabulary_error = index.error().message();
        }
    });
    if (!vocabulary_index)
        return OpenAIError::server_error("the vocabulary index could not be built: " + vocabulary_error);
    return vocabulary_index;
}

ApiResult<OutputFormats> OpenAIAdapter::Impl::formats_for(const std::string& template_source) const {
    const Tokenizer& tok = engine->tokenizer();
    auto has_token = [&](std::string_view text) { return tok.find(text).has_value(); };
    const std::optional<std::string> source =
        template_source.empty() ? std::nullopt : std::optional<std::string>(template_source);
    OutputFormats out;
    // A template that never reads `tools` gets vela's tools message, which asks for generic JSON calls.
    const bool renders_tools = source && source->find("tools") != std::string::npos;
    auto tool = select_tool_format(
        renders_tools || config.tool_parser ? source : std::nullopt,
        renders_tools || config.tool_parser ? HasSpecialToken(has_token) : HasSpecialToken(),
        config.tool_parser);
    if (!tool) return OpenAIError::invalid_request(tool.error().message(), "tool_parser");
    out.tool = *tool;
    auto reasoning = select_reasoning_format(source, has_token, config.reasoning_parser);
    if (!reasoning) return OpenAIError::invalid_request(reasoning.error().message(), "reasoning_parser");
    out.reasoning = *reasoning;

    std::vector<std::string_view> markers;
    for (std::string_view m : out.tool.info->start_markers)
        markers.push_back(m);
    for (std::string_view m : out.tool.info->end_markers)
        markers.push_back(m);
    if (out.tool.info->format == ToolFormat::Mistral) {
        for (std::string_view m : kMistralExtraMarkers)
            markers.push_back(m);
    }
    if (out.reasoning) {
        markers.push_back(out.reasoning->start);
        markers.push_back(out.reasoning->end);
    }
    std::vector<std::string> strip;
    for (const std::string& text : special_texts) {
        bool is_marker = false;
        for (std::string_view m : markers)
            is_marker = is_marker || m == text;
        if (!is_marker) strip.push_back(text);
    }
    for (std::string_view m : markers)
        out.markers_special = out.markers_special || is_special_token(tok, m);
    out.specials = std::make_shared<const SpecialTextSet>(strip);
    return out;
}

ResponseMeta OpenAIAdapter::Impl::make_meta(const std::string& prefix, const std::string& request_model,
                                            const std::optional<StreamOptions>& stream_options) const {
    ResponseMeta meta;
    meta.id = prefix + random_id(24);
    meta.created =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    meta.model = request_model.empty() ? config.model_id : request_model;
    meta.fingerprint = fingerprint;
    meta.include_usage =
        config.always_include_usage || (stream_options && stream_options->include_usage.value_or(false));
    return meta;
}

ApiResult<PreparedChat> OpenAIAdapter::Impl::prepare_chat(const ChatCompletionRequest& r) const {
    if (auto check = validate(r); !check) return std::move(check).error();
    const Tokenizer& tok = engine->tokenizer();
    OutputFormats fmts = formats;
    if (r.chat_template) {
        auto f = formats_for(*r.chat_template);
        if (!f) return std::move(f).error();
        fmts = std::move(*f);
    }

    // Tools and tool_choice.
    std::vector<Tool> tools = r.tools.value_or(std::vector<Tool>{});
    ToolChoice choice;
    choice.mode = tools.empty() ? ToolChoice::Mode::None : ToolChoice::Mode::Auto;
    if (r.tool_choice) choice = *r.tool_choice;
    if (choice.allowed_tools) {
        std::vector<Tool> allowed;
        for (const Tool& t : tools) {
            for (const std::string& name : *choice.allowed_tools) {
                if (t.name == name) allowed.push_back(t);
            }
        }
        tools = std::move(allowed);
    }
    const bool tools_on = choice.mode != ToolChoice::Mode::None && !tools.empty();
    // A named function is one call of it (as at OpenAI, and as the deprecated function_call always was).
    const bool parallel = r.parallel_tool_calls.value_or(true) && choice.mode != ToolChoice::Mode::Function;

    // Template variables.
    std::vector<std::pair<std::string, std::string>> vars = r.chat_template_kwargs;
    std::optional<bool> thinking = r.thinking;
    if (auto v = find_variable(vars, "enable_thinking"); v && !thinking) {
        if (*v == "true") thinking = true;
        if (*v == "false") thinking = false;
    }
    const std::string& source = r.chat_template ? *r.chat_template : conversations->template_source();
    if (!thinking && r.reasoning_effort && source.find("enable_thinking") != std::string::npos) {
        thinking = *r.reasoning_effort != "none" && *r.reasoning_effort != "minimal";
    }
    if (thinking && !find_variable(vars, "enable_thinking"))
        vars.emplace_back("enable_thinking", *thinking ? "true" : "false");
    if (r.reasoning_effort && !find_variable(vars, "reasoning_effort")) {
        vars.emplace_back("reasoning_effort", json_string(*r.reasoning_effort));
    }

    // The prompt.
    PreparedChat out;
    if (r.raw_prompt) {
        out.prompt = conversations->tokenize(*r.raw_prompt);
    } else {
        ConversationInput input;
        input.messages = r.messages;
        if (tools_on) input.tools = tools;
        input.variables = std::move(vars);
        input.template_override = r.chat_template;
        input.now = config.now;
        auto prompt = conversations->render_prompt(input);
        if (!prompt) return std::move(prompt).error();
        out.prompt = std::move(*prompt);
    }
    if (out.prompt.token_ids.empty()) return OpenAIError::invalid_request("the prompt is empty", "messages");
    const bool starts_in_reasoning =
        fmts.reasoning && prompt_opens_reasoning(out.prompt.text, *fmts.reasoning);

    // Sampling and stopping.
    SamplingFields f{r.temperature,
                     r.top_p,
                     r.top_k,
                     r.min_p,
                     r.repetition_penalty,
                     r.presence_penalty,
                     r.frequency_penalty,
                     r.logit_bias,
                     r.seed,
                     r.n,
                     r.max_completion_tokens ? r.max_completion_tokens : r.max_tokens,
                     r.stop,
                     r.stop_token_ids,
                     r.ignore_eos,
                     r.skip_special_tokens,
                     r.logprobs.value_or(false) ? r.top_logprobs.value_or(0) : -1};
    auto params = make_generation_params(f, config, engine->model_info(),
                                         static_cast<int32_t>(out.prompt.token_ids.size()));
    if (!params) return std::move(params).error();
    out.params = std::move(*params);
    if (tools_on) {
        for (std::string_view seq : fmts.tool.info->stop_sequences) {
            auto id = tok.find(seq);
            if (id && tok.is_special(*id)) {
                out.params.stop_token_ids.push_back(*id);
            } else {
                out.params.stop.emplace_back(seq);
            }
        }
    }
    const bool keep_markers = fmts.markers_special && (tools_on || fmts.reasoning != nullptr);
    if (out.params.skip_special_tokens && keep_markers) {
        out.params.skip_special_tokens = false;  // the parser needs the markers; other specials are stripped
        out.parser.specials = fmts.specials;
    }

    // The token constraint.
    ConstraintRequest constraint;
    if (tools_on) {
        constraint.tools = tools;
        constraint.mode = choice.mode;
        constraint.function_name = choice.function_name;
    } else {
        constraint.mode = ToolChoice::Mode::None;
    }
    constraint.parallel_tool_calls = parallel;
    constraint.response_format = r.response_format;
    bool any_strict = false;
    for (const Tool& t : constraint.tools)
        any_strict = any_strict || t.strict.value_or(false);
    const bool forced =
        constraint.mode == ToolChoice::Mode::Required || constraint.mode == ToolChoice::Mode::Function;
    const bool json = r.response_format && r.response_format->type != ResponseFormat::Type::Text;
    if (forced || json || (tools_on && any_strict)) {
        auto vocab = vocabulary();
        if (!vocab) return std::move(vocab).error();
        ConstraintContext ctx;
        ctx.vocabulary = *vocab;
        ctx.tokenizer = &tok;
        ctx.format = fmts.tool;
        ctx.reasoning = thinking == std::optional<bool>(false) ? nullptr : fmts.reasoning;
        ctx.starts_in_reasoning = starts_in_reasoning && ctx.reasoning != nullptr;
        ctx.reasoning_budget =
            std::max(1, std::min(config.forced_call_reasoning_budget, out.params.max_tokens / 2));
        auto factory = make_output_constraint(ctx, constraint);
        if (!factory) return std::move(factory).error();
        out.params.constraint = std::move(*factory);
    }

    // Parsing and identity.
    out.parser.tool_format = tools_on ? fmts.tool.info : nullptr;
    out.parser.reasoning = fmts.reasoning;
    out.parser.starts_in_reasoning = starts_in_reasoning;
    out.parser.parallel_tool_calls = parallel;
    for (const Tool& t : tools)
        out.parser.known_tools.push_back(t.name);
    out.meta = make_meta("chatcmpl-", r.model, r.stream_options);
    out.meta.conversation_id = r.conversation_id;
    out.meta.resource_id = r.resource_id;
    return out;
}

ApiResult<PreparedCompletion> OpenAIAdapter::Impl::prepare_completion(const CompletionRequest& r) const {
    if (auto check = validate(r); !check) return std::move(check).error();
    if (r.echo.value_or(false) && r.logprobs) {
        return OpenAIError::unsupported("echo",
                                        "'echo' together with 'logprobs' is not supported: vela does not "
                                        "compute log-probabilities of prompt tokens");
    }
    const Tokenizer& tok = engine->tokenizer();
    PreparedCompletion out;
    size_t longest = 0;
    for (size_t i = 0; i < r.prompts.size(); ++i) {
        const CompletionPrompt& p = r.prompts[i];
        if (p.is_tokens) {
            for (const TokenId t : p.tokens) {
                if (t >= tok.vocab_size()) {
                    return OpenAIError::invalid_request("prompt token " + std::to_string(t) +
                                                            " is outside the vocabulary (" +
                                                            std::to_string(tok.vocab_size()) + " tokens)",
                                                        "prompt", "invalid_value");
                }
            }
            out.prompts.push_back(p.tokens);
            out.prompt_texts.push_back(tok.decode(p.tokens));
        } else {
            RenderedPrompt rendered = conversations->tokenize(p.text);
            out.prompts.push_back(std::move(rendered.token_ids));
            out.prompt_texts.push_back(p.text);
        }
        if (out.prompts.back().empty()) {
            return OpenAIError::invalid_request(
                "the prompt is empty",
                r.prompts.size() == 1 ? "prompt" : "prompt[" + std::to_string(i) + "]");
        }
        longest = std::max(longest, out.prompts.back().size());
    }
    SamplingFields f{r.temperature,
                     r.top_p,
                     r.top_k,
                     r.min_p,
                     r.repetition_penalty,
                     r.presence_penalty,
                     r.frequency_penalty,
                     r.logit_bias,
                     r.seed,
                     r.n,
                     r.max_tokens,
                     r.stop,
                     r.stop_token_ids,
                     r.ignore_eos,
                     r.skip_special_tokens,
                     r.logprobs ? *r.logprobs : -1};
    auto params = make_generation_params(f, config, engine->model_info(), static_cast<int32_t>(longest));
    if (!params) return std::move(params).error();
    out.params = std::move(*params);
    if (r.response_format && r.response_format->type != ResponseFormat::Type::Text) {
        auto vocab = vocabulary();
        if (!vocab) return std::move(vocab).error();
        ConstraintContext ctx;
        ctx.vocabulary = *vocab;
        ctx.tokenizer = &tok;
        ctx.format = formats.tool;
        ConstraintRequest constraint;
        constraint.mode = ToolChoice::Mode::None;
        constraint.response_format = r.response_format;
        auto factory = make_output_constraint(ctx, constraint);
        if (!factory) return std::move(factory).error();
        out.params.constraint = std::move(*factory);
    }
    out.echo = r.echo.value_or(false);
    out.meta = make_meta("cmpl-", r.model, r.stream_options);
    out.meta.conversation_id = r.conversation_id;
    out.meta.resource_id = r.resource_id;
    return out;
}

}  // namespace vela::openai
