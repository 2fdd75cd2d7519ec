#include "vela/core/request_handle.h"

#include <utility>

#include "engine/request_channel.h"

namespace vela {

RequestHandle::Iterator::Iterator(RequestHandle* handle) : handle_(handle), current_(handle->next()) {}

RequestHandle::Iterator& RequestHandle::Iterator::operator++() {
    current_ = handle_->next();
    return *this;
}

RequestHandle::RequestHandle(std::shared_ptr<detail::RequestChannel> channel)
    : channel_(std::move(channel)) {}

RequestHandle::~RequestHandle() {
    if (channel_) channel_->cancel();
}

RequestHandle& RequestHandle::operator=(RequestHandle&& other) noexcept {
    if (this != &other) {
        if (channel_) channel_->cancel();
        channel_ = std::move(other.channel_);
    }
    return *this;
}

uint64_t RequestHandle::id() const {
    return channel_ ? channel_->id() : 0;
}

void RequestHandle::cancel() {
    if (channel_) channel_->cancel();
}

std::optional<GenerationEvent> RequestHandle::next() {
    if (!channel_) return std::nullopt;
    return channel_->pop();
}

std::optional<GenerationEvent> RequestHandle::next(std::chrono::milliseconds timeout) {
    if (!channel_) return std::nullopt;
    return channel_->pop_until(std::chrono::steady_clock::now() + timeout);
}

bool RequestHandle::finished() const {
    return !channel_ || channel_->done();
}

std::vector<GenerationOutput> RequestHandle::collect() {
    std::vector<GenerationOutput> outputs;
    while (const auto event = next())
        accumulate(outputs, *event);
    return outputs;
}

void accumulate(std::vector<GenerationOutput>& outputs, const GenerationEvent& event) {
    const auto index = static_cast<size_t>(event.choice);
    while (outputs.size() <= index) {
        outputs.emplace_back();
        outputs.back().choice = static_cast<int32_t>(outputs.size() - 1);
    }
    GenerationOutput& out = outputs[index];
    out.token_ids.insert(out.token_ids.end(), event.token_ids.begin(), event.token_ids.end());
    out.text += event.text;
    out.logprobs.insert(out.logprobs.end(), event.logprobs.begin(), event.logprobs.end());
    if (event.finish_reason) out.finish_reason = *event.finish_reason;
    if (event.stats) out.stats = *event.stats;
}

}  // namespace vela
