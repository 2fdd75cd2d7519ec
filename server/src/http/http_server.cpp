#include "http/http_server.h"

#include <httplib.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include "http/connection_probe.h"

namespace vela::server::http {

namespace {

// httplib's server with access to its listening socket, to raise the listen backlog (the library's
// compiled-in backlog of 5 drops connections when hundreds of clients connect at once).
class ListeningServer : public httplib::Server {
  public:
    void set_backlog(int backlog) {
        const auto sock = svr_sock_.load();
        if (sock != INVALID_SOCKET) ::listen(sock, backlog);
    }
};

// Finds the request's socket only when someone first asks whether the client is gone.
class LazyConnectionState final : public ConnectionState {
  public:
    LazyConnectionState(int local_port, std::string remote_addr, int remote_port)
        : local_port_(local_port), remote_addr_(std::move(remote_addr)), remote_port_(remote_port) {}

    bool peer_closed() const override {
        if (!probed_) {
            state_ = probe_connection(local_port_, remote_addr_, remote_port_);
            probed_ = true;
        }
        return state_->peer_closed();
    }

  private:
    int local_port_;
    std::string remote_addr_;
    int remote_port_;
    // A request is handled by one thread at a time, so the lazy probe needs no lock.
    mutable bool probed_ = false;
    mutable std::shared_ptr<const ConnectionState> state_;
};

// The writer of a streamed body: the library's sink plus the connection state.
class SinkWriter final : public StreamWriter {
  public:
    SinkWriter(httplib::DataSink& sink, const Request& request) : sink_(sink), request_(request) {}

    bool write(std::string_view data) override {
        if (failed_) return false;
        if (!sink_.write(data.data(), data.size())) failed_ = true;
        return !failed_;
    }
    bool client_gone() const override { return failed_ || request_.client_gone(); }

  private:
    httplib::DataSink& sink_;
    const Request& request_;
    bool failed_ = false;
};

Request convert(const httplib::Request& in, bool with_body) {
    Request out;
    out.method = in.method;
    out.path = in.path;
    for (const auto& [name, value] : in.headers)
        out.headers.emplace(name, value);
    for (const auto& [name, value] : in.params)
        out.query[name] = value;
    if (with_body) out.body = in.body;
    out.remote_addr = in.remote_addr;
    out.remote_port = in.remote_port;
    out.connection = std::make_shared<LazyConnectionState>(in.local_port, in.remote_addr, in.remote_port);
    return out;
}

void fill(const Response& in, httplib::Response& out, std::shared_ptr<Request> request) {
    out.status = in.status;
    for (const auto& [name, value] : in.headers)
        out.set_header(name, value);
    if (!in.stream) {
        out.set_content(in.body, in.content_type);
        return;
    }
    out.set_chunked_content_provider(
        in.content_type, [body = in.stream, request = std::move(request)](size_t, httplib::DataSink& sink) {
            SinkWriter writer(sink, *request);
            body(writer);
            sink.done();
            return true;
        });
}

std::string describe_bind_failure(const std::string& host, int port) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    addrinfo* found = nullptr;
    const std::string where = host + ":" + std::to_string(port);
    if (const int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found); rc != 0) {
        return "cannot listen on " + where + ": unknown host '" + host + "' (" + gai_strerror(rc) +
               "); pass an address such as 127.0.0.1 or 0.0.0.0 with --host";
    }
    int error = 0;
    const int fd = socket(found->ai_family, found->ai_socktype, found->ai_protocol);
    if (fd >= 0) {
        const int yes = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
        if (::bind(fd, found->ai_addr, found->ai_addrlen) != 0) error = errno;
        close(fd);
    } else {
        error = errno;
    }
    freeaddrinfo(found);
    if (error == EADDRINUSE) {
        return "cannot listen on " + where +
               ": the port is already in use (is another server running?); "
               "stop it or choose another port with --port";
    }
    if (error == EACCES) {
        return "cannot listen on " + where +
               ": permission denied (ports below 1024 need privileges); "
               "choose a port above 1024 with --port";
    }
    if (error == EADDRNOTAVAIL) {
        return "cannot listen on " + where + ": '" + host + "' is not an address of this machine";
    }
    return "cannot listen on " + where + (error != 0 ? ": " + std::string(std::strerror(error)) : "");
}

}  // namespace

class HttpServer::Impl {
  public:
    explicit Impl(HttpServerOptions options) : options_(std::move(options)) {}

    HttpServerOptions options_;
    ListeningServer server_;
    std::map<std::string, std::map<std::string, Handler>> routes_;         // path -> method -> handler
    std::map<std::string, std::map<std::string, Handler>> prefix_routes_;  // prefix -> method -> handler

    // The handlers of `path` and the route's name: an exact route, else the longest matching prefix
    // route (named "<prefix>*"); nullptr when none matches.
    const std::map<std::string, Handler>* find_route(const std::string& path, std::string* name) const {
        if (const auto exact = routes_.find(path); exact != routes_.end()) {
            if (name) *name = exact->first;
            return &exact->second;
        }
        const std::map<std::string, Handler>* best = nullptr;
        size_t best_length = 0;
        for (const auto& [prefix, handlers] : prefix_routes_) {
            if (path.size() > prefix.size() && path.compare(0, prefix.size(), prefix) == 0 &&
                prefix.size() >= best_length) {
                best = &handlers;
                best_length = prefix.size();
                if (name) *name = prefix + "*";
            }
        }
        return best;
    }
    PreRoutingHook pre_routing_;
    ErrorBody error_body_;
    ResponseObserver observer_;
    int bound_port_ = -1;
    std::atomic<bool> in_run_{false};          // run() is between its start and its return
    std::atomic<bool> stop_requested_{false};  // stop() was called

    Response error_response(int status, const Request& request) const {
        if (error_body_) return error_body_(status, request);
        return Response::text(status, "HTTP status " + std::to_string(status), "text/plain");
    }

    void dispatch(const httplib::Request& hreq, httplib::Response& hres) const {
        auto request = std::make_shared<Request>(convert(hreq, true));
        const std::map<std::string, Handler>* handlers = find_route(request->path, nullptr);
        if (!handlers) {
            fill(error_response(404, *request), hres, request);
            return;
        }
        const std::string method = request->method == "HEAD" ? "GET" : request->method;
        const auto handler = handlers->find(method);
        if (handler == handlers->end()) {
            Response response = error_response(405, *request);
            std::string allow;
            for (const auto& [name, unused] : *handlers)
                allow += (allow.empty() ? "" : ", ") + name;
            response.headers.emplace_back("Allow", allow);
            fill(response, hres, request);
            return;
        }
        fill(handler->second(*request), hres, request);
    }

    void install() {
        const auto dispatcher = [this](const httplib::Request& req, httplib::Response& res) {
            dispatch(req, res);
        };
        server_.Get(".*", dispatcher);
        server_.Post(".*", dispatcher);
        server_.Put(".*", dispatcher);
        server_.Patch(".*", dispatcher);
        server_.Delete(".*", dispatcher);
        server_.Options(".*", dispatcher);
        server_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
            if (!pre_routing_) return httplib::Server::HandlerResponse::Unhandled;
            auto request = std::make_shared<Request>(convert(req, false));
            std::optional<Response> response = pre_routing_(*request);
            if (!response) return httplib::Server::HandlerResponse::Unhandled;
            fill(*response, res, request);
            return httplib::Server::HandlerResponse::Handled;
        });
        server_.set_error_handler(
            httplib::Server::HandlerWithResponse([this](const httplib::Request& req, httplib::Response& res) {
                // Called for every status >= 400; only bodiless ones were made by the library itself.
                if (!res.body.empty() || res.content_length_ > 0 || res.is_chunked_content_provider_) {
                    return httplib::Server::HandlerResponse::Unhandled;
                }
                auto request = std::make_shared<Request>(convert(req, false));
                const Response response = error_response(res.status, *request);
                res.set_content(response.body, response.content_type);
                return httplib::Server::HandlerResponse::Handled;
            }));
        server_.set_exception_handler(
            [this](const httplib::Request& req, httplib::Response& res, std::exception_ptr) {
                auto request = std::make_shared<Request>(convert(req, false));
                fill(error_response(500, *request), res, request);
            });
        server_.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
            if (!observer_) return;
            Request request;
            request.method = req.method;
            request.path = req.path;
            request.remote_addr = req.remote_addr;
            request.remote_port = req.remote_port;
            std::string route;
            find_route(req.path, &route);
            observer_(request, route, res.status);
        });
        httplib::Headers headers;
        for (const auto& [name, value] : options_.default_headers)
            headers.emplace(name, value);
        server_.set_default_headers(headers);
        server_.set_payload_max_length(options_.max_body_bytes);
        server_.set_read_timeout(options_.read_timeout);
        server_.set_write_timeout(options_.write_timeout);
        server_.set_keep_alive_timeout(static_cast<time_t>(options_.keep_alive_timeout.count()));
        server_.set_keep_alive_max_count(100000);
        server_.set_tcp_nodelay(true);  // SSE events are small writes that must leave at once
        const size_t n_threads = static_cast<size_t>(std::max(1, options_.n_threads));
        server_.new_task_queue = [n_threads] { return new httplib::ThreadPool(n_threads); };
    }
};

HttpServer::HttpServer(HttpServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

HttpServer::~HttpServer() {
    stop();
}

void HttpServer::route(const std::string& method, const std::string& path, Handler handler) {
    impl_->routes_[path][method] = std::move(handler);
}

void HttpServer::route_prefix(const std::string& method, const std::string& prefix, Handler handler) {
    impl_->prefix_routes_[prefix][method] = std::move(handler);
}

void HttpServer::set_pre_routing(PreRoutingHook hook) {
    impl_->pre_routing_ = std::move(hook);
}

void HttpServer::set_error_body(ErrorBody maker) {
    impl_->error_body_ = std::move(maker);
}

void HttpServer::set_response_observer(ResponseObserver observer) {
    impl_->observer_ = std::move(observer);
}

Result<int> HttpServer::bind() {
    // A client that disconnects makes the next write raise SIGPIPE, which would kill the process: the
    // library writes without MSG_NOSIGNAL, so the signal is ignored process-wide (write() then fails).
    std::signal(SIGPIPE, SIG_IGN);
    impl_->install();
    const HttpServerOptions& o = impl_->options_;
    int port = o.port;
    if (o.port == 0) {
        port = impl_->server_.bind_to_any_port(o.host);
        if (port < 0) return Error{Errc::Io, describe_bind_failure(o.host, 0)};
    } else if (!impl_->server_.bind_to_port(o.host, o.port)) {
        return Error{Errc::Io, describe_bind_failure(o.host, o.port)};
    }
    impl_->server_.set_backlog(o.listen_backlog);
    impl_->bound_port_ = port;
    return port;
}

void HttpServer::run() {
    impl_->in_run_ = true;
    if (!impl_->stop_requested_) impl_->server_.listen_after_bind();
    impl_->in_run_ = false;
}

void HttpServer::close_idle_connections() {
    if (impl_->bound_port_ > 0) shutdown_connection_reads(impl_->bound_port_);
}

void HttpServer::stop() {
    impl_->stop_requested_ = true;
    // The library ignores stop() until its accept loop runs; wait for that if run() is starting.
    while (impl_->in_run_ && !impl_->server_.is_running())
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (impl_->server_.is_running()) impl_->server_.stop();
}

}  // namespace vela::server::http
