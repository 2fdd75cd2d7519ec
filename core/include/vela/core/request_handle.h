// RequestHandle: the caller's end of one submitted request.
//
// Events arrive in order, one per step per choice: the new token ids, the text they released (stop
// strings held back and trimmed), their logprobs, and, on each choice's last event, the finish reason
// and stats. A handle is also an input range: `for (const GenerationEvent& e : handle)` pulls events
// until every choice has finished. Dropping (destroying) a handle whose request is still running
// cancels the request; the engine frees its KV blocks at its next step. Handles are move-only and may
// outlive their engine (a request cut short by shutdown ends with Cancelled).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <vector>

#include "vela/core/output.h"

namespace vela {

namespace detail {
class RequestChannel;
}  // namespace detail

/// A running request: pull its events, cancel it, or collect its outputs.
class RequestHandle {
  public:
    /// An input iterator over a handle's events.
    class Iterator {
      public:
        using iterator_category = std::input_iterator_tag;  // single pass
        using value_type = GenerationEvent;                 // what it yields
        using difference_type = std::ptrdiff_t;             // required by the iterator concepts
        using pointer = const GenerationEvent*;             // what operator-> yields
        using reference = const GenerationEvent&;           // what operator* yields

        /// An iterator at the end.
        Iterator() = default;
        /// The current event.
        reference operator*() const { return *current_; }
        /// The current event.
        pointer operator->() const { return &*current_; }
        /// Pulls the next event (waiting for it).
        Iterator& operator++();
        /// Pulls the next event (waiting for it).
        void operator++(int) { ++*this; }
        /// True when every event was pulled.
        friend bool operator==(const Iterator& it, std::default_sentinel_t) { return !it.current_; }

      private:
        friend class RequestHandle;
        explicit Iterator(RequestHandle* handle);
        RequestHandle* handle_ = nullptr;
        std::optional<GenerationEvent> current_;
    };

    /// An empty handle (no request).
    RequestHandle() = default;
    /// Wraps the channel of a submitted request (used by the engine).
    explicit RequestHandle(std::shared_ptr<detail::RequestChannel> channel);
    /// Cancels the request if it is still running.
    ~RequestHandle();
    /// Takes over `other`'s request.
    RequestHandle(RequestHandle&& other) noexcept = default;
    /// Cancels this handle's running request, then takes over `other`'s.
    RequestHandle& operator=(RequestHandle&& other) noexcept;
    RequestHandle(const RequestHandle&) = delete;
    RequestHandle& operator=(const RequestHandle&) = delete;

    /// The request's id (unique per engine); 0 for an empty handle.
    uint64_t id() const;
    /// Asks the engine to stop the request; its open choices end with Cancelled.
    void cancel();
    /// The next event, waiting for it; nullopt when every choice has finished and all events were taken.
    std::optional<GenerationEvent> next();
    /// Like next(), but waits at most `timeout`; nullopt on timeout too (then finished() is false).
    std::optional<GenerationEvent> next(std::chrono::milliseconds timeout);
    /// True when every choice has finished and every event was taken (true for an empty handle).
    bool finished() const;
    /// Waits for the rest of the request and returns one output per choice (events not yet taken
    /// are included; events already taken with next() are not).
    std::vector<GenerationOutput> collect();

    /// Pulls the first event and returns an iterator at it.
    Iterator begin() { return Iterator(this); }
    /// The end of the events.
    std::default_sentinel_t end() const { return {}; }

  private:
    std::shared_ptr<detail::RequestChannel> channel_;
};

/// Appends `event` to the output of its choice in `outputs` (growing it as needed).
void accumulate(std::vector<GenerationOutput>& outputs, const GenerationEvent& event);

}  // namespace vela
