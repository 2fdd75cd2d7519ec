// RequestAdmission: the per-model gate between HTTP requests and the engine. The engine runs at most
// max_num_seqs sequences; a request needing n sequences is admitted when n slots are free and every
// request that arrived before it has been admitted (FIFO, so a large n is not starved). Up to
// queue_size requests may wait; one more is refused at once (QueueFull), and a waiter gives up after
// the request timeout (Timeout) or as soon as its client disconnects (Cancelled). Holding the engine's
// queue in the server keeps the engine's own waiting list empty, so "queued" and "running" mean the
// same thing in /metrics as in a client's view, and a later issue can report queue positions
// (candle_metadata) from here.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>

#include "vela/core/error.h"

namespace vela::server {

/// The FIFO admission gate of one model.
class RequestAdmission {
  public:
    /// A slot reservation; releases its slots when destroyed.
    class Ticket {
      public:
        Ticket() = default;
        ~Ticket();
        Ticket(Ticket&& other) noexcept;
        Ticket& operator=(Ticket&& other) noexcept;
        Ticket(const Ticket&) = delete;
        Ticket& operator=(const Ticket&) = delete;
        /// Releases the slots now (idempotent).
        void release();

      private:
        friend class RequestAdmission;
        Ticket(RequestAdmission* owner, int32_t n_slots) : owner_(owner), n_slots_(n_slots) {}
        RequestAdmission* owner_ = nullptr;
        int32_t n_slots_ = 0;
    };

    /// A gate with `n_slots` sequences, room for `queue_size` waiters, and waits of at most `timeout`.
    RequestAdmission(int32_t n_slots, int32_t queue_size, std::chrono::milliseconds timeout);

    /// Waits for `n_seqs` slots. Fails with ResourceExhausted (queue full), Timeout, Cancelled (when
    /// `cancelled` returns true; it is polled every few ms) or Unavailable (the gate was closed).
    Result<Ticket> admit(int32_t n_seqs, const std::function<bool()>& cancelled);
    /// Refuses every waiter and later request with Unavailable (shutdown).
    void close();

    /// Requests waiting now.
    int32_t n_queued() const;
    /// Requests admitted and not yet released.
    int32_t n_admitted() const;
    /// Slots of the gate.
    int32_t n_slots() const { return n_slots_; }

  private:
    void release(int32_t n_slots);

    const int32_t n_slots_;
    const int32_t queue_size_;
    const std::chrono::milliseconds timeout_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    int32_t n_free_;              // free slots
    int32_t n_admitted_ = 0;      // tickets alive
    uint64_t next_arrival_ = 0;   // arrival number of the next waiter
    std::deque<uint64_t> queue_;  // arrival numbers of the waiters, oldest first
    bool closed_ = false;
};

}  // namespace vela::server
