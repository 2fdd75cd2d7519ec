// HttpServer: vela's small HTTP layer over cpp-httplib. It binds, routes exact paths and path prefixes
// to handlers (405 for a known path with another method, 404 otherwise), runs a hook before the body is
// read (auth, CORS preflight), limits body size, adds default headers, streams chunked bodies, and reports
// every finished response (for metrics and the access log). Each connection is served by one thread of a pool
// sized by the caller: a streaming response holds its thread until it ends, so the pool must cover every
// stream the engine can run plus those that wait in queues.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "http/http_types.h"
#include "vela/core/error.h"

namespace vela::server::http {

/// How the HTTP server listens and how long it waits for clients.
struct HttpServerOptions {
    std::string host = "0.0.0.0";                // address to bind
    int port = 2000;                             // port to bind; 0 = any free port
    int32_t n_threads = 64;                      // connections served at once (one thread each)
    size_t max_body_bytes = size_t{32} << 20;    // larger request bodies get 413
    std::chrono::seconds read_timeout{30};       // most time to wait for request bytes
    std::chrono::seconds write_timeout{30};      // most time a client may stall reading the response
    std::chrono::seconds keep_alive_timeout{5};  // idle keep-alive connections close after this
    int listen_backlog = 4096;                   // pending connections the kernel may hold
    std::vector<std::pair<std::string, std::string>> default_headers;  // added to every response
};

/// Answers a request before its body is read (headers only); nullopt lets it continue to its route.
using PreRoutingHook = std::function<std::optional<Response>(const Request& request)>;
/// Makes the body of an error the library produced itself (404, 405, 413, malformed request).
using ErrorBody = std::function<Response(int status, const Request& request)>;
/// Told about every response after it was sent: the route name (the registered path, or "" when no
/// route matched), the status and the request.
using ResponseObserver = std::function<void(const Request& request, std::string_view route, int status)>;

/// An HTTP/1.1 server with exact-path and path-prefix routes.
class HttpServer {
  public:
    /// A server with `options`; nothing is bound yet.
    explicit HttpServer(HttpServerOptions options);
    /// Stops the server if it runs.
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    /// Routes `method` (GET, POST, ...) on exactly `path` to `handler` (HEAD is served by GET routes).
    void route(const std::string& method, const std::string& path, Handler handler);
    /// Routes `method` on every path that starts with `prefix` and is longer (an exact route wins; the
    /// longest prefix wins among prefix routes); the handler reads the rest from Request::path.
    void route_prefix(const std::string& method, const std::string& prefix, Handler handler);
    /// Sets the hook run before routing (auth, preflight).
    void set_pre_routing(PreRoutingHook hook);
    /// Sets the maker of bodies for library-made errors.
    void set_error_body(ErrorBody maker);
    /// Sets the observer of finished responses.
    void set_response_observer(ResponseObserver observer);

    /// Binds the address; returns the bound port. Errors name the address and the reason (in use, no
    /// permission, unknown host).
    Result<int> bind();
    /// Serves until stop() is called (blocks); in-flight requests finish before it returns.
    void run();
    /// Stops accepting connections and makes run() return once in-flight requests have ended.
    void stop();
    /// Ends idle keep-alive connections now (after stop(), once no long request runs): otherwise each
    /// holds its thread, and run() with it, until the keep-alive timeout.
    void close_idle_connections();

  private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace vela::server::http
