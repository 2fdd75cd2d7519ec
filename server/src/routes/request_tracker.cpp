#include "routes/request_tracker.h"

namespace vela::server {

RequestTracker::Guard::Guard(RequestTracker& tracker) : tracker_(tracker) {
    const std::lock_guard lock(tracker_.mutex_);
    ++tracker_.n_in_flight_;
}

RequestTracker::Guard::~Guard() {
    const std::lock_guard lock(tracker_.mutex_);
    if (--tracker_.n_in_flight_ == 0) tracker_.idle_.notify_all();
}

int32_t RequestTracker::n_in_flight() const {
    const std::lock_guard lock(mutex_);
    return n_in_flight_;
}

void RequestTracker::cancel_all() {
    cancelling_ = true;
}

bool RequestTracker::wait_idle(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    return idle_.wait_until(lock, deadline, [this] { return n_in_flight_ == 0; });
}

}  // namespace vela::server
