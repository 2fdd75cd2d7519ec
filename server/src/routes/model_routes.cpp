// GET /v1/models lists each model (GET /v1/models/{id} gives one) with OpenAI's fields (id, object "model",
// created in seconds, owned_by), vLLM's (root, parent, max_model_len) and candle-vllm's (permission, default,
// top-level default), plus what vela detected for it (state, tool-call and reasoning formats, chat template
// origin). GET /health is 200 {"status":"ok"} once every model is ready and 503 in llama.cpp's shape
// while one loads or after loading failed. GET /metrics is the Prometheus text.
#include "routes/model_routes.h"

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "routes/api_error.h"

namespace vela::server {

namespace {

constexpr std::string_view kModelsPrefix = "/v1/models/";  // GET /v1/models/{id}

// The JSON of one model entry (`is_default`: the first, the one requests without a model get).
nlohmann::ordered_json model_json(const ModelEntry& entry, bool is_default, int64_t started) {
    nlohmann::ordered_json item = {{"id", entry.id},
                                   {"object", "model"},
                                   {"created", entry.model ? entry.model->created : started},
                                   {"owned_by", "vela"},
                                   {"root", entry.source},
                                   {"parent", nullptr},
                                   {"permission", nlohmann::ordered_json::array()},
                                   {"default", is_default},
                                   {"status", to_string(entry.state)}};
    if (entry.model) {
        const ModelInfo& info = entry.model->engine->model_info();
        const openai::AdapterCapabilities& caps = entry.model->adapter->capabilities();
        item["max_model_len"] = info.max_sequence_length;
        item["context_length"] = info.context_length;
        item["architecture"] = info.architecture;
        item["tool_call_format"] = caps.tool_format;
        item["reasoning_format"] = caps.reasoning_format.empty()
                                       ? nlohmann::ordered_json(nullptr)
                                       : nlohmann::ordered_json(caps.reasoning_format);
        item["tool_choice_enforceable"] = caps.tool_choice_enforceable;
        item["chat_template"] = caps.chat_template_origin;
    }
    if (entry.state == ModelState::Failed) item["error"] = entry.error;
    return item;
}

std::string dump(const nlohmann::ordered_json& body) {
    return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

http::Response list_models(RouteContext& ctx, int64_t started) {
    nlohmann::ordered_json data = nlohmann::ordered_json::array();
    const std::vector<ModelEntry> models = ctx.models.list();
    for (const ModelEntry& entry : models)
        data.push_back(model_json(entry, &entry == &models.front(), started));
    nlohmann::ordered_json body = {{"object", "list"}, {"data", data}};
    if (!models.empty()) body["default"] = models.front().id;
    return http::Response::json(dump(body));
}

// GET /v1/models/{id}: one model (the id may hold '/', as hub ids do), or 404 in the OpenAI shape.
http::Response retrieve_model(RouteContext& ctx, const http::Request& request, int64_t started) {
    const std::string id = request.path.substr(kModelsPrefix.size());
    const std::vector<ModelEntry> models = ctx.models.list();
    for (const ModelEntry& entry : models) {
        if (entry.id == id)
            return http::Response::json(dump(model_json(entry, &entry == &models.front(), started)));
    }
    std::string known;
    for (const ModelEntry& entry : models)
        known += (known.empty() ? "" : ", ") + entry.id;
    return api_error_response(
        make_api_error(ApiErrorKind::ModelNotFound,
                       "the model '" + id + "' does not exist; this server serves: " + known, "model"));
}

http::Response health(RouteContext& ctx) {
    for (const ModelEntry& entry : ctx.models.list()) {
        if (entry.state == ModelState::Loading) return health_unavailable_response("Loading model");
        if (entry.state == ModelState::Failed) {
            return health_unavailable_response("Model " + entry.id + " failed to load: " + entry.error);
        }
    }
    if (ctx.tracker.draining()) return health_unavailable_response("Shutting down");
    return http::Response::json(R"({"status":"ok"})");
}

http::Response metrics_text(RouteContext& ctx) {
    std::vector<metrics::ModelLoad> loads;
    for (const ModelEntry& entry : ctx.models.list()) {
        if (!entry.model) continue;
        metrics::ModelLoad load;
        load.model = entry.id;
        load.engine = entry.model->engine->stats();
        load.n_queued = entry.model->admission->n_queued();
        load.n_admitted = entry.model->admission->n_admitted();
        loads.push_back(std::move(load));
    }
    return http::Response::text(200, ctx.metrics.render(loads), "text/plain; version=0.0.4; charset=utf-8");
}

}  // namespace

void add_model_routes(http::HttpServer& server, RouteContext& ctx, int64_t started) {
    server.route("GET", "/v1/models",
                 [&ctx, started](const http::Request&) { return list_models(ctx, started); });
    server.route_prefix("GET", std::string(kModelsPrefix), [&ctx, started](const http::Request& request) {
        return retrieve_model(ctx, request, started);
    });
    server.route("GET", "/health", [&ctx](const http::Request&) { return health(ctx); });
    server.route("GET", "/metrics", [&ctx](const http::Request&) { return metrics_text(ctx); });
}

}  // namespace vela::server
