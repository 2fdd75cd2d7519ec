// The one place where failures become HTTP statuses and OpenAI error objects. Every error the server
// sends, from any route, the HTTP layer (404, 405, 413) or a stream that already started, goes through
// here, so a status or a `type` string is never chosen anywhere else. Body:
//   {"error":{"message":"...","type":"invalid_request_error","param":null|"field","code":null|"..."}}
#pragma once

#include <optional>
#include <string>

#include "http/http_types.h"
#include "vela/core/error.h"
#include "vela/openai/error.h"

namespace vela::server {

/// What went wrong, from the client's point of view.
enum class ApiErrorKind {
    BadRequest,            // malformed JSON, a missing or out-of-range field (400)
    UnsupportedParameter,  // a well-formed parameter this server does not implement (400)
    ContextTooLong,        // prompt (+ max_tokens) longer than the model or KV cache allows (400)
    Unauthorized,          // missing or wrong API key (401)
    RouteNotFound,         // no such endpoint (404)
    ModelNotFound,         // the request names a model this server does not serve (404)
    MethodNotAllowed,      // known endpoint, other method (405)
    PayloadTooLarge,       // request body over --max-body-bytes (413)
    QueueFull,             // the model's request queue is full (503, with Retry-After)
    QueueTimeout,          // waited --request-timeout for admission (503, with Retry-After)
    ModelLoading,          // the model is still loading (503, with Retry-After)
    ShuttingDown,          // the server is draining for shutdown (503)
    Internal,              // a failure inside the server or engine (500)
};

/// An error ready to send: HTTP status plus the OpenAI error fields.
struct ApiError {
    int status = 500;                  // HTTP status
    std::string type;                  // OpenAI `type` ("invalid_request_error", ...)
    std::string message;               // what went wrong and how to fix it
    std::optional<std::string> param;  // the request field at fault, if one is
    std::optional<std::string> code;   // a machine-readable code ("context_length_exceeded", ...)
    std::optional<int> retry_after_s;  // sent as Retry-After when set
};

/// An error of `kind` with `message` (and the request field `param`, when one is at fault).
ApiError make_api_error(ApiErrorKind kind, std::string message, std::optional<std::string> param = {});
/// The API error for a library failure (Errc decides the kind).
ApiError api_error_from(const Error& error);
/// The API error for an OpenAI-layer error (its status, type, param and code are kept).
ApiError api_error_from(const openai::OpenAIError& error);
/// The API error for a status the HTTP layer produced itself (404, 405, 413, 400 malformed request).
ApiError api_error_for_http_status(int status, const std::string& method, const std::string& path);
/// The `{"error":{...}}` JSON text of `error`.
std::string api_error_json(const ApiError& error);
/// The HTTP response carrying `error` (status, JSON body, Retry-After).
http::Response api_error_response(const ApiError& error);
/// GET /health's 503 while the model is not ready, in llama.cpp's shape (numeric code), e.g.
/// {"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}.
http::Response health_unavailable_response(const std::string& message);

}  // namespace vela::server
