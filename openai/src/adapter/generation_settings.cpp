#include "adapter/generation_settings.h"

#include <algorithm>

namespace vela::openai {
namespace {

template <class T>
T pick(const std::optional<T>& request, const std::optional<T>& server, const std::optional<T>& model,
       T fallback) {
    if (request) return *request;
    if (server) return *server;
    if (model) return *model;
    return fallback;
}

}  // namespace

int32_t default_max_tokens(int32_t context_length) {
    return std::clamp(context_length / 5, 128, 16384);
}

ApiResult<GenerationParams> make_generation_params(const SamplingFields& f, const AdapterConfig& config,
                                                   const ModelInfo& model, int32_t n_prompt_tokens) {
    const GenerationParams defaults;
    GenerationParams p;
    p.temperature = pick(f.temperature, config.temperature, model.default_temperature, defaults.temperature);
    p.top_p = pick(f.top_p, config.top_p, model.default_top_p, defaults.top_p);
    p.top_k = pick(f.top_k, config.top_k, model.default_top_k, defaults.top_k);
    p.min_p = pick(f.min_p, config.min_p, model.default_min_p, defaults.min_p);
    p.repetition_penalty = pick(f.repetition_penalty, config.repetition_penalty,
                                model.default_repetition_penalty, defaults.repetition_penalty);
    p.presence_penalty =
        pick(f.presence_penalty, config.presence_penalty, std::optional<float>(), defaults.presence_penalty);
    p.frequency_penalty = pick(f.frequency_penalty, config.frequency_penalty, std::optional<float>(),
                               defaults.frequency_penalty);
    if (p.top_k < 0) p.top_k = 0;
    if (p.top_p <= 0.0f) {  // nucleus mass 0: only the most likely token
        p.top_p = 1.0f;
        p.top_k = 1;
    }

    const int32_t vocab = model.vocab_size;
    for (const auto& [token, bias] : f.logit_bias) {
        if (vocab > 0 && token >= vocab) {
            return OpenAIError::invalid_request("'logit_bias' names token " + std::to_string(token) +
                                                    ", but the model's vocabulary has " +
                                                    std::to_string(vocab) + " tokens",
                                                "logit_bias", "invalid_value");
        }
        p.logit_bias[token] = bias;
    }
    for (const TokenId token : f.stop_token_ids) {
        if (vocab > 0 && token >= vocab) {
            return OpenAIError::invalid_request("'stop_token_ids' names token " + std::to_string(token) +
                                                    ", but the model's vocabulary has " +
                                                    std::to_string(vocab) + " tokens",
                                                "stop_token_ids", "invalid_value");
        }
    }
    if (f.seed) p.seed = static_cast<uint64_t>(*f.seed);
    p.stop = f.stop;
    p.stop_token_ids = f.stop_token_ids;
    p.ignore_eos = f.ignore_eos.value_or(false);
    p.skip_special_tokens = f.skip_special_tokens.value_or(true);
    p.n = f.n.value_or(1);
    if (f.top_logprobs >= 0) {
        p.logprobs = true;
        p.top_logprobs = std::min(f.top_logprobs, kMaxTopLogprobs);
    }

    const int32_t context = model.max_sequence_length > 0 ? model.max_sequence_length : model.context_length;
    const int32_t room = context - n_prompt_tokens;
    if (f.max_tokens) {
        if (room < *f.max_tokens) {
            return OpenAIError::context_length_exceeded(context, n_prompt_tokens, *f.max_tokens);
        }
        p.max_tokens = *f.max_tokens;
    } else {
        const int32_t wanted = config.max_tokens
                                   ? *config.max_tokens
                                   : model.default_max_tokens.value_or(default_max_tokens(context));
        if (room < 1) return OpenAIError::context_length_exceeded(context, n_prompt_tokens, 1);
        p.max_tokens = std::max(1, std::min(wanted, room));
    }
    return p;
}

}  // namespace vela::openai
