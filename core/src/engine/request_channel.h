// RequestChannel: the outbound side of one request, from the engine thread to whoever holds the handle.
//
// The engine thread pushes events; the caller pops them, blocking until one arrives. The channel knows
// how many choices are still open and is done once every choice has sent its final event and every
// event has been taken. Cancelling posts a cancel command to the engine's inbox (once), so the engine
// frees the request's blocks at its next step and then sends each open choice a Cancelled final event.
// The channel is shared by the engine and the handle, so either may outlive the other.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>

#include "vela/core/output.h"

namespace vela::detail {

class EngineInbox;

/// Events of one request, from the engine thread to the caller.
class RequestChannel {
  public:
    /// A channel for request `id` with `n_choices` choices whose cancels go to `inbox`.
    RequestChannel(uint64_t id, int32_t n_choices, std::weak_ptr<EngineInbox> inbox);

    /// The request id.
    uint64_t id() const { return id_; }

    /// Engine side: queues `event`; an event with a finish reason closes its choice.
    void push(GenerationEvent event);

    /// Caller side: the next event, waiting as long as needed; nullopt once every choice is finished
    /// and every event was taken.
    std::optional<GenerationEvent> pop();
    /// Like pop(), but gives up at `deadline` (then returns nullopt while done() is still false).
    std::optional<GenerationEvent> pop_until(std::chrono::steady_clock::time_point deadline);
    /// True once every choice is finished and every event was taken.
    bool done() const;
    /// Asks the engine to cancel the request (idempotent; a finished request ignores it).
    void cancel();

  private:
    std::optional<GenerationEvent> take_locked();

    const uint64_t id_;
    const std::weak_ptr<EngineInbox> inbox_;
    mutable std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<GenerationEvent> events_;
    int32_t n_open_choices_;
    bool cancel_sent_ = false;
};

}  // namespace vela::detail
