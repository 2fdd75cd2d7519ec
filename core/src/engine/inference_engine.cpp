// InferenceEngine: request validation on the caller's thread, and the engine thread that drains the
// inbox and steps the EngineCore. The caller-facing methods only touch immutable state (config, model
// info, tokenizer), the inbox and the published stats, so any number of threads may use them at once.
#include "vela/core/engine.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <exception>
#include <random>
#include <thread>
#include <utility>

#include "engine/engine_core.h"
#include "engine/engine_inbox.h"
#include "engine/engine_parts.h"
#include "engine/kv_budget.h"
#include "engine/request_channel.h"
#include "tensor/dtype.h"
#include "util/thread_pool.h"

namespace vela {

namespace {

using Clock = std::chrono::steady_clock;

Error invalid(std::string message) {
    return Error{Errc::InvalidArgument, std::move(message)};
}

void log_to_stderr(LogLevel level, std::string_view message) {
    static constexpr const char* kNames[] = {"debug", "info", "warning", "error"};
    std::fprintf(stderr, "vela [%s] %.*s\n", kNames[static_cast<int>(level)],
                 static_cast<int>(message.size()), message.data());
}

}  // namespace

struct InferenceEngine::Impl {
    EngineConfig config;
    ModelInfo info;
    std::unique_ptr<ModelRunner> runner;
    std::unique_ptr<Tokenizer> tokenizer;
    std::unique_ptr<ThreadPool> pool;
    std::unique_ptr<EngineCore> core;
    std::shared_ptr<detail::EngineInbox> inbox = std::make_shared<detail::EngineInbox>();
    std::atomic<uint64_t> next_request_id{1};
    Clock::time_point started = Clock::now();

    // Stats published by the engine thread after every step.
    std::atomic<int32_t> n_running{0};
    std::atomic<int32_t> n_waiting{0};
    std::atomic<int32_t> kv_blocks_used{0};
    std::atomic<int32_t> kv_blocks_cached{0};
    std::atomic<int64_t> prefix_tokens_queried{0};
    std::atomic<int64_t> prefix_tokens_hit{0};
    std::atomic<int64_t> prompt_tokens{0};
    std::atomic<int64_t> generated_tokens{0};
    std::atomic<int64_t> requests_finished{0};
    std::atomic<int64_t> requests_cancelled{0};
    std::atomic<int64_t> requests_failed{0};
    std::atomic<int64_t> preemptions{0};
    std::atomic<double> busy_seconds{0.0};

    std::thread thread;

    void run();
    void publish();
    void log(LogLevel level, const std::string& message) const {
        if (config.log) {
            config.log(level, message);
        } else {
            log_to_stderr(level, message);
        }
    }
};

void InferenceEngine::Impl::run() {
    for (;;) {
        detail::InboxBatch batch = inbox->take(core->idle());
        for (detail::NewRequest& request : batch.added)
            core->add(std::move(request));
        for (const uint64_t id : batch.cancelled)
            core->cancel(id);
        if (batch.closed) {
            core->end_all(FinishReason::cancelled());
            publish();
            core->flush_events();
            return;
        }
        try {
            core->step();
        } catch (const std::exception& e) {
            // A step that throws (out of memory, a bug) leaves no half-registered cache entries: end the
            // requests it touched and keep serving.
            const std::string message = std::string("engine step failed: ") + e.what();
            log(LogLevel::Error, message);
            core->end_all(FinishReason::error(message));
        }
        publish();
        core->flush_events();
    }
}

void InferenceEngine::Impl::publish() {
    const Scheduler& scheduler = core->scheduler();
    const EngineCounters& counters = core->counters();
    n_running.store(static_cast<int32_t>(scheduler.running().size()), std::memory_order_relaxed);
    n_waiting.store(static_cast<int32_t>(scheduler.waiting().size()), std::memory_order_relaxed);
    kv_blocks_used.store(core->block_pool().n_used(), std::memory_order_relaxed);
    kv_blocks_cached.store(core->block_pool().n_cached(), std::memory_order_relaxed);
    prefix_tokens_queried.store(scheduler.prefix_counters().n_tokens_queried, std::memory_order_relaxed);
    prefix_tokens_hit.store(scheduler.prefix_counters().n_tokens_hit, std::memory_order_relaxed);
    prompt_tokens.store(counters.prompt_tokens, std::memory_order_relaxed);
    generated_tokens.store(counters.generated_tokens, std::memory_order_relaxed);
    requests_finished.store(counters.requests_finished, std::memory_order_relaxed);
    requests_cancelled.store(counters.requests_cancelled, std::memory_order_relaxed);
    requests_failed.store(counters.requests_failed, std::memory_order_relaxed);
    preemptions.store(counters.preemptions, std::memory_order_relaxed);
    busy_seconds.store(counters.busy_seconds, std::memory_order_relaxed);
}

namespace detail {

Result<std::unique_ptr<InferenceEngine>> make_engine(const EngineConfig& config, EngineParts&& parts) {
    if (auto ok = validate(config); !ok) return std::move(ok).error();
    if (!parts.runner || !parts.tokenizer)
        return Error{Errc::InvalidArgument, "engine: no model runner or tokenizer"};
    auto impl = std::make_unique<InferenceEngine::Impl>();
    impl->config = config;
    const RunnerShape& shape = parts.runner->shape();
    int32_t context = shape.max_context;
    if (config.max_sequence_length) {
        if (*config.max_sequence_length > shape.max_context) {
            return invalid("engine config: max_sequence_length " +
                           std::to_string(*config.max_sequence_length) + " exceeds the model's context of " +
                           std::to_string(shape.max_context) + " tokens");
        }
        context = *config.max_sequence_length;
    }
    KvCacheShape cache{shape.n_layers,
                       shape.n_kv_heads,
                       shape.head_dim,
                       config.block_size,
                       0,
                       config.kv_cache_dtype == "f32" ? DType::F32 : DType::F16};
    auto budget = plan_kv_budget(config, cache, context);
    if (!budget) return std::move(budget).error();
    cache.n_blocks = budget->n_blocks;
    const int64_t n_cache_tokens = int64_t{cache.n_blocks} * cache.block_size;
    const auto max_sequence_length = static_cast<int32_t>(std::min<int64_t>(context, n_cache_tokens));

    std::vector<TokenId> eog = parts.eog_token_ids;
    if (eog.empty()) {
        const auto from_tokenizer = parts.tokenizer->end_of_generation_ids();
        eog.assign(from_tokenizer.begin(), from_tokenizer.end());
    }
    std::sort(eog.begin(), eog.end());
    eog.erase(std::unique(eog.begin(), eog.end()), eog.end());

    ModelInfo& info = impl->info;
    info = std::move(parts.info);
    info.model_path = config.model_path;
    info.vocab_size = shape.vocab_size;
    info.context_length = context;
    info.max_sequence_length = max_sequence_length;
    info.max_num_seqs = config.max_num_seqs;
    info.block_size = config.block_size;
    info.n_kv_blocks = cache.n_blocks;
    info.kv_cache_bytes = budget->n_bytes;
    info.kv_cache_dtype = config.kv_cache_dtype;
    info.eog_token_ids = eog;

    const int32_t n_threads = config.n_threads > 0
                                  ? config.n_threads
                                  : std::max(1, static_cast<int32_t>(std::thread::hardware_concurrency()));
    impl->log(LogLevel::Info,
              "KV cache: " + std::to_string(cache.n_blocks) + " blocks of " +
                  std::to_string(cache.block_size) + " tokens (" + std::to_string(n_cache_tokens) +
                  " tokens, " + std::to_string(budget->n_bytes / (1024 * 1024)) + " MiB, " +
                  config.kv_cache_dtype + "); longest sequence: " + std::to_string(max_sequence_length) +
                  " tokens (model context " + std::to_string(shape.max_context) + "); " +
                  std::to_string(n_threads) + " threads");
    if (n_cache_tokens < context) {
        impl->log(LogLevel::Warning, "the KV cache holds fewer tokens (" + std::to_string(n_cache_tokens) +
                                         ") than the model context (" + std::to_string(context) +
                                         "); raise kv_cache_bytes to allow longer sequences");
    }

    impl->runner = std::move(parts.runner);
    impl->tokenizer = std::move(parts.tokenizer);
    impl->pool = std::make_unique<ThreadPool>(n_threads);
    impl->core = std::make_unique<EngineCore>(
        *impl->runner, *impl->tokenizer, *impl->pool,
        EngineCoreConfig{
            SchedulerConfig{config.max_num_seqs, config.max_num_batched_tokens, config.prefill_chunk_size},
            cache, max_sequence_length, std::move(eog)});
    InferenceEngine::Impl* raw = impl.get();
    raw->thread = std::thread([raw] { raw->run(); });
    return std::unique_ptr<InferenceEngine>(new InferenceEngine(std::move(impl)));
}

}  // namespace detail

InferenceEngine::InferenceEngine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

InferenceEngine::~InferenceEngine() {
    impl_->inbox->close();
    const EngineStats now = stats();
    impl_->log(LogLevel::Info, "shutting down; " + std::to_string(now.n_running + now.n_waiting) +
                                   " sequences still running or waiting end with Cancelled");
    if (impl_->thread.joinable()) impl_->thread.join();
}

InferenceEngineBuilder InferenceEngine::builder() {
    return InferenceEngineBuilder{};
}

std::vector<TokenId> InferenceEngine::tokenize(std::string_view text, bool add_special) const {
    return impl_->tokenizer->encode(text, EncodeOptions{.add_special = add_special});
}

std::string InferenceEngine::detokenize(std::span<const TokenId> ids, bool skip_special) const {
    return impl_->tokenizer->decode(ids, DecodeOptions{.skip_special = skip_special});
}

const Tokenizer& InferenceEngine::tokenizer() const {
    return *impl_->tokenizer;
}

const ModelInfo& InferenceEngine::model_info() const {
    return impl_->info;
}

Result<RequestHandle> InferenceEngine::submit(std::span<const TokenId> prompt,
                                              const GenerationParams& params) {
    if (auto ok = validate(params); !ok) return std::move(ok).error();
    const ModelInfo& info = impl_->info;
    if (prompt.empty()) return invalid("the prompt is empty: a request needs at least one token");
    for (size_t i = 0; i < prompt.size(); ++i) {
        if (prompt[i] < 0 || prompt[i] >= info.vocab_size) {
            return invalid("prompt token " + std::to_string(i) + " is id " + std::to_string(prompt[i]) +
                           ", outside the model's vocabulary [0, " + std::to_string(info.vocab_size) + ")");
        }
    }
    const auto n_prompt = static_cast<int64_t>(prompt.size());
    if (n_prompt >= info.max_sequence_length) {
        const bool by_context = info.max_sequence_length == info.context_length;
        return invalid(
            "the prompt has " + std::to_string(n_prompt) + " tokens, but " +
            (by_context ? "the model context allows " + std::to_string(info.context_length)
                        : "the KV cache (" + std::to_string(info.n_kv_blocks) + " blocks of " +
                              std::to_string(info.block_size) + ") holds " +
                              std::to_string(info.max_sequence_length)) +
            " tokens for prompt and output together, leaving no room to generate; shorten the prompt" +
            (by_context ? "" : " or raise kv_cache_bytes"));
    }
    if (params.n > info.max_num_seqs) {
        return invalid("n = " + std::to_string(params.n) + " choices exceed max_num_seqs = " +
                       std::to_string(info.max_num_seqs) + ", the most sequences the engine runs at once");
    }
    const auto out_of_vocab = [&](TokenId id) { return id < 0 || id >= info.vocab_size; };
    for (const auto& [id, bias] : params.logit_bias) {
        if (out_of_vocab(id))
            return invalid("logit_bias names token " + std::to_string(id) + ", outside the vocabulary");
    }
    for (const TokenId id : params.stop_token_ids) {
        if (out_of_vocab(id))
            return invalid("stop_token_ids has token " + std::to_string(id) + ", outside the vocabulary");
    }

    detail::NewRequest request;
    request.id = impl_->next_request_id.fetch_add(1);
    request.prompt.assign(prompt.begin(), prompt.end());
    request.params = params;
    request.seed =
        params.seed ? *params.seed : (uint64_t{std::random_device{}()} << 32) ^ std::random_device{}();
    request.channel = std::make_shared<detail::RequestChannel>(request.id, params.n, impl_->inbox);
    request.submitted = Clock::now();
    auto channel = request.channel;
    if (!impl_->inbox->post(std::move(request))) {
        return Error{Errc::Unavailable, "the engine is shutting down and accepts no new requests"};
    }
    return RequestHandle(std::move(channel));
}

Result<std::vector<GenerationOutput>> InferenceEngine::generate_n(std::span<const TokenId> prompt,
                                                                  const GenerationParams& params) {
    auto handle = submit(prompt, params);
    if (!handle) return std::move(handle).error();
    return handle->collect();
}

Result<GenerationOutput> InferenceEngine::generate(std::span<const TokenId> prompt,
                                                   const GenerationParams& params) {
    if (params.n != 1) {
        return invalid("generate returns one choice but n = " + std::to_string(params.n) +
                       "; use generate_n");
    }
    auto outputs = generate_n(prompt, params);
    if (!outputs) return std::move(outputs).error();
    return std::move(outputs->front());
}

Result<RequestHandle> InferenceEngine::generate_stream(std::span<const TokenId> prompt,
                                                       const GenerationParams& params) {
    return submit(prompt, params);
}

Result<std::vector<GenerationOutput>> InferenceEngine::generate_stream(std::span<const TokenId> prompt,
                                                                       const GenerationParams& params,
                                                                       const GenerationCallback& on_event) {
    auto handle = submit(prompt, params);
    if (!handle) return std::move(handle).error();
    std::vector<GenerationOutput> outputs;
    std::vector<bool> finished(static_cast<size_t>(params.n), false);
    while (const auto event = handle->next()) {
        accumulate(outputs, *event);
        if (event->finish_reason) finished[static_cast<size_t>(event->choice)] = true;
        if (on_event(*event)) continue;
        // The caller stopped: the outputs hold exactly what it was shown, and every choice it did not
        // see finish ends with Cancelled. The handle's destructor cancels the request in the engine.
        GenerationEvent none;
        none.choice = params.n - 1;
        accumulate(outputs, none);
        for (size_t i = 0; i < outputs.size(); ++i) {
            if (!finished[i]) outputs[i].finish_reason = FinishReason::cancelled();
        }
        break;
    }
    return outputs;
}

EngineStats InferenceEngine::stats() const {
    const Impl& impl = *impl_;
    EngineStats stats;
    stats.n_running = impl.n_running.load(std::memory_order_relaxed);
    stats.n_waiting = impl.n_waiting.load(std::memory_order_relaxed);
    stats.kv_blocks_used = impl.kv_blocks_used.load(std::memory_order_relaxed);
    stats.kv_blocks_total = impl.info.n_kv_blocks;
    stats.kv_blocks_cached = impl.kv_blocks_cached.load(std::memory_order_relaxed);
    const int64_t queried = impl.prefix_tokens_queried.load(std::memory_order_relaxed);
    stats.prefix_cache_hit_rate =
        queried > 0 ? static_cast<double>(impl.prefix_tokens_hit.load(std::memory_order_relaxed)) /
                          static_cast<double>(queried)
                    : 0.0;
    stats.prompt_tokens = impl.prompt_tokens.load(std::memory_order_relaxed);
    stats.generated_tokens = impl.generated_tokens.load(std::memory_order_relaxed);
    const double busy = impl.busy_seconds.load(std::memory_order_relaxed);
    stats.tokens_per_second = busy > 0.0 ? static_cast<double>(stats.generated_tokens) / busy : 0.0;
    stats.requests_finished = impl.requests_finished.load(std::memory_order_relaxed);
    stats.requests_cancelled = impl.requests_cancelled.load(std::memory_order_relaxed);
    stats.requests_failed = impl.requests_failed.load(std::memory_order_relaxed);
    stats.preemptions = impl.preemptions.load(std::memory_order_relaxed);
    stats.uptime_ms = std::chrono::duration<double, std::milli>(Clock::now() - impl.started).count();
    return stats;
}

}  // namespace vela
