// EngineInbox: the multi-producer, single-consumer queue of commands into the engine thread.
//
// Any thread submits requests and cancels; the engine thread takes everything posted so far at the start
// of each step, and sleeps on the inbox when it has nothing to do (no busy wait). Closing the inbox
// refuses further submissions and wakes the engine so it can shut down.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "vela/core/params.h"
#include "vela/core/types.h"

namespace vela::detail {

class RequestChannel;

/// A request on its way to the engine thread.
struct NewRequest {
    uint64_t id = 0;                                  // unique per engine
    std::vector<TokenId> prompt;                      // validated prompt tokens
    GenerationParams params;                          // validated parameters
    uint64_t seed = 0;                                // params.seed, or a random seed when unset
    std::shared_ptr<RequestChannel> channel;          // where its events go
    std::chrono::steady_clock::time_point submitted;  // when submit() was called
};

/// Everything posted since the last take().
struct InboxBatch {
    std::vector<NewRequest> added;    // new requests, in submission order
    std::vector<uint64_t> cancelled;  // ids of requests to cancel (after the additions)
    bool closed = false;              // the engine is shutting down
};

/// Commands from any thread to the engine thread.
class EngineInbox {
  public:
    /// Posts a new request; false (and nothing posted) once the inbox is closed.
    bool post(NewRequest request);
    /// Posts a cancel for request `id`.
    void post_cancel(uint64_t id);
    /// Takes everything posted so far; with `wait`, first sleeps until something is posted or the
    /// inbox closes.
    InboxBatch take(bool wait);
    /// Refuses further requests and wakes the engine thread.
    void close();

  private:
    std::mutex mutex_;
    std::condition_variable posted_;
    InboxBatch pending_;
};

}  // namespace vela::detail
