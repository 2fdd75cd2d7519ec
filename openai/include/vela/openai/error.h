// OpenAIError and ApiResult<T>: what every OpenAI-layer call returns when it fails.
//
// An OpenAIError is the OpenAI error object ({"error":{"message","type","param","code"}}, see codec.h)
// plus the HTTP status the server answers with. Validation and unsupported-feature errors are 400
// invalid_request_error with `param` naming the offending field (dotted path with [i] indexes, as
// OpenAI writes it: "messages[2].role", "response_format.json_schema.schema") and, where OpenAI has
// one, a `code` ("context_length_exceeded", "unsupported_parameter", "tool_choice_unenforceable").
// ApiResult<T> is vela::Result<T> with an OpenAIError in place of vela::Error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

#include "vela/core/error.h"

namespace vela::openai {

/// An OpenAI error object and its HTTP status.
struct OpenAIError {
    int status = 400;                            // HTTP status: 400, 401, 404, 422, 429, 500 or 503
    std::string type = "invalid_request_error";  // OpenAI's error type for that status
    std::string message;                         // what went wrong and how to fix it
    std::optional<std::string> param;            // the request field at fault ("messages[0].role")
    std::optional<std::string> code;             // machine-readable code, e.g. "unsupported_parameter"

    /// 400 invalid_request_error.
    static OpenAIError invalid_request(std::string message, std::optional<std::string> param = {},
                                       std::optional<std::string> code = {});
    /// 400 invalid_request_error with code "unsupported_parameter": `param` cannot be honoured.
    static OpenAIError unsupported(std::string param, std::string message);
    /// 400 invalid_request_error with code "context_length_exceeded" and OpenAI's wording: the model's
    /// context is `context` tokens, the request asked for `prompt` + `completion`.
    static OpenAIError context_length_exceeded(int64_t context, int64_t prompt, int64_t completion);
    /// 400 invalid_request_error with code "tool_choice_unenforceable" (param "tool_choice").
    static OpenAIError tool_choice_unenforceable(std::string reason);
    /// 401 authentication_error.
    static OpenAIError authentication(std::string message);
    /// 404 not_found_error (e.g. an unknown model; param "model").
    static OpenAIError not_found(std::string message, std::optional<std::string> param = {});
    /// 429 rate_limit_error (queue full).
    static OpenAIError rate_limited(std::string message);
    /// 500 server_error.
    static OpenAIError server_error(std::string message);
    /// 503 unavailable_error (model loading, engine shutting down).
    static OpenAIError unavailable(std::string message);
    /// Maps a vela::Error by its kind: InvalidArgument/NotFound/Unsupported -> 400, ResourceExhausted
    /// -> 429, Unavailable/Cancelled -> 503, Timeout -> 503, others -> 500.
    static OpenAIError from_error(const Error& error, std::optional<std::string> param = {});

    /// Equal in every field.
    bool operator==(const OpenAIError&) const = default;
};

/// Either a value of type T or an OpenAIError.
template <class T>
class [[nodiscard]] ApiResult {
    static_assert(!std::is_same_v<std::remove_cv_t<T>, OpenAIError>, "ApiResult<OpenAIError> is meaningless");

  public:
    /// A successful result holding `value`.
    ApiResult(T value) : state_(std::in_place_index<0>, std::move(value)) {}
    /// A failed result holding `error`.
    ApiResult(OpenAIError error) : state_(std::in_place_index<1>, std::move(error)) {}

    /// True when this holds a value.
    bool ok() const { return state_.index() == 0; }
    /// True when this holds a value.
    explicit operator bool() const { return ok(); }

    /// The value; only valid when ok().
    T& value() & { return std::get<0>(state_); }
    /// The value; only valid when ok().
    const T& value() const& { return std::get<0>(state_); }
    /// The value, moved out; only valid when ok().
    T&& value() && { return std::get<0>(std::move(state_)); }
    /// The value; only valid when ok().
    T& operator*() & { return value(); }
    /// The value; only valid when ok().
    const T& operator*() const& { return value(); }
    /// The value, moved out; only valid when ok().
    T&& operator*() && { return std::move(*this).value(); }
    /// Member access to the value; only valid when ok().
    T* operator->() { return &value(); }
    /// Member access to the value; only valid when ok().
    const T* operator->() const { return &value(); }

    /// The error; only valid when !ok().
    const OpenAIError& error() const& { return std::get<1>(state_); }
    /// The error, moved out; only valid when !ok().
    OpenAIError&& error() && { return std::get<1>(std::move(state_)); }

  private:
    std::variant<T, OpenAIError> state_;
};

/// Success or an OpenAIError, for checks that return nothing.
template <>
class [[nodiscard]] ApiResult<void> {
  public:
    /// A successful result.
    ApiResult() = default;
    /// A failed result holding `error`.
    ApiResult(OpenAIError error) : error_(std::move(error)) {}

    /// True on success.
    bool ok() const { return !error_.has_value(); }
    /// True on success.
    explicit operator bool() const { return ok(); }
    /// The error; only valid when !ok().
    const OpenAIError& error() const& { return *error_; }
    /// The error, moved out; only valid when !ok().
    OpenAIError&& error() && { return std::move(*error_); }

  private:
    std::optional<OpenAIError> error_;
};

}  // namespace vela::openai
