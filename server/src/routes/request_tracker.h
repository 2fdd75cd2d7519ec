// RequestTracker: counts generation requests in flight so a graceful shutdown can wait for them. On
// SIGTERM the server starts draining (new generation requests get 503), waits until the tracker is
// idle or the grace period ends, and then cancels what is left: every running request polls
// cancelling() and stops its generation (a stream ends with an error event, a non-streamed request
// with a 503).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>

namespace vela::server {

/// In-flight generation requests and the shutdown phase.
class RequestTracker {
  public:
    /// Marks one request in flight for as long as it lives.
    class Guard {
      public:
        explicit Guard(RequestTracker& tracker);
        ~Guard();
        Guard(const Guard&) = delete;
        Guard& operator=(const Guard&) = delete;

      private:
        RequestTracker& tracker_;
    };

    /// A guard for a new request; hold it (e.g. in a shared_ptr owned by a stream) until the request ends.
    std::shared_ptr<Guard> enter() { return std::make_shared<Guard>(*this); }
    /// Requests in flight now.
    int32_t n_in_flight() const;
    /// New generation requests are refused from now on.
    void begin_drain() { draining_ = true; }
    /// True once draining began.
    bool draining() const { return draining_; }
    /// Running requests must stop now.
    void cancel_all();
    /// True once cancel_all() was called.
    bool cancelling() const { return cancelling_; }
    /// Waits until no request is in flight or `deadline` passes; true when idle.
    bool wait_idle(std::chrono::steady_clock::time_point deadline);

  private:
    mutable std::mutex mutex_;
    std::condition_variable idle_;
    int32_t n_in_flight_ = 0;
    std::atomic<bool> draining_{false};
    std::atomic<bool> cancelling_{false};
};

}  // namespace vela::server
