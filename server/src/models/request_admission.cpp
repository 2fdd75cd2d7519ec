#include "models/request_admission.h"

#include <algorithm>
#include <string>
#include <utility>

namespace vela::server {

namespace {

// How often a waiter checks whether its client has gone.
constexpr std::chrono::milliseconds kCancelPoll{20};

}  // namespace

RequestAdmission::Ticket::~Ticket() {
    release();
}

RequestAdmission::Ticket::Ticket(Ticket&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)), n_slots_(std::exchange(other.n_slots_, 0)) {}

RequestAdmission::Ticket& RequestAdmission::Ticket::operator=(Ticket&& other) noexcept {
    if (this != &other) {
        release();
        owner_ = std::exchange(other.owner_, nullptr);
        n_slots_ = std::exchange(other.n_slots_, 0);
    }
    return *this;
}

void RequestAdmission::Ticket::release() {
    if (owner_ != nullptr) owner_->release(n_slots_);
    owner_ = nullptr;
    n_slots_ = 0;
}

RequestAdmission::RequestAdmission(int32_t n_slots, int32_t queue_size, std::chrono::milliseconds timeout)
    : n_slots_(n_slots), queue_size_(queue_size), timeout_(timeout), n_free_(n_slots) {}

Result<RequestAdmission::Ticket> RequestAdmission::admit(int32_t n_seqs,
                                                         const std::function<bool()>& cancelled) {
    if (n_seqs < 1 || n_seqs > n_slots_) {
        return Error{Errc::InvalidArgument, "a request needs " + std::to_string(n_seqs) +
                                                " sequences, but the model runs at most " +
                                                std::to_string(n_slots_) + " at once (--max-num-seqs)"};
    }
    std::unique_lock lock(mutex_);
    if (closed_) return Error{Errc::Unavailable, "the server is shutting down and accepts no new requests"};
    const bool can_run_now = queue_.empty() && n_free_ >= n_seqs;
    if (!can_run_now && static_cast<int32_t>(queue_.size()) >= queue_size_) {
        return Error{Errc::ResourceExhausted, "the request queue of this model is full (" +
                                                  std::to_string(queue_size_) +
                                                  " waiting, --queue-size); retry later"};
    }
    const uint64_t arrival = next_arrival_++;
    queue_.push_back(arrival);
    const auto deadline = std::chrono::steady_clock::now() + timeout_;
    const auto leave = [&] {
        queue_.erase(std::find(queue_.begin(), queue_.end(), arrival));
        changed_.notify_all();
    };
    while (true) {
        if (closed_) {
            leave();
            return Error{Errc::Unavailable, "the server is shutting down and accepts no new requests"};
        }
        if (queue_.front() == arrival && n_free_ >= n_seqs) break;
        if (std::chrono::steady_clock::now() >= deadline) {
            leave();
            return Error{Errc::Timeout,
                         "the request waited " + std::to_string(timeout_.count() / 1000) +
                             " s for a free slot (--request-timeout) and gave up; retry later"};
        }
        if (cancelled) {
            lock.unlock();
            const bool gone = cancelled();
            lock.lock();
            if (gone) {
                leave();
                return Error{Errc::Cancelled, "the client disconnected while the request was queued"};
            }
        }
        changed_.wait_until(lock, std::min(deadline, std::chrono::steady_clock::now() + kCancelPoll));
    }
    queue_.pop_front();
    n_free_ -= n_seqs;
    ++n_admitted_;
    changed_.notify_all();
    return Ticket(this, n_seqs);
}

void RequestAdmission::release(int32_t n_slots) {
    const std::lock_guard lock(mutex_);
    n_free_ += n_slots;
    --n_admitted_;
    changed_.notify_all();
}

void RequestAdmission::close() {
    const std::lock_guard lock(mutex_);
    closed_ = true;
    changed_.notify_all();
}

int32_t RequestAdmission::n_queued() const {
    const std::lock_guard lock(mutex_);
    return static_cast<int32_t>(queue_.size());
}

int32_t RequestAdmission::n_admitted() const {
    const std::lock_guard lock(mutex_);
    return n_admitted_;
}

}  // namespace vela::server
