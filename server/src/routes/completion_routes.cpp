// POST /v1/completions: the legacy API, admitted and streamed exactly as chat completions are. A request
// with several prompts needs prompts x n sequences (at most the model's batch is reserved at once).
#include "routes/completion_routes.h"

#include "routes/generation_runner.h"

namespace vela::server {

namespace {

http::Response completions(RouteContext& ctx, const http::Request& http_request) {
    const Clock::time_point arrived = Clock::now();
    auto parsed = openai::parse_completion_request(http_request.body);
    if (!parsed) return api_error_response(api_error_from(parsed.error()));
    openai::CompletionRequest& request = *parsed;
    const int32_t n_choices = static_cast<int32_t>(request.prompts.size()) * request.n.value_or(1);
    AdmittedRequest admitted;
    if (auto refused = admit_request(ctx, http_request, request.model, n_choices, request.n.value_or(1),
                                     arrived, admitted)) {
        return *refused;
    }
    openai::OpenAIAdapter& adapter = *admitted.model->adapter;
    if (request.stream) {
        auto stream = adapter.completion_stream(request);
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
    auto stream = adapter.completion_stream(request);
    if (!stream) {
        ctx.metrics.record_rejected(admitted.model->id, "invalid");
        return api_error_response(api_error_from(stream.error()));
    }
    openai::CompletionResponseFolder folder;
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
    const std::string finish = result.choices.empty() || !result.choices.front().finish_reason
                                   ? "stop"
                                   : openai::to_string(*result.choices.front().finish_reason);
    record_usage_metrics(ctx, admitted, result.usage, n_choices, finish);
    return http::Response::json(openai::to_json(result));
}

}  // namespace

void add_completion_routes(http::HttpServer& server, RouteContext& ctx) {
    server.route("POST", "/v1/completions",
                 [&ctx](const http::Request& request) { return completions(ctx, request); });
}

}  // namespace vela::server
