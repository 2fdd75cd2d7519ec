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
    const bool streamed = request.stream;
    return answer_generation<openai::CompletionResponseFolder>(
        ctx, http_request, std::move(admitted), arrived, n_choices, streamed,
        [&](bool as_stream) {
            if (!as_stream) {  // folded here: the usage chunk carries the usage
                request.stream = true;
                request.stream_options = openai::StreamOptions{true, std::nullopt};
            }
            return adapter.completion_stream(request);
        },
        [](const openai::CompletionResponse& r) {
            return r.choices.empty() || !r.choices.front().finish_reason
                       ? std::string("stop")
                       : openai::to_string(*r.choices.front().finish_reason);
        });
}

}  // namespace

void add_completion_routes(http::HttpServer& server, RouteContext& ctx) {
    server.route("POST", "/v1/completions",
                 [&ctx](const http::Request& request) { return completions(ctx, request); });
}

}  // namespace vela::server
