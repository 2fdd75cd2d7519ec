// Validation of GenerationParams (the ranges are documented on each field in vela/core/params.h).
#include <cmath>
#include <string>

#include "vela/core/params.h"

namespace vela {

namespace {

Error invalid(const std::string& message) {
    return Error{Errc::InvalidArgument, "generation params: " + message};
}

std::string str(float v) {
    return std::to_string(v);
}

}  // namespace

Result<void> validate(const GenerationParams& params) {
    if (params.max_tokens < 1)
        return invalid("max_tokens must be >= 1, got " + std::to_string(params.max_tokens));
    if (!(params.temperature >= 0.0f) || std::isinf(params.temperature)) {
        return invalid("temperature must be a finite number >= 0 (0 = greedy), got " +
                       str(params.temperature));
    }
    if (!(params.top_p > 0.0f && params.top_p <= 1.0f)) {
        return invalid("top_p must be in (0, 1] (1 = off), got " + str(params.top_p));
    }
    if (params.top_k < 0) return invalid("top_k must be >= 0 (0 = off), got " + std::to_string(params.top_k));
    if (!(params.min_p >= 0.0f && params.min_p <= 1.0f)) {
        return invalid("min_p must be in [0, 1] (0 = off), got " + str(params.min_p));
    }
    if (!(params.repetition_penalty > 0.0f) || std::isinf(params.repetition_penalty)) {
        return invalid("repetition_penalty must be a finite number > 0 (1 = off), got " +
                       str(params.repetition_penalty));
    }
    if (!(params.presence_penalty >= -2.0f && params.presence_penalty <= 2.0f)) {
        return invalid("presence_penalty must be in [-2, 2], got " + str(params.presence_penalty));
    }
    if (!(params.frequency_penalty >= -2.0f && params.frequency_penalty <= 2.0f)) {
        return invalid("frequency_penalty must be in [-2, 2], got " + str(params.frequency_penalty));
    }
    for (const auto& [token, bias] : params.logit_bias) {
        if (!(bias >= -100.0f && bias <= 100.0f)) {
            return invalid("logit_bias of token " + std::to_string(token) + " must be in [-100, 100], got " +
                           str(bias));
        }
    }
    for (const std::string& stop : params.stop) {
        if (stop.empty()) return invalid("stop strings must not be empty");
    }
    if (params.n < 1) return invalid("n must be >= 1, got " + std::to_string(params.n));
    if (params.top_logprobs < 0 || params.top_logprobs > kMaxTopLogprobs) {
        return invalid("top_logprobs must be in [0, " + std::to_string(kMaxTopLogprobs) + "], got " +
                       std::to_string(params.top_logprobs));
    }
    if (params.top_logprobs > 0 && !params.logprobs) return invalid("top_logprobs needs logprobs = true");
    return {};
}

}  // namespace vela
