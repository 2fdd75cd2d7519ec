#include "routes/api_error.h"

#include <nlohmann/json.hpp>

namespace vela::server {

namespace {

// One row per kind: status, OpenAI type, code, whether a retry may succeed (Retry-After seconds).
// Types follow api.openai.com: a bad key (401) and an unknown model or URL (404) are all
// "invalid_request_error", told apart by `code`.
struct KindRow {
    ApiErrorKind kind;
    int status;
    const char* type;
    const char* code;   // nullptr = null
    int retry_after_s;  // 0 = none
};

constexpr KindRow kKinds[] = {
    {ApiErrorKind::BadRequest, 400, "invalid_request_error", nullptr, 0},
    {ApiErrorKind::UnsupportedParameter, 400, "invalid_request_error", "unsupported_parameter", 0},
    {ApiErrorKind::ContextTooLong, 400, "invalid_request_error", "context_length_exceeded", 0},
    {ApiErrorKind::Unauthorized, 401, "invalid_request_error", "invalid_api_key", 0},
    {ApiErrorKind::RouteNotFound, 404, "invalid_request_error", "route_not_found", 0},
    {ApiErrorKind::ModelNotFound, 404, "invalid_request_error", "model_not_found", 0},
    {ApiErrorKind::MethodNotAllowed, 405, "invalid_request_error", "method_not_allowed", 0},
    {ApiErrorKind::PayloadTooLarge, 413, "invalid_request_error", "payload_too_large", 0},
    {ApiErrorKind::QueueFull, 503, "server_busy", "queue_full", 1},
    {ApiErrorKind::QueueTimeout, 503, "server_busy", "queue_timeout", 1},
    {ApiErrorKind::ModelLoading, 503, "unavailable_error", "model_loading", 2},
    {ApiErrorKind::ShuttingDown, 503, "unavailable_error", "shutting_down", 0},
    {ApiErrorKind::Internal, 500, "server_error", nullptr, 0},
};

// Library error kinds -> API error kinds.
constexpr std::pair<Errc, ApiErrorKind> kErrcKinds[] = {
    {Errc::InvalidArgument, ApiErrorKind::BadRequest},
    {Errc::NotFound, ApiErrorKind::ModelNotFound},
    {Errc::Unsupported, ApiErrorKind::UnsupportedParameter},
    {Errc::Corrupt, ApiErrorKind::Internal},
    {Errc::Io, ApiErrorKind::Internal},
    {Errc::ResourceExhausted, ApiErrorKind::QueueFull},
    {Errc::Cancelled, ApiErrorKind::Internal},
    {Errc::Unavailable, ApiErrorKind::ModelLoading},
    {Errc::Timeout, ApiErrorKind::QueueTimeout},
    {Errc::Internal, ApiErrorKind::Internal},
};

const KindRow& row(ApiErrorKind kind) {
    for (const KindRow& r : kKinds) {
        if (r.kind == kind) return r;
    }
    return kKinds[std::size(kKinds) - 1];
}

}  // namespace

ApiError make_api_error(ApiErrorKind kind, std::string message, std::optional<std::string> param) {
    const KindRow& r = row(kind);
    ApiError error;
    error.status = r.status;
    error.type = r.type;
    error.message = std::move(message);
    error.param = std::move(param);
    if (r.code != nullptr) error.code = r.code;
    if (r.retry_after_s > 0) error.retry_after_s = r.retry_after_s;
    return error;
}

ApiError api_error_from(const Error& error) {
    ApiErrorKind kind = ApiErrorKind::Internal;
    for (const auto& [errc, mapped] : kErrcKinds) {
        if (errc == error.code()) kind = mapped;
    }
    return make_api_error(kind, error.message());
}

ApiError api_error_from(const openai::OpenAIError& error) {
    ApiError out;
    out.status = error.status;
    out.type = error.type;
    out.message = error.message;
    out.param = error.param;
    out.code = error.code;
    if (error.status == 429 || error.status == 503) out.retry_after_s = 1;
    return out;
}

ApiError api_error_for_http_status(int status, const std::string& method, const std::string& path) {
    switch (status) {
        case 404:
            return make_api_error(
                ApiErrorKind::RouteNotFound,
                "no endpoint " + method + " " + path +
                    "; see GET /v1/models, POST /v1/chat/completions, POST /v1/completions");
        case 405:
            return make_api_error(ApiErrorKind::MethodNotAllowed,
                                  "method " + method + " is not allowed on " + path);
        case 413:
            return make_api_error(ApiErrorKind::PayloadTooLarge,
                                  "the request body is larger than this server accepts; shorten the request "
                                  "or start the server with a larger --max-body-bytes");
        case 500:
            return make_api_error(ApiErrorKind::Internal,
                                  "internal error while handling " + method + " " + path);
        default: {
            ApiError error = make_api_error(ApiErrorKind::BadRequest,
                                            "malformed HTTP request (status " + std::to_string(status) + ")");
            error.status = status;
            return error;
        }
    }
}

std::string api_error_json(const ApiError& error) {
    nlohmann::ordered_json body = {
        {"message", error.message}, {"type", error.type}, {"param", nullptr}, {"code", nullptr}};
    if (error.param) body["param"] = *error.param;
    if (error.code) body["code"] = *error.code;
    return nlohmann::ordered_json{{"error", body}}.dump(-1, ' ', false,
                                                        nlohmann::json::error_handler_t::replace);
}

http::Response api_error_response(const ApiError& error) {
    http::Response response = http::Response::json(api_error_json(error), error.status);
    if (error.retry_after_s)
        response.headers.emplace_back("Retry-After", std::to_string(*error.retry_after_s));
    return response;
}

http::Response health_unavailable_response(const std::string& message) {
    const nlohmann::ordered_json body = {
        {"error", {{"code", 503}, {"message", message}, {"type", "unavailable_error"}}}};
    http::Response response = http::Response::json(body.dump(), 503);
    response.headers.emplace_back("Retry-After", "2");
    return response;
}

}  // namespace vela::server
