// API errors: every kind has the status, OpenAI `type` and `code` api.openai.com uses (a bad key and an
// unknown model or URL are all "invalid_request_error", told apart by code), the JSON body always holds
// message, type, param and code (null when unset), and retryable errors carry Retry-After.
#include "routes/api_error.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace vela::server {
namespace {

struct Expected {
    ApiErrorKind kind;
    int status;
    const char* type;
    const char* code;  // nullptr = null
    bool retry_after;
};

constexpr Expected kTable[] = {
    {ApiErrorKind::BadRequest, 400, "invalid_request_error", nullptr, false},
    {ApiErrorKind::UnsupportedParameter, 400, "invalid_request_error", "unsupported_parameter", false},
    {ApiErrorKind::ContextTooLong, 400, "invalid_request_error", "context_length_exceeded", false},
    {ApiErrorKind::Unauthorized, 401, "invalid_request_error", "invalid_api_key", false},
    {ApiErrorKind::RouteNotFound, 404, "invalid_request_error", "route_not_found", false},
    {ApiErrorKind::ModelNotFound, 404, "invalid_request_error", "model_not_found", false},
    {ApiErrorKind::MethodNotAllowed, 405, "invalid_request_error", "method_not_allowed", false},
    {ApiErrorKind::PayloadTooLarge, 413, "invalid_request_error", "payload_too_large", false},
    {ApiErrorKind::QueueFull, 503, "server_busy", "queue_full", true},
    {ApiErrorKind::QueueTimeout, 503, "server_busy", "queue_timeout", true},
    {ApiErrorKind::ModelLoading, 503, "unavailable_error", "model_loading", true},
    {ApiErrorKind::ShuttingDown, 503, "unavailable_error", "shutting_down", false},
    {ApiErrorKind::Internal, 500, "server_error", nullptr, false},
};

TEST(ApiError, EveryKindHasOpenAIsStatusTypeAndCode) {
    for (const Expected& e : kTable) {
        const ApiError error = make_api_error(e.kind, "what went wrong");
        SCOPED_TRACE(e.type + std::string(" ") + (e.code ? e.code : "null"));
        EXPECT_EQ(error.status, e.status);
        EXPECT_EQ(error.type, e.type);
        EXPECT_EQ(error.code.has_value(), e.code != nullptr);
        if (e.code) {
            EXPECT_EQ(*error.code, e.code);
        }
        const http::Response response = api_error_response(error);
        EXPECT_EQ(response.status, e.status);
        bool has_retry_after = false;
        for (const auto& [name, value] : response.headers)
            has_retry_after = has_retry_after || name == "Retry-After";
        EXPECT_EQ(has_retry_after, e.retry_after);
    }
}

TEST(ApiError, BodyAlwaysHasTheFourFields) {
    const auto plain = nlohmann::json::parse(api_error_json(make_api_error(ApiErrorKind::BadRequest, "bad")));
    EXPECT_EQ(plain["error"]["message"], "bad");
    EXPECT_EQ(plain["error"]["type"], "invalid_request_error");
    EXPECT_TRUE(plain["error"]["param"].is_null());
    EXPECT_TRUE(plain["error"]["code"].is_null());
    const auto with_param = nlohmann::json::parse(
        api_error_json(make_api_error(ApiErrorKind::ModelNotFound, "no model", "model")));
    EXPECT_EQ(with_param["error"]["param"], "model");
    EXPECT_EQ(with_param["error"]["code"], "model_not_found");
}

TEST(ApiError, LibraryErrorsMapToKinds) {
    EXPECT_EQ(api_error_from(Error{Errc::InvalidArgument, "x"}).status, 400);
    EXPECT_EQ(api_error_from(Error{Errc::NotFound, "x"}).code, "model_not_found");
    EXPECT_EQ(api_error_from(Error{Errc::ResourceExhausted, "x"}).code, "queue_full");
    EXPECT_EQ(api_error_from(Error{Errc::Timeout, "x"}).code, "queue_timeout");
    EXPECT_EQ(api_error_from(Error{Errc::Io, "x"}).status, 500);
}

TEST(ApiError, HttpLayerStatusesNameTheRequest) {
    const ApiError not_found = api_error_for_http_status(404, "GET", "/v1/nothing");
    EXPECT_EQ(not_found.code, "route_not_found");
    EXPECT_NE(not_found.message.find("GET /v1/nothing"), std::string::npos);
    const ApiError too_large = api_error_for_http_status(413, "POST", "/v1/chat/completions");
    EXPECT_EQ(too_large.status, 413);
    EXPECT_NE(too_large.message.find("--max-body-bytes"), std::string::npos);
    EXPECT_EQ(api_error_for_http_status(405, "GET", "/v1/chat/completions").status, 405);
}

}  // namespace
}  // namespace vela::server
