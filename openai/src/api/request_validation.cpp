// validate(): the model-independent checks of chat and completion requests, shared by the JSON codec
// (which calls it after parsing) and the adapter (which calls it for structs built in code).
//
// Ranges follow OpenAI's API reference where it has one (temperature [0, 2], penalties [-2, 2],
// logit_bias [-100, 100], n [1, 128], top_logprobs [0, 20]) and vLLM's for the extras (top_k >= -1,
// min_p [0, 1], repetition_penalty > 0). Each error names the field as OpenAI does ("messages[1].role",
// "tool_choice.function.name") and says what was expected.
#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include "vela/openai/chat_request.h"
#include "vela/openai/completion.h"

namespace vela::openai {
namespace {

using Check = ApiResult<void>;

// The sampling and stopping fields both request kinds share.
struct SamplingFields {
    const std::optional<float>& temperature;
    const std::optional<float>& top_p;
    const std::optional<int32_t>& top_k;
    const std::optional<float>& min_p;
    const std::optional<float>& repetition_penalty;
    const std::optional<float>& presence_penalty;
    const std::optional<float>& frequency_penalty;
    const std::map<TokenId, float>& logit_bias;
    const std::optional<int32_t>& n;
    const std::optional<int32_t>& best_of;
    const std::optional<bool>& use_beam_search;
    const std::vector<std::string>& stop;
    const std::vector<TokenId>& stop_token_ids;
};

std::string number(double v) {
    std::string s = std::to_string(v);
    while (s.size() > 1 && s.back() == '0')
        s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
}

Check in_range(const std::optional<float>& value, const char* name, double lo, double hi) {
    if (!value) return {};
    if (!std::isfinite(*value) || *value < lo || *value > hi) {
        return OpenAIError::invalid_request("'" + std::string(name) + "' must be between " + number(lo) +
                                                " and " + number(hi) + ", got " + number(*value),
                                            name, "invalid_value");
    }
    return {};
}

Check check_sampling(const SamplingFields& f) {
    for (auto check :
         {in_range(f.temperature, "temperature", 0.0, 2.0), in_range(f.top_p, "top_p", 0.0, 1.0),
          in_range(f.min_p, "min_p", 0.0, 1.0), in_range(f.presence_penalty, "presence_penalty", -2.0, 2.0),
          in_range(f.frequency_penalty, "frequency_penalty", -2.0, 2.0)}) {
        if (!check) return check;
    }
    if (f.top_k && *f.top_k < -1) {
        return OpenAIError::invalid_request(
            "'top_k' must be -1 (off), 0 (off) or positive, got " + std::to_string(*f.top_k), "top_k",
            "invalid_value");
    }
    if (f.repetition_penalty && (!std::isfinite(*f.repetition_penalty) || *f.repetition_penalty <= 0.0f)) {
        return OpenAIError::invalid_request(
            "'repetition_penalty' must be greater than 0 (1 = off), got " + number(*f.repetition_penalty),
            "repetition_penalty", "invalid_value");
    }
    for (const auto& [token, bias] : f.logit_bias) {
        const std::string param = "logit_bias";
        if (token < 0) {
            return OpenAIError::invalid_request(
                "'logit_bias' keys must be token ids >= 0, got " + std::to_string(token), param,
                "invalid_value");
        }
        if (!std::isfinite(bias) || bias < -100.0f || bias > 100.0f) {
            return OpenAIError::invalid_request("'logit_bias' values must be between -100 and 100, got " +
                                                    number(bias) + " for token " + std::to_string(token),
                                                param, "invalid_value");
        }
    }
    const int32_t n = f.n.value_or(1);
    if (f.n && (*f.n < 1 || *f.n > 128)) {
        return OpenAIError::invalid_request("'n' must be between 1 and 128, got " + std::to_string(*f.n), "n",
                                            "invalid_value");
    }
    if (f.best_of) {
        if (*f.best_of < n) {
            return OpenAIError::invalid_request("'best_of' must be at least 'n' (" + std::to_string(n) +
                                                    "), got " + std::to_string(*f.best_of),
                                                "best_of", "invalid_value");
        }
        if (*f.best_of > n) {
            return OpenAIError::unsupported("best_of",
                                            "'best_of' greater than 'n' is not supported: vela "
                                            "returns every sampled choice; ask for n = " +
                                                std::to_string(*f.best_of) + " instead");
        }
    }
    if (f.use_beam_search.value_or(false)) {
        return OpenAIError::unsupported("use_beam_search",
                                        "'use_beam_search' is not supported: vela samples each choice "
                                        "independently (use n, temperature and seed)");
    }
    for (size_t i = 0; i < f.stop.size(); ++i) {
        if (f.stop[i].empty()) {
            return OpenAIError::invalid_request("stop strings must not be empty",
                                                "stop[" + std::to_string(i) + "]", "invalid_value");
        }
    }
    for (size_t i = 0; i < f.stop_token_ids.size(); ++i) {
        if (f.stop_token_ids[i] < 0) {
            return OpenAIError::invalid_request("stop token ids must be >= 0",
                                                "stop_token_ids[" + std::to_string(i) + "]", "invalid_value");
        }
    }
    return {};
}

Check check_max_tokens(const std::optional<int32_t>& value, const char* name) {
    if (value && *value < 1) {
        return OpenAIError::invalid_request(
            "'" + std::string(name) + "' must be at least 1, got " + std::to_string(*value), name,
            "invalid_value");
    }
    return {};
}

bool valid_function_name(const std::string& name) {
    if (name.empty() || name.size() > 64) return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
               c == '-' || c == '.';
    });
}

Check check_message(const ChatMessage& m, size_t i) {
    const std::string at = "messages[" + std::to_string(i) + "]";
    const bool has_content = m.content.has_value() || m.content_parts.has_value();
    switch (m.role) {
        case Role::System:
        case Role::Developer:
        case Role::User:
            if (!has_content) {
                return OpenAIError::invalid_request(
                    "a " + std::string(to_string(m.role)) +
                        " message needs 'content' (a string or an array of parts)",
                    at + ".content");
            }
            break;
        case Role::Assistant:
            break;
        case Role::Tool:
            if (!m.tool_call_id || m.tool_call_id->empty()) {
                return OpenAIError::invalid_request(
                    "a tool message needs 'tool_call_id' (the id of the assistant's tool call it answers)",
                    at + ".tool_call_id");
            }
            if (!has_content) {
                return OpenAIError::invalid_request("a tool message needs 'content'", at + ".content");
            }
            break;
        case Role::Function:
            if (!m.name || m.name->empty()) {
                return OpenAIError::invalid_request("a function message needs 'name'", at + ".name");
            }
            break;
    }
    if (!m.tool_calls.empty() && m.role != Role::Assistant) {
        return OpenAIError::invalid_request("only assistant messages may carry 'tool_calls'",
                                            at + ".tool_calls");
    }
    for (size_t j = 0; j < m.tool_calls.size(); ++j) {
        if (m.tool_calls[j].name.empty()) {
            return OpenAIError::invalid_request("a tool call needs a function name",
                                                at + ".tool_calls[" + std::to_string(j) + "].function.name");
        }
    }
    return {};
}

Check check_tools(const ChatCompletionRequest& r) {
    std::set<std::string> names;
    const std::vector<Tool> none;
    const std::vector<Tool>& tools = r.tools ? *r.tools : none;
    for (size_t i = 0; i < tools.size(); ++i) {
        const std::string at = "tools[" + std::to_string(i) + "].function.name";
        if (!valid_function_name(tools[i].name)) {
            return OpenAIError::invalid_request(
                "function name '" + tools[i].name +
                    "' must be 1 to 64 characters of a-z, A-Z, 0-9, underscore, dash or dot",
                at, "invalid_value");
        }
        if (!names.insert(tools[i].name).second) {
            return OpenAIError::invalid_request("function name '" + tools[i].name + "' is defined twice", at,
                                                "invalid_value");
        }
    }
    if (!r.tool_choice) return {};
    const ToolChoice& choice = *r.tool_choice;
    if (choice.mode != ToolChoice::Mode::None && choice.mode != ToolChoice::Mode::Auto && tools.empty()) {
        return OpenAIError::invalid_request(
            "'tool_choice' requires a tool call, but the request defines no 'tools'", "tool_choice");
    }
    if (choice.mode == ToolChoice::Mode::Function && !names.contains(choice.function_name)) {
        return OpenAIError::invalid_request(
            "'tool_choice' names function '" + choice.function_name +
                "', which is not among the request's tools",
            choice.form == ToolChoice::Form::FlatFunction ? "tool_choice.name" : "tool_choice.function.name",
            "invalid_value");
    }
    if (choice.allowed_tools) {
        if (choice.allowed_tools->empty()) {
            return OpenAIError::invalid_request("'allowed_tools' must list at least one tool",
                                                "tool_choice.allowed_tools.tools");
        }
        for (const std::string& name : *choice.allowed_tools) {
            if (!names.contains(name)) {
                return OpenAIError::invalid_request(
                    "'allowed_tools' names function '" + name + "', which is not among the request's tools",
                    "tool_choice.allowed_tools.tools", "invalid_value");
            }
        }
        if (choice.mode != ToolChoice::Mode::Auto && choice.mode != ToolChoice::Mode::Required) {
            return OpenAIError::invalid_request("'allowed_tools' mode must be 'auto' or 'required'",
                                                "tool_choice.allowed_tools.mode", "invalid_value");
        }
    }
    return {};
}

Check check_response_format(const std::optional<ResponseFormat>& format) {
    if (!format || format->type != ResponseFormat::Type::JsonSchema || format->name.empty()) return {};
    if (!valid_function_name(format->name) || format->name.find('.') != std::string::npos) {
        return OpenAIError::invalid_request(
            "json_schema name '" + format->name +
                "' must be 1 to 64 characters of a-z, A-Z, 0-9, underscore or dash",
            "response_format.json_schema.name", "invalid_value");
    }
    return {};
}

constexpr const char* kEfforts[] = {"none", "minimal", "low", "medium", "high", "xhigh", "max"};

}  // namespace

ApiResult<void> validate(const ChatCompletionRequest& r) {
    if (!r.raw_prompt && r.messages.empty()) {
        return OpenAIError::invalid_request("'messages' must contain at least one item", "messages");
    }
    for (size_t i = 0; i < r.messages.size(); ++i) {
        if (auto check = check_message(r.messages[i], i); !check) return check;
    }
    const SamplingFields fields{
        r.temperature,       r.top_p,      r.top_k, r.min_p,   r.repetition_penalty, r.presence_penalty,
        r.frequency_penalty, r.logit_bias, r.n,     r.best_of, r.use_beam_search,    r.stop,
        r.stop_token_ids};
    if (auto check = check_sampling(fields); !check) return check;
    if (auto check = check_max_tokens(r.max_tokens, "max_tokens"); !check) return check;
    if (auto check = check_max_tokens(r.max_completion_tokens, "max_completion_tokens"); !check) return check;
    if (r.top_logprobs) {
        if (*r.top_logprobs < 0 || *r.top_logprobs > 20) {
            return OpenAIError::invalid_request(
                "'top_logprobs' must be between 0 and 20, got " + std::to_string(*r.top_logprobs),
                "top_logprobs", "invalid_value");
        }
        if (!r.logprobs.value_or(false)) {
            return OpenAIError::invalid_request("'top_logprobs' requires 'logprobs' to be true",
                                                "top_logprobs");
        }
    }
    if (auto check = check_tools(r); !check) return check;
    if (auto check = check_response_format(r.response_format); !check) return check;
    if (r.reasoning_effort &&
        std::find(std::begin(kEfforts), std::end(kEfforts), *r.reasoning_effort) == std::end(kEfforts)) {
        return OpenAIError::invalid_request(
            "'reasoning_effort' must be one of none, minimal, low, medium, high, xhigh, max; got '" +
                *r.reasoning_effort + "'",
            "reasoning_effort", "invalid_value");
    }
    if (r.stream_options && !r.stream) {
        return OpenAIError::invalid_request("'stream_options' is only allowed when 'stream' is true",
                                            "stream_options");
    }
    return {};
}

ApiResult<void> validate(const CompletionRequest& r) {
    if (r.prompts.empty()) {
        return OpenAIError::invalid_request("'prompt' must contain at least one prompt", "prompt");
    }
    for (size_t i = 0; i < r.prompts.size(); ++i) {
        const CompletionPrompt& p = r.prompts[i];
        if (p.is_tokens && p.tokens.empty()) {
            return OpenAIError::invalid_request(
                "a token prompt must hold at least one token id",
                r.prompts.size() == 1 ? "prompt" : "prompt[" + std::to_string(i) + "]");
        }
        for (const TokenId t : p.tokens) {
            if (t < 0)
                return OpenAIError::invalid_request("prompt token ids must be >= 0", "prompt",
                                                    "invalid_value");
        }
    }
    if (r.suffix && !r.suffix->empty()) {
        return OpenAIError::unsupported("suffix", "'suffix' (text insertion) is not supported");
    }
    const SamplingFields fields{
        r.temperature,       r.top_p,      r.top_k, r.min_p,   r.repetition_penalty, r.presence_penalty,
        r.frequency_penalty, r.logit_bias, r.n,     r.best_of, r.use_beam_search,    r.stop,
        r.stop_token_ids};
    if (auto check = check_sampling(fields); !check) return check;
    if (auto check = check_max_tokens(r.max_tokens, "max_tokens"); !check) return check;
    if (r.logprobs && (*r.logprobs < 0 || *r.logprobs > 20)) {
        return OpenAIError::invalid_request(
            "'logprobs' must be between 0 and 20, got " + std::to_string(*r.logprobs), "logprobs",
            "invalid_value");
    }
    if (auto check = check_response_format(r.response_format); !check) return check;
    if (r.stream_options && !r.stream) {
        return OpenAIError::invalid_request("'stream_options' is only allowed when 'stream' is true",
                                            "stream_options");
    }
    return {};
}

}  // namespace vela::openai
