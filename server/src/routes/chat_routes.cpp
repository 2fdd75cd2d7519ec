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
    const bool streamed = request.stream;
    return answer_generation<openai::ChatResponseFolder>(
        ctx, http_request, std::move(admitted), arrived, n_choices, streamed,
        [&](bool as_stream) {
            if (!as_stream) {  // folded here: the usage chunk carries the usage
                request.stream = true;
                request.stream_options = openai::StreamOptions{true, std::nullopt};
            }
            return adapter.chat_completion_stream(request);
        },
        [](const openai::ChatCompletionResponse& r) {
            return r.choices.empty() ? std::string("stop")
                                     : openai::to_string(r.choices.front().finish_reason);
        });
}

}  // namespace

void add_chat_routes(http::HttpServer& server, RouteContext& ctx) {
    server.route("POST", "/v1/chat/completions",
                 [&ctx](const http::Request& request) { return chat_completions(ctx, request); });
}

}  // namespace vela::server
