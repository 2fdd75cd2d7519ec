#include "engine/engine_core.h"

#include <algorithm>
#include <utility>

#include "cache/block_copy.h"
#include "vela/core/assert.h"

namespace vela {

namespace {

using Clock = std::chrono::steady_clock;

double ms_between(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double, std::milli>(to - from).count();
}

}  // namespace

// One live request: its parameters, channel, timings and choices (one until an n > 1 request forks).
struct EngineCore::Request {
    uint64_t id = 0;
    GenerationParams params;
    uint64_t seed = 0;
    std::shared_ptr<detail::RequestChannel> channel;
    Clock::time_point submitted;
    std::optional<Clock::time_point> first_token;
    int32_t n_prompt_tokens = 0;
    std::vector<std::unique_ptr<ChoiceState>> choices;
    int32_t n_open = 0;  // choices (forked or still to fork) without a final event
    bool failed = false;
    bool cancelled = false;
};

EngineCore::EngineCore(ModelRunner& runner, const Tokenizer& tokenizer, ThreadPool& pool,
                       EngineCoreConfig config)
    : runner_(runner),
      tokenizer_(tokenizer),
      pool_(pool),
      config_(std::move(config)),
      vocab_size_(runner.shape().vocab_size),
      cache_(config_.cache),
      block_pool_(config_.cache.n_blocks, config_.cache.block_size),
      scheduler_(config_.scheduler, block_pool_) {}

EngineCore::~EngineCore() = default;

void EngineCore::add(detail::NewRequest request) {
    auto r = std::make_unique<Request>();
    r->id = request.id;
    r->params = std::move(request.params);
    r->seed = request.seed;
    r->channel = std::move(request.channel);
    r->submitted = request.submitted;
    r->n_prompt_tokens = static_cast<int32_t>(request.prompt.size());
    r->n_open = r->params.n;
    counters_.prompt_tokens += r->n_prompt_tokens;

    Sequence seq;
    seq.id = next_sequence_id_++;
    seq.request_id = r->id;
    seq.n_prompt_tokens = r->n_prompt_tokens;
    seq.max_total_tokens = config_.max_sequence_length;
    seq.n_choices_after_prefill = r->params.n;
    seq.tokens = std::move(request.prompt);
    Sampler sampler(r->params, seq.tokens, choice_seed(r->seed, 0));
    r->choices.push_back(
        std::make_unique<ChoiceState>(r->params, tokenizer_, std::move(seq), std::move(sampler)));
    ChoiceState& choice = *r->choices.front();
    Request& added = *r;
    requests_.emplace(added.id, std::move(r));
    if (auto error = choice.make_constraint()) {
        choice.seq().status = SequenceStatus::Finished;
        deliver(added, choice, choice.end(FinishReason::error(*error)));
        reap();
        return;
    }
    scheduler_.add(choice.seq());
}

void EngineCore::cancel(uint64_t id) {
    const auto it = requests_.find(id);
    if (it == requests_.end()) return;
    it->second->cancelled = true;
    end_request(*it->second, FinishReason::cancelled());
    reap();
}

void EngineCore::end_all(const FinishReason& reason) {
    for (auto& [id, request] : requests_) {
        if (reason.kind == FinishReason::Kind::Cancelled) request->cancelled = true;
        end_request(*request, reason);
    }
    reap();
}

void EngineCore::end_request(Request& request, const FinishReason& reason) {
    for (size_t i = 0; i < request.choices.size(); ++i) {
        ChoiceState& choice = *request.choices[i];
        if (!choice.finished()) deliver(request, choice, choice.end(reason));
    }
}

std::vector<const Sequence*> EngineCore::live_sequences() const {
    std::vector<const Sequence*> out;
    for (const auto& [id, request] : requests_) {
        for (const auto& choice : request->choices) {
            if (!choice->finished()) out.push_back(&choice->seq());
        }
    }
    return out;
}

EngineCore::Request& EngineCore::request_of(const Sequence& seq) {
    return *requests_.at(seq.request_id);
}

GenerationStats EngineCore::stats_of(const Request& request, const Sequence& seq) const {
    const Clock::time_point now = Clock::now();
    GenerationStats stats;
    stats.prompt_tokens = request.n_prompt_tokens;
    stats.generated_tokens = seq.n_generated();
    stats.cached_tokens = std::max(seq.n_tokens_cached, 0);
    stats.total_time_ms = ms_between(request.submitted, now);
    stats.time_to_first_token_ms =
        request.first_token ? ms_between(request.submitted, *request.first_token) : 0.0;
    stats.tokens_per_second =
        stats.total_time_ms > 0.0 ? stats.generated_tokens * 1000.0 / stats.total_time_ms : 0.0;
    return stats;
}

// Sends `event` for `choice`; a final event also frees the choice's blocks and, for an n > 1 request
// that has not forked yet, ends the choices it would have become with the same reason.
void EngineCore::deliver(Request& request, ChoiceState& choice, GenerationEvent event) {
    counters_.generated_tokens += static_cast<int64_t>(event.token_ids.size());
    if (!event.token_ids.empty() && !request.first_token) request.first_token = Clock::now();
    if (!event.finish_reason) {
        outbox_.emplace_back(request.channel, std::move(event));
        return;
    }
    Sequence& seq = choice.seq();
    const FinishReason reason = *event.finish_reason;
    if (reason.kind == FinishReason::Kind::Error) request.failed = true;
    const GenerationStats stats = stats_of(request, seq);
    event.stats = stats;
    if (seq.status != SequenceStatus::Finished) scheduler_.finish(seq);
    outbox_.emplace_back(request.channel, std::move(event));
    --request.n_open;
    for (int32_t unforked = 1; unforked < seq.n_choices_after_prefill; ++unforked) {
        GenerationEvent end;
        end.choice = unforked;
        end.finish_reason = reason;
        end.stats = stats;
        outbox_.emplace_back(request.channel, std::move(end));
        --request.n_open;
    }
    seq.n_choices_after_prefill = 1;
    if (request.n_open == 0) ended_.push_back(request.id);
}

void EngineCore::flush_events() {
    for (auto& [channel, event] : outbox_)
        channel->push(std::move(event));
    outbox_.clear();
}

void EngineCore::reap() {
    for (const uint64_t id : ended_) {
        const auto it = requests_.find(id);
        if (it == requests_.end()) continue;
        const Request& request = *it->second;
        if (request.failed) {
            ++counters_.requests_failed;
        } else if (request.cancelled) {
            ++counters_.requests_cancelled;
        } else {
            ++counters_.requests_finished;
        }
        requests_.erase(it);
    }
    ended_.clear();
}

void EngineCore::step() {
    if (idle()) return;
    const Clock::time_point start = Clock::now();
    SchedulerOutput out = scheduler_.schedule();
    counters_.preemptions += static_cast<int64_t>(out.preempted.size());
    if (out.empty()) {
        fail_unschedulable();
    } else {
        copy_kv_blocks(cache_, out.copies);
        counters_.block_copies += static_cast<int64_t>(out.copies.size());
        logits_.resize(static_cast<size_t>(out.n_logit_rows()) * static_cast<size_t>(vocab_size_));
        runner_.forward(pool_, out.batch, cache_, logits_);
        scheduler_.commit(out);
        sample(out);
    }
    reap();
    counters_.busy_seconds += std::chrono::duration<double>(Clock::now() - start).count();
}

// A step that schedules nothing while nothing runs means the head of the queue can never fit; submit
// rejects such requests, so this only guards against a hang if that check were ever wrong.
void EngineCore::fail_unschedulable() {
    if (!scheduler_.running().empty() || scheduler_.waiting().empty()) return;
    Request& request = request_of(*scheduler_.waiting().front());
    request.failed = true;
    end_request(request, FinishReason::error("internal error: request " + std::to_string(request.id) +
                                             " cannot be scheduled with an empty KV cache"));
}

// Turns the prompt-complete first sequence of an n > 1 request into n choices sharing its blocks;
// every choice samples its first token from its own copy of `row`.
void EngineCore::fork(Request& request, std::span<float> row) {
    ChoiceState& parent = *request.choices.front();
    Sequence& parent_seq = parent.seq();
    std::vector<Sequence*> children;
    for (int32_t i = 1; i < parent_seq.n_choices_after_prefill; ++i) {
        Sequence seq;
        seq.id = next_sequence_id_++;
        seq.request_id = request.id;
        seq.choice = i;
        seq.tokens = parent_seq.tokens;
        seq.n_prompt_tokens = parent_seq.n_prompt_tokens;
        seq.max_total_tokens = parent_seq.max_total_tokens;
        request.choices.push_back(std::make_unique<ChoiceState>(
            request.params, tokenizer_, std::move(seq), parent.sampler().fork(choice_seed(request.seed, i))));
        ChoiceState& child = *request.choices.back();
        if (auto error = child.make_constraint()) {
            child.seq().status = SequenceStatus::Finished;
            child.seq().n_tokens_cached = parent_seq.n_tokens_cached;
            deliver(request, child, child.end(FinishReason::error(*error)));
            continue;
        }
        children.push_back(&child.seq());
        fork_rows_.emplace_back(row.begin(), row.end());
        tasks_.push_back(SampleTask{&child, fork_rows_.back(), {}, std::nullopt});
    }
    parent_seq.n_choices_after_prefill = 1;
    scheduler_.add_forks(parent_seq, children);
}

void EngineCore::sample(const SchedulerOutput& out) {
    tasks_.clear();
    fork_rows_.clear();
    size_t row = 0;
    for (const ScheduledSequence& s : out.scheduled) {
        if (!s.want_logits) continue;
        const std::span<float> logits(logits_.data() + row * static_cast<size_t>(vocab_size_),
                                      static_cast<size_t>(vocab_size_));
        ++row;
        Request& request = request_of(*s.seq);
        ChoiceState& choice = *request.choices[static_cast<size_t>(s.seq->choice)];
        tasks_.push_back(SampleTask{&choice, logits, {}, std::nullopt});
        if (s.seq->n_choices_after_prefill > 1) fork(request, logits);
    }
    for (SampleTask& task : tasks_)
        task.early = task.choice->prepare_mask(config_.eog_token_ids, vocab_size_);
    pool_.run(static_cast<int64_t>(tasks_.size()), [this](int64_t i, int) {
        SampleTask& task = tasks_[static_cast<size_t>(i)];
        if (!task.early) task.result = task.choice->sampler().sample(task.logits, task.choice->mask());
    });
    for (SampleTask& task : tasks_) {
        Request& request = request_of(task.choice->seq());
        GenerationEvent event = task.early ? task.choice->end(*task.early)
                                           : task.choice->advance(task.result, config_.eog_token_ids);
        deliver(request, *task.choice, std::move(event));
    }
}

}  // namespace vela
