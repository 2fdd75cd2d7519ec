// POST /v1/chat/completions: parse (codec), admit (the model's gate), then either stream chunks as SSE
// or run to the end and answer one JSON object. candle-vllm's header fallbacks X-Conversation-Id and
// X-Resource-Id fill the request fields when the body leaves them out.
#include "routes/chat_routes.h"

#include "routes/generation_runner.h"

namespace vela::server {

namespace {

http::Response chat_completions(RouteContext& ctx, const http::Request& http_request) {
    const Clock::time_point arrived = Clock::now();
    auto parsed = openai::parse_chat_completion_request(http_request.body);
    if (!parsed) return api_error_response(api_error_from(parsed.error()));
    openai::ChatCompletionRequest& request = *parsed;
    if (!request.conversation_id) {
        if (std::string id = http_request.header("X-Conversation-Id"); !id.empty())
            request.conversation_id = id;
    }
    if (!request.resource_id) {
        if (std::string id = http_request.header("X-Resource-Id"); !id.empty()) request.resource_id = id;
    }
    AdmittedRequest admitted;
    const int32_t n_choices = request.n.value_or(1);
    if (auto refused = admit_request(ctx, http_request, request.model, n_choices, request.n.value_or(1),
                                     arrived, admitted)) {
        return *refused;
    }
    openai::OpenAIAdapter& adapter = *admitted.model->adapter;
    if (request.stream) {
        auto stream = adapter.chat_completion_stream(request);
        if (!stream) {
            ctx.metrics.record_rejected(admitted.model->id, "invalid");
            return api_error_response(api_error_from(stream.error()));
        }
        http::Response response;
        response.content_type = "text/event-stream";
        response.headers = http::sse_headers();
        response.stream = sse_body(ctx, std::move(admitted), std::move(*stream));
        return response;
    }
    // Not streamed: the stream is run here and folded (as the adapter's own non-streamed call does), so
    // a client that leaves cancels the generation between any two tokens.
    request.stream = true;
    request.stream_options = openai::StreamOptions{true, std::nullopt};
    auto stream = adapter.chat_completion_stream(request);
    if (!stream) {
        ctx.metrics.record_rejected(admitted.model->id, "invalid");
        return api_error_response(api_error_from(stream.error()));
    }
    openai::ChatResponseFolder folder;
    const FoldOutcome outcome =
        fold_stream(**stream, folder, [&] { return http_request.client_gone() || ctx.tracker.cancelling(); });
    stream->reset();
    if (outcome.cancelled || outcome.error) {
        ctx.metrics.record_request_end(admitted.model->id,
                                       std::chrono::duration<double>(Clock::now() - arrived).count(),
                                       outcome.cancelled ? "abort" : "error");
        if (outcome.error) return api_error_response(api_error_from(*outcome.error));
        return api_error_response(make_api_error(
            ApiErrorKind::ShuttingDown, ctx.tracker.cancelling()
                                            ? "the server is shutting down; the request was cancelled"
                                            : "the client closed the connection; the request was cancelled"));
    }
    const auto result = folder.response();
    const std::string finish =
        result.choices.empty() ? "stop" : openai::to_string(result.choices.front().finish_reason);
    record_usage_metrics(ctx, admitted, result.usage, n_choices, finish);
    return http::Response::json(openai::to_json(result));
}

}  // namespace

void add_chat_routes(http::HttpServer& server, RouteContext& ctx) {
    server.route("POST", "/v1/chat/completions",
                 [&ctx](const http::Request& request) { return chat_completions(ctx, request); });
}

}  // namespace vela::server
