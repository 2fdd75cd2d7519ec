// CompletionStream: engine events of one or more prompts -> text_completion chunks.
//
// Each prompt is its own engine request with n choices; choice c of prompt p has index p * n + c. With
// `echo`, each choice's first chunk is its prompt text. Every engine event with text (or logprobs)
// becomes a chunk; a choice's last event carries its finish_reason ("length" when cut, else "stop").
// Requests of several prompts are pulled round-robin so that none starves.
#include <algorithm>
#include <deque>
#include <thread>

#include "adapter/adapter_impl.h"
#include "adapter/token_logprobs.h"

namespace vela::openai {
namespace {

constexpr std::chrono::milliseconds kPollSlice{5};

}  // namespace

struct CompletionStream::Impl {
    std::shared_ptr<InferenceEngine> engine;
    PreparedCompletion prep;
    std::vector<RequestHandle> handles;  // one per prompt
    int32_t n = 1;                       // choices per prompt
    std::vector<int32_t> text_offsets;   // per choice: characters of text so far (legacy logprobs)
    std::vector<GenerationStats> stats;  // per choice
    std::deque<Item> queue;
    size_t next_handle = 0;
    int32_t n_finished = 0;
    bool done = false;

    int32_t n_choices() const { return static_cast<int32_t>(handles.size()) * n; }

    CompletionChunk chunk() const {
        CompletionChunk c;
        c.id = prep.meta.id;
        c.created = prep.meta.created;
        c.model = prep.meta.model;
        c.system_fingerprint = prep.meta.fingerprint;
        c.include_usage = prep.meta.include_usage;
        return c;
    }

    void fail(OpenAIError error) {
        queue.clear();
        queue.push_back(Item{Item::Kind::Error, {}, std::move(error)});
        done = true;
        for (RequestHandle& h : handles)
            h.cancel();
    }

    void process(size_t prompt, const GenerationEvent& ev) {
        if (ev.choice < 0 || ev.choice >= n) {
            fail(OpenAIError::server_error("the engine reported an unknown choice"));
            return;
        }
        if (ev.finish_reason && ev.finish_reason->kind == FinishReason::Kind::Error) {
            fail(OpenAIError::server_error("generation failed: " + ev.finish_reason->detail));
            return;
        }
        if (ev.finish_reason && ev.finish_reason->kind == FinishReason::Kind::Cancelled) {
            fail(OpenAIError::unavailable("the request was cancelled by the engine (it is shutting down)"));
            return;
        }
        const int32_t index = static_cast<int32_t>(prompt) * n + ev.choice;
        const auto i = static_cast<size_t>(index);
        CompletionChoice choice;
        choice.index = index;
        choice.text = ev.text;
        if (prep.params.logprobs && !ev.logprobs.empty()) {
            size_t count = ev.logprobs.size();
            if (ev.finish_reason && ev.finish_reason->kind == FinishReason::Kind::Stop &&
                count == ev.token_ids.size() &&
                engine->tokenizer().is_end_of_generation(ev.token_ids.back())) {
                --count;  // the end-of-text token is not part of the text
            }
            CompletionLogprobs lp;
            text_offsets[i] = append_legacy_logprobs(engine->tokenizer(),
                                                     std::span<const TokenLogprob>(ev.logprobs.data(), count),
                                                     text_offsets[i], lp);
            choice.logprobs = std::move(lp);
        }
        if (ev.finish_reason) {
            choice.finish_reason = ev.finish_reason->kind == FinishReason::Kind::Length
                                       ? ChoiceFinishReason::Length
                                       : ChoiceFinishReason::Stop;
            if (ev.stats) stats[i] = *ev.stats;
            ++n_finished;
        }
        if (choice.text.empty() && !choice.logprobs && !choice.finish_reason) return;
        CompletionChunk c = chunk();
        c.choices.push_back(std::move(choice));
        queue.push_back(Item{Item::Kind::Chunk, std::move(c), {}});
    }

    Usage usage() const {
        Usage u;
        for (const auto& p : prep.prompts)
            u.prompt_tokens += static_cast<int64_t>(p.size());
        double ttft = 0.0;
        double total = 0.0;
        for (const GenerationStats& s : stats) {
            u.completion_tokens += s.generated_tokens;
            u.cached_tokens = u.cached_tokens.value_or(0) + s.cached_tokens;
            ttft = std::max(ttft, s.time_to_first_token_ms);
            total = std::max(total, s.total_time_ms);
        }
        u.total_tokens = u.prompt_tokens + u.completion_tokens;
        u.request_id = prep.meta.id;
        u.created = prep.meta.created;
        u.prompt_time_costs = ttft;
        u.completion_time_costs = std::max(0.0, total - ttft);
        return u;
    }

    // The next engine event of any prompt, round-robin; nullopt when `deadline` passes first.
    std::optional<std::pair<size_t, GenerationEvent>> pull(
        std::optional<std::chrono::steady_clock::time_point> deadline) {
        for (;;) {
            size_t open = handles.size();
            for (size_t k = 0; k < handles.size(); ++k) {
                const size_t h = (next_handle + k) % handles.size();
                if (handles[h].finished()) {
                    --open;
                    continue;
                }
                const bool only = handles.size() == 1;
                std::chrono::milliseconds wait{0};
                if (only) {
                    wait = deadline ? std::max(std::chrono::milliseconds(0),
                                               std::chrono::duration_cast<std::chrono::milliseconds>(
                                                   *deadline - std::chrono::steady_clock::now()))
                                    : std::chrono::milliseconds(std::chrono::hours(24));
                }
                if (auto ev = handles[h].next(wait)) {
                    next_handle = h + 1;
                    return std::make_pair(h, std::move(*ev));
                }
            }
            if (open == 0) return std::nullopt;
            if (deadline && std::chrono::steady_clock::now() >= *deadline) return std::nullopt;
            if (handles.size() > 1) std::this_thread::sleep_for(kPollSlice);
        }
    }

    Item next(std::optional<std::chrono::milliseconds> timeout) {
        std::optional<std::chrono::steady_clock::time_point> deadline;
        if (timeout) deadline = std::chrono::steady_clock::now() + *timeout;
        for (;;) {
            if (!queue.empty()) {
                Item item = std::move(queue.front());
                queue.pop_front();
                return item;
            }
            if (done) return Item{Item::Kind::Done, {}, {}};
            if (n_finished == n_choices()) {
                if (prep.meta.include_usage) {
                    CompletionChunk c = chunk();
                    c.usage = usage();
                    queue.push_back(Item{Item::Kind::Chunk, std::move(c), {}});
                }
                done = true;
                continue;
            }
            auto ev = pull(deadline);
            if (!ev) {
                const bool all_finished = std::all_of(handles.begin(), handles.end(),
                                                      [](const RequestHandle& h) { return h.finished(); });
                if (!all_finished) return Item{Item::Kind::Pending, {}, {}};
                fail(OpenAIError::server_error("the engine ended the request before every choice finished"));
                continue;
            }
            process(ev->first, ev->second);
        }
    }
};

CompletionStream::CompletionStream(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CompletionStream::~CompletionStream() = default;

CompletionStream::Item CompletionStream::next(std::chrono::milliseconds timeout) {
    return impl_->next(timeout);
}

CompletionStream::Item CompletionStream::next() {
    return impl_->next(std::nullopt);
}

void CompletionStream::cancel() {
    for (RequestHandle& h : impl_->handles)
        h.cancel();
    impl_->queue.clear();
    impl_->done = true;
}

const std::string& CompletionStream::id() const {
    return impl_->prep.meta.id;
}

ApiResult<std::unique_ptr<CompletionStream>> start_completion_stream(std::shared_ptr<InferenceEngine> engine,
                                                                     PreparedCompletion prepared) {
    auto impl = std::make_unique<CompletionStream::Impl>();
    for (const auto& prompt : prepared.prompts) {
        auto handle = engine->submit(prompt, prepared.params);
        if (!handle) return submit_error(handle.error());  // earlier handles cancel as they are dropped
        impl->handles.push_back(std::move(*handle));
    }
    impl->engine = std::move(engine);
    impl->n = prepared.params.n;
    impl->prep = std::move(prepared);
    const auto total = static_cast<size_t>(impl->n_choices());
    impl->text_offsets.assign(total, 0);
    impl->stats.resize(total);
    if (impl->prep.echo) {
        for (size_t p = 0; p < impl->prep.prompts.size(); ++p) {
            for (int32_t c = 0; c < impl->n; ++c) {
                const size_t i = p * static_cast<size_t>(impl->n) + static_cast<size_t>(c);
                impl->text_offsets[i] = count_characters(impl->prep.prompt_texts[p]);
                CompletionChunk chunk = impl->chunk();
                chunk.choices.push_back(
                    CompletionChoice{static_cast<int32_t>(i), impl->prep.prompt_texts[p], {}, {}});
                impl->queue.push_back(
                    CompletionStream::Item{CompletionStream::Item::Kind::Chunk, std::move(chunk), {}});
            }
        }
    }
    return std::make_unique<CompletionStream>(std::move(impl));
}

}  // namespace vela::openai
