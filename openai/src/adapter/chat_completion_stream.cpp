// ChatCompletionStream: engine events -> chat.completion.chunk objects.
//
// The stream opens with one role chunk per choice (role "assistant", content ""). Each engine event of
// a choice goes through that choice's ChoiceParser; every resulting event becomes one chunk (content,
// reasoning, a tool call's first delta with id and name and "" arguments, or an arguments fragment),
// carrying the logprobs of the tokens behind it (tokens whose text is still held back pass their
// logprobs on to the next chunk). When a choice ends, the parser's last events are flushed and a finish
// chunk follows (finish_reason "tool_calls" when the choice called tools, "length" when it was cut,
// else "stop"). After every choice has ended comes the usage chunk when asked for. A failure reported
// by the engine becomes an Error item, after which the stream is Done.
#include <algorithm>
#include <deque>
#include <random>
#include <set>

#include "adapter/adapter_impl.h"
#include "adapter/token_logprobs.h"

namespace vela::openai {

struct ChatCompletionStream::Impl {
    std::shared_ptr<InferenceEngine> engine;
    RequestHandle handle;
    PreparedChat prep;
    int32_t n_choices = 1;
    std::vector<std::unique_ptr<ChoiceParser>> parsers;
    std::vector<std::vector<LogprobEntry>> pending_logprobs;
    std::vector<GenerationStats> stats;
    std::set<TokenId> end_tokens;  // tokens whose logprob is not reported when they end a choice
    std::deque<Item> queue;
    int32_t n_finished = 0;
    bool done = false;
    bool first_chunk = true;

    ChatCompletionChunk chunk() {
        ChatCompletionChunk c;
        c.id = prep.meta.id;
        c.created = prep.meta.created;
        c.model = prep.meta.model;
        c.system_fingerprint = prep.meta.fingerprint;
        c.include_usage = prep.meta.include_usage;
        if (first_chunk) {
            c.conversation_id = prep.meta.conversation_id;
            c.resource_id = prep.meta.resource_id;
            first_chunk = false;
        }
        return c;
    }

    void push(int32_t index, ChatDelta delta, std::optional<ChoiceFinishReason> finish = std::nullopt) {
        ChatCompletionChunk c = chunk();
        ChunkChoice choice;
        choice.index = index;
        choice.delta = std::move(delta);
        choice.finish_reason = finish;
        auto& lps = pending_logprobs[static_cast<size_t>(index)];
        if (!lps.empty()) {
            choice.logprobs = ChoiceLogprobs{std::move(lps)};
            lps.clear();
        }
        c.choices.push_back(std::move(choice));
        queue.push_back(Item{Item::Kind::Chunk, std::move(c), {}});
    }

    void push_events(int32_t index, const std::vector<ParseEvent>& events) {
        for (const ParseEvent& e : events) {
            ChatDelta delta;
            if (const auto* content = std::get_if<ContentDelta>(&e)) {
                delta.content = content->text;
            } else if (const auto* reasoning = std::get_if<ReasoningDelta>(&e)) {
                delta.reasoning_content = reasoning->text;
            } else if (const auto* begin = std::get_if<ToolCallBegin>(&e)) {
                delta.tool_calls.push_back(
                    ToolCallDelta{begin->index, begin->id, begin->name, std::string()});
            } else if (const auto* args = std::get_if<ToolArgsDelta>(&e)) {
                delta.tool_calls.push_back(
                    ToolCallDelta{args->index, std::nullopt, std::nullopt, args->fragment});
            } else {
                continue;  // ToolCallEnd: nothing to send
            }
            push(index, std::move(delta));
        }
    }

    void fail(OpenAIError error) {
        queue.clear();
        queue.push_back(Item{Item::Kind::Error, {}, std::move(error)});
        done = true;
        handle.cancel();
    }

    void process(const GenerationEvent& ev) {
        const int32_t index = ev.choice;
        if (index < 0 || index >= n_choices) {
            fail(OpenAIError::server_error("the engine reported choice " + std::to_string(index) + " of " +
                                           std::to_string(n_choices)));
            return;
        }
        const auto i = static_cast<size_t>(index);
        if (ev.finish_reason && ev.finish_reason->kind == FinishReason::Kind::Error) {
            fail(OpenAIError::server_error("generation failed: " + ev.finish_reason->detail));
            return;
        }
        if (ev.finish_reason && ev.finish_reason->kind == FinishReason::Kind::Cancelled) {
            fail(OpenAIError::unavailable("the request was cancelled by the engine (it is shutting down)"));
            return;
        }
        size_t n_logprobs = ev.logprobs.size();
        if (ev.finish_reason && ev.finish_reason->kind == FinishReason::Kind::Stop && n_logprobs > 0 &&
            n_logprobs == ev.token_ids.size() && end_tokens.contains(ev.token_ids.back())) {
            --n_logprobs;  // the end-of-turn token is not part of the answer
        }
        for (size_t k = 0; k < n_logprobs; ++k) {
            pending_logprobs[i].push_back(chat_logprob(engine->tokenizer(), ev.logprobs[k]));
        }
        push_events(index, parsers[i]->feed(ev.text, static_cast<int32_t>(ev.token_ids.size())));
        if (!ev.finish_reason) return;
        push_events(index, parsers[i]->finish(ev.finish_reason->kind == FinishReason::Kind::Length));
        const ChoiceFinishReason reason = ev.finish_reason->kind == FinishReason::Kind::Length
                                              ? ChoiceFinishReason::Length
                                          : parsers[i]->has_tool_calls() ? ChoiceFinishReason::ToolCalls
                                                                         : ChoiceFinishReason::Stop;
        push(index, ChatDelta{}, reason);
        if (ev.stats) stats[i] = *ev.stats;
        ++n_finished;
    }

    Usage usage() const {
        Usage u;
        u.prompt_tokens = static_cast<int64_t>(prep.prompt.token_ids.size());
        double ttft = 0.0;
        double total = 0.0;
        int64_t reasoning = 0;
        for (size_t i = 0; i < stats.size(); ++i) {
            u.completion_tokens += stats[i].generated_tokens;
            ttft = std::max(ttft, stats[i].time_to_first_token_ms);
            total = std::max(total, stats[i].total_time_ms);
            reasoning += parsers[i]->reasoning_tokens();
        }
        u.total_tokens = u.prompt_tokens + u.completion_tokens;
        u.cached_tokens = stats.empty() ? 0 : stats[0].cached_tokens;
        u.reasoning_tokens = reasoning;
        u.request_id = prep.meta.id;
        u.created = prep.meta.created;
        u.prompt_time_costs = ttft;
        u.completion_time_costs = std::max(0.0, total - ttft);
        return u;
    }

    Item next(std::optional<std::chrono::milliseconds> timeout) {
        const auto deadline =
            std::chrono::steady_clock::now() + timeout.value_or(std::chrono::milliseconds(0));
        for (;;) {
            if (!queue.empty()) {
                Item item = std::move(queue.front());
                queue.pop_front();
                return item;
            }
            if (done) return Item{Item::Kind::Done, {}, {}};
            if (n_finished == n_choices) {
                if (prep.meta.include_usage) {
                    ChatCompletionChunk c = chunk();
                    c.usage = usage();
                    queue.push_back(Item{Item::Kind::Chunk, std::move(c), {}});
                }
                done = true;
                continue;
            }
            std::optional<GenerationEvent> ev;
            if (timeout) {
                const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now());
                ev = handle.next(std::max(left, std::chrono::milliseconds(0)));
                if (!ev && !handle.finished()) return Item{Item::Kind::Pending, {}, {}};
            } else {
                ev = handle.next();
            }
            if (!ev) {
                fail(OpenAIError::server_error("the engine ended the request before every choice finished"));
                continue;
            }
            process(*ev);
        }
    }
};

ChatCompletionStream::ChatCompletionStream(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ChatCompletionStream::~ChatCompletionStream() = default;

ChatCompletionStream::Item ChatCompletionStream::next(std::chrono::milliseconds timeout) {
    return impl_->next(timeout);
}

ChatCompletionStream::Item ChatCompletionStream::next() {
    return impl_->next(std::nullopt);
}

void ChatCompletionStream::cancel() {
    impl_->handle.cancel();
    impl_->queue.clear();
    impl_->done = true;
}

const std::string& ChatCompletionStream::id() const {
    return impl_->prep.meta.id;
}

int32_t ChatCompletionStream::prompt_tokens() const {
    return static_cast<int32_t>(impl_->prep.prompt.token_ids.size());
}

ApiResult<std::unique_ptr<ChatCompletionStream>> start_chat_stream(std::shared_ptr<InferenceEngine> engine,
                                                                   PreparedChat prepared) {
    auto handle = engine->submit(prepared.prompt.token_ids, prepared.params);
    if (!handle) return submit_error(handle.error());
    auto impl = std::make_unique<ChatCompletionStream::Impl>();
    impl->engine = std::move(engine);
    impl->handle = std::move(*handle);
    impl->n_choices = prepared.params.n;
    impl->prep = std::move(prepared);
    const auto n = static_cast<size_t>(impl->n_choices);
    for (size_t i = 0; i < n; ++i) {
        ChoiceParserOptions options = impl->prep.parser;
        if (impl->prep.params.seed) {  // a seeded request gets reproducible call ids too
            auto rng = std::make_shared<std::mt19937_64>(*impl->prep.params.seed * 0x9E3779B97F4A7C15ull + i);
            options.random = [rng] { return (*rng)(); };
        }
        impl->parsers.push_back(std::make_unique<ChoiceParser>(std::move(options)));
    }
    impl->pending_logprobs.resize(n);
    impl->stats.resize(n);
    for (const TokenId t : impl->engine->model_info().eog_token_ids)
        impl->end_tokens.insert(t);
    for (const TokenId t : impl->prep.params.stop_token_ids)
        impl->end_tokens.insert(t);
    for (int32_t i = 0; i < impl->n_choices; ++i) {
        ChatDelta role;
        role.role = true;
        role.content = std::string();
        impl->push(i, std::move(role));
    }
    return std::make_unique<ChatCompletionStream>(std::move(impl));
}

}  // namespace vela::openai
