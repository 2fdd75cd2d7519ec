// OpenAIError factories: one place that pairs each HTTP status with OpenAI's error type and wording.
#include <string>

#include "vela/openai/error.h"

namespace vela::openai {

OpenAIError OpenAIError::invalid_request(std::string message, std::optional<std::string> param,
                                         std::optional<std::string> code) {
    return OpenAIError{400, "invalid_request_error", std::move(message), std::move(param), std::move(code)};
}

OpenAIError OpenAIError::unsupported(std::string param, std::string message) {
    return OpenAIError{400, "invalid_request_error", std::move(message), std::move(param),
                       "unsupported_parameter"};
}

OpenAIError OpenAIError::context_length_exceeded(int64_t context, int64_t prompt, int64_t completion) {
    std::string message = "This model's maximum context length is " + std::to_string(context) +
                          " tokens. However, you requested " + std::to_string(prompt + completion) +
                          " tokens (" + std::to_string(prompt) + " in the messages, " +
                          std::to_string(completion) +
                          " in the completion). Please reduce the length of the messages or completion.";
    return OpenAIError{400, "invalid_request_error", std::move(message), "messages",
                       "context_length_exceeded"};
}

OpenAIError OpenAIError::tool_choice_unenforceable(std::string reason) {
    return OpenAIError{400, "invalid_request_error", std::move(reason), "tool_choice",
                       "tool_choice_unenforceable"};
}

OpenAIError OpenAIError::authentication(std::string message) {
    return OpenAIError{401, "authentication_error", std::move(message), {}, {}};
}

OpenAIError OpenAIError::not_found(std::string message, std::optional<std::string> param) {
    return OpenAIError{404, "not_found_error", std::move(message), std::move(param), {}};
}

OpenAIError OpenAIError::rate_limited(std::string message) {
    return OpenAIError{429, "rate_limit_error", std::move(message), {}, {}};
}

OpenAIError OpenAIError::server_error(std::string message) {
    return OpenAIError{500, "server_error", std::move(message), {}, {}};
}

OpenAIError OpenAIError::unavailable(std::string message) {
    return OpenAIError{503, "unavailable_error", std::move(message), {}, {}};
}

OpenAIError OpenAIError::from_error(const Error& error, std::optional<std::string> param) {
    switch (error.code()) {
        case Errc::InvalidArgument:
        case Errc::NotFound:
            return invalid_request(error.message(), std::move(param));
        case Errc::Unsupported:
            return invalid_request(error.message(), std::move(param), "unsupported_parameter");
        case Errc::ResourceExhausted:
            return rate_limited(error.message());
        case Errc::Cancelled:
        case Errc::Unavailable:
        case Errc::Timeout:
            return unavailable(error.message());
        case Errc::Corrupt:
        case Errc::Io:
        case Errc::Internal:
            break;
    }
    return server_error(error.message());
}

}  // namespace vela::openai
