// Logger: the server's log lines (start-up facts, warnings, failures, the access log with --verbose) on
// stderr and optionally in a file (--log / --log-file), through spdlog behind this small type so the
// rest of the server does not depend on it. Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "vela/core/config.h"
#include "vela/core/error.h"

namespace spdlog {
class logger;
}

namespace vela::server {

/// Where the server's log lines go.
class Logger {
  public:
    /// Logs to stderr (debug lines only when `verbose`) and, when `file` is not empty, also to that file.
    static Result<std::shared_ptr<Logger>> create(bool verbose, const std::string& file);
    ~Logger();

    /// A debug line (only with --verbose).
    void debug(std::string_view message) const;
    /// An informational line.
    void info(std::string_view message) const;
    /// A warning.
    void warn(std::string_view message) const;
    /// An error.
    void error(std::string_view message) const;
    /// True when debug lines are written.
    bool verbose() const { return verbose_; }
    /// A callback that sends engine log lines here (for EngineConfig::log).
    LogCallback engine_sink() const;

  private:
    Logger(std::shared_ptr<spdlog::logger> logger, bool verbose);
    std::shared_ptr<spdlog::logger> logger_;
    bool verbose_;
};

}  // namespace vela::server
