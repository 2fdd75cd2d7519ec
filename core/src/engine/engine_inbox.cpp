#include "engine/engine_inbox.h"

#include <utility>

#include "engine/request_channel.h"

namespace vela::detail {

bool EngineInbox::post(NewRequest request) {
    {
        std::lock_guard lock(mutex_);
        if (pending_.closed) return false;
        pending_.added.push_back(std::move(request));
    }
    posted_.notify_one();
    return true;
}

void EngineInbox::post_cancel(uint64_t id) {
    {
        std::lock_guard lock(mutex_);
        pending_.cancelled.push_back(id);
    }
    posted_.notify_one();
}

InboxBatch EngineInbox::take(bool wait) {
    std::unique_lock lock(mutex_);
    if (wait) {
        posted_.wait(
            lock, [&] { return pending_.closed || !pending_.added.empty() || !pending_.cancelled.empty(); });
    }
    InboxBatch batch;
    batch.added = std::exchange(pending_.added, {});
    batch.cancelled = std::exchange(pending_.cancelled, {});
    batch.closed = pending_.closed;
    return batch;
}

void EngineInbox::close() {
    {
        std::lock_guard lock(mutex_);
        pending_.closed = true;
    }
    posted_.notify_one();
}

}  // namespace vela::detail
