// Server: wires the HTTP layer, the model manager, metrics, auth and CORS together, and runs the
// shutdown sequence. Start-up: logger, model source (a missing local model fails here, before the port
// is bound), compatibility configs, routes, bind (a port in use fails here), serve, then load the model
// in the background. Shutdown (graceful): refuse new generation requests (503), close the admission
// gates, stop accepting connections, wait up to shutdown_timeout_s for in-flight requests, cancel the
// rest, end idle keep-alive connections, and return from wait() once the HTTP threads have finished.
#include "vela/server/server.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "config/compat_configs.h"
#include "http/http_server.h"
#include "log/logger.h"
#include "metrics/server_metrics.h"
#include "middleware/api_key_auth.h"
#include "middleware/cors.h"
#include "models/single_model_manager.h"
#include "routes/api_error.h"
#include "routes/chat_routes.h"
#include "routes/completion_routes.h"
#include "routes/model_routes.h"
#include "routes/request_tracker.h"
#include "routes/route_context.h"
#include "routes/tokenize_routes.h"
#include "routes/web_ui_routes.h"

namespace vela::server {

namespace {

int64_t unix_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// The HTTP thread pool: every stream the engine runs plus every request its queue holds, four times over
// for idle keep-alive connections and quick requests (health checks, metrics, model lists).
int32_t http_threads(const ServeConfig& config) {
    if (config.http_threads > 0) return config.http_threads;
    return std::max(64, 4 * (config.max_num_seqs + config.queue_size));
}

// Applies a models.yaml alias named by --m (or its default_model when no model is given) and logs what
// the compatibility config files do and do not do.
Result<void> apply_compat_configs(ServeConfig& config, const Logger& logger) {
    if (!config.mcp_config.empty()) {
        auto mcp = read_mcp_config(config.mcp_config);
        if (!mcp) return mcp.error();
        std::string names;
        for (const std::string& name : mcp->server_names)
            names += (names.empty() ? "" : ", ") + name;
        logger.warn("--mcp-config " + config.mcp_config + " names " +
                    std::to_string(mcp->server_names.size()) + " MCP server(s) (" + names +
                    "); this version of vela does not connect to MCP servers, so "
                    "requests get no MCP tools");
    }
    if (config.models_config.empty()) return {};
    auto models = read_models_config(config.models_config);
    if (!models) return models.error();
    std::string alias = config.model;
    if (alias.empty() && config.weights_dir.empty() && config.weight_file.empty())
        alias = models->default_model;
    const auto entry = std::find_if(models->models.begin(), models->models.end(),
                                    [&](const ModelsYamlEntry& e) { return e.name == alias; });
    if (entry == models->models.end()) {
        if (alias.empty() && config.weights_dir.empty() && config.weight_file.empty()) {
            std::string names;
            for (const ModelsYamlEntry& e : models->models)
                names += (names.empty() ? "" : ", ") + e.name;
            return Error{Errc::InvalidArgument,
                         "--models-config " + config.models_config +
                             ": no model selected; pass --m NAME with one of its entries (" + names +
                             ") or set default_model in the file"};
        }
        logger.warn("--models-config " + config.models_config +
                    ": no entry is selected (--m names none of them); "
                    "vela serves one model, the one given by --m/--w/--f");
        return {};
    }
    config.model = entry->hf_id.empty() ? entry->local_path : entry->hf_id;
    config.weights_dir.clear();
    if (!entry->weight_file.empty()) config.weight_file = entry->weight_file;
    if (config.served_model_name.empty()) config.served_model_name = entry->name;
    std::string params;
    for (const std::string& key : entry->params)
        params += (params.empty() ? "" : ", ") + key;
    logger.warn("--models-config " + config.models_config + ": serving entry '" + entry->name + "' (" +
                config.model + "); this version serves one model and does not apply an entry's params" +
                (params.empty() ? std::string() : " (" + params + "): pass them as flags"));
    return {};
}

}  // namespace

struct Server::Impl {
    ServeConfig config;
    std::shared_ptr<Logger> logger;
    metrics::ServerMetrics metrics;
    RequestTracker tracker;
    std::unique_ptr<SingleModelManager> models;
    std::unique_ptr<RouteContext> context;
    std::unique_ptr<http::HttpServer> http;
    ApiKeyAuth auth{""};
    int port = 0;
    std::thread http_thread;
    std::thread shutdown_thread;
    std::mutex shutdown_mutex;
    bool shutdown_started = false;
    std::atomic<int> exit_code{0};

    void begin_shutdown(bool immediately) {
        const std::lock_guard lock(shutdown_mutex);
        if (immediately) tracker.cancel_all();
        if (shutdown_started) return;
        shutdown_started = true;
        shutdown_thread = std::thread([this, immediately] {
            logger->info(immediately ? "stopping now: cancelling in-flight requests"
                                     : "shutting down: finishing in-flight requests (" +
                                           std::to_string(tracker.n_in_flight()) + ")");
            tracker.begin_drain();
            models->close();
            http->stop();
            const auto grace =
                std::chrono::milliseconds(static_cast<int64_t>(config.shutdown_timeout_s * 1000));
            if (!tracker.wait_idle(std::chrono::steady_clock::now() + grace)) {
                logger->warn("shutdown: cancelling " + std::to_string(tracker.n_in_flight()) +
                             " request(s) still running after " + std::to_string(config.shutdown_timeout_s) +
                             " s");
                tracker.cancel_all();
                tracker.wait_idle(std::chrono::steady_clock::now() + std::chrono::seconds(10));
            }
            // Idle keep-alive connections would hold the HTTP threads until their timeout.
            http->close_idle_connections();
        });
    }
};

Result<std::unique_ptr<Server>> Server::start(ServeConfig config) {
    auto impl = std::make_unique<Impl>();
    auto logger = Logger::create(config.verbose, config.log_file);
    if (!logger) return logger.error();
    impl->logger = std::move(*logger);
    for (const std::string& notice : config.notices)
        impl->logger->warn(notice);
    if (auto ok = apply_compat_configs(config, *impl->logger); !ok) return std::move(ok).error();
    auto source = resolve_model_source(config);
    if (!source) return source.error();
    impl->config = std::move(config);
    const ServeConfig& c = impl->config;
    impl->models = std::make_unique<SingleModelManager>(c, *source, impl->logger);
    impl->context = std::make_unique<RouteContext>(
        RouteContext{*impl->models, impl->metrics, impl->tracker, impl->config, *impl->logger});
    impl->auth = ApiKeyAuth(c.api_key);

    http::HttpServerOptions options;
    options.host = c.host;
    options.port = c.port;
    options.n_threads = http_threads(c);
    options.max_body_bytes = static_cast<size_t>(c.max_body_bytes);
    options.default_headers = cors_default_headers();
    impl->http = std::make_unique<http::HttpServer>(options);
    http::HttpServer& http = *impl->http;
    RouteContext& ctx = *impl->context;
    add_chat_routes(http, ctx);
    add_completion_routes(http, ctx);
    add_model_routes(http, ctx, unix_seconds());
    add_tokenize_routes(http, ctx);
    if (c.web_ui) add_web_ui_routes(http);
    Impl* self = impl.get();
    http.set_pre_routing([self](const http::Request& request) -> std::optional<http::Response> {
        if (auto preflight = cors_preflight(request)) return preflight;
        if (auto refused = self->auth.check(request)) return api_error_response(*refused);
        return std::nullopt;
    });
    http.set_error_body([](int status, const http::Request& request) {
        return api_error_response(api_error_for_http_status(status, request.method, request.path));
    });
    http.set_response_observer([self](const http::Request& request, std::string_view route, int status) {
        self->metrics.record_http(route, request.method, status);
        if (self->logger->verbose()) {
            self->logger->debug(request.remote_addr + " " + request.method + " " + request.path + " " +
                                std::to_string(status));
        }
    });
    auto port = http.bind();
    if (!port) return port.error();
    impl->port = *port;
    impl->http_thread = std::thread([self] { self->http->run(); });

    const std::string base = "http://" + (c.host == "0.0.0.0" ? std::string("127.0.0.1") : c.host) + ":" +
                             std::to_string(impl->port);
    impl->logger->info("listening on " + c.host + ":" + std::to_string(impl->port) + " (" +
                       std::to_string(options.n_threads) + " HTTP threads): OpenAI API at " + base + "/v1" +
                       (c.web_ui ? ", chat UI at " + base + "/" : std::string()) +
                       (impl->auth.enabled() ? "; the API needs the API key" : ""));
    impl->models->start_loading([self](const Result<void>& outcome) {
        if (outcome) return;
        self->logger->error("the model failed to load: " + outcome.error().message());
        self->exit_code = 1;
        self->begin_shutdown(true);
    });
    return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
    if (!impl_) return;
    shutdown_now();
    wait();
    // The loader thread may still run (a load cannot be interrupted); its completion callback uses the
    // members declared after `models`, so join it before they go.
    impl_->models.reset();
}

int Server::port() const {
    return impl_->port;
}

int Server::wait() {
    if (impl_->http_thread.joinable()) impl_->http_thread.join();
    { const std::lock_guard lock(impl_->shutdown_mutex); }
    if (impl_->shutdown_thread.joinable()) impl_->shutdown_thread.join();
    return impl_->exit_code;
}

void Server::shutdown() {
    impl_->begin_shutdown(false);
}

void Server::shutdown_now() {
    impl_->begin_shutdown(true);
}

}  // namespace vela::server
