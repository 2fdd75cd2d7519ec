// Server: `vela serve` as a library object. start() binds the port, starts answering HTTP at once
// (GET /health is 503 while the model loads) and loads the model in the background; shutdown() drains
// gracefully (no new connections or requests, in-flight requests get ServeConfig::shutdown_timeout_s,
// then the rest are cancelled); wait() returns the process exit code.
//
//   auto server = vela::server::Server::start(config);
//   if (!server) { print(server.error().message()); return 1; }
//   return (*server)->wait();   // after another thread calls shutdown()
#pragma once

#include <memory>

#include "vela/core/error.h"
#include "vela/server/serve_config.h"

namespace vela::server {

/// A running OpenAI-compatible HTTP server over one model.
class Server {
  public:
    /// Validates `config`, binds the port, starts serving and begins loading the model. Errors: bad flags
    /// combinations, a missing local model, a port in use, an unreadable config file.
    static Result<std::unique_ptr<Server>> start(ServeConfig config);
    /// Shuts down without grace if still running, and waits for everything to stop.
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// The bound port (the chosen one when the configuration asked for port 0).
    int port() const;
    /// Blocks until the server has stopped; 0 after a shutdown, 1 when the model failed to load.
    int wait();
    /// Starts a graceful shutdown and returns at once (safe from any thread, repeatable).
    void shutdown();
    /// Cancels every in-flight request now and stops (a second SIGTERM/SIGINT).
    void shutdown_now();

    struct Impl;

  private:
    explicit Server(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace vela::server
