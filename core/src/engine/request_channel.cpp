#include "engine/request_channel.h"

#include <utility>

#include "engine/engine_inbox.h"

namespace vela::detail {

RequestChannel::RequestChannel(uint64_t id, int32_t n_choices, std::weak_ptr<EngineInbox> inbox)
    : id_(id), inbox_(std::move(inbox)), n_open_choices_(n_choices) {}

void RequestChannel::push(GenerationEvent event) {
    {
        std::lock_guard lock(mutex_);
        if (event.finish_reason) --n_open_choices_;
        events_.push_back(std::move(event));
    }
    ready_.notify_all();
}

std::optional<GenerationEvent> RequestChannel::take_locked() {
    if (events_.empty()) return std::nullopt;
    GenerationEvent event = std::move(events_.front());
    events_.pop_front();
    return event;
}

std::optional<GenerationEvent> RequestChannel::pop() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return !events_.empty() || n_open_choices_ == 0; });
    return take_locked();
}

std::optional<GenerationEvent> RequestChannel::pop_until(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    ready_.wait_until(lock, deadline, [&] { return !events_.empty() || n_open_choices_ == 0; });
    return take_locked();
}

bool RequestChannel::done() const {
    std::lock_guard lock(mutex_);
    return events_.empty() && n_open_choices_ == 0;
}

void RequestChannel::cancel() {
    {
        std::lock_guard lock(mutex_);
        if (cancel_sent_ || n_open_choices_ == 0) return;
        cancel_sent_ = true;
    }
    if (auto inbox = inbox_.lock()) inbox->post_cancel(id_);
}

}  // namespace vela::detail
