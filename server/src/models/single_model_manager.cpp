#include "models/single_model_manager.h"

#include <chrono>
#include <cstdio>
#include <fstream>

namespace vela::server {

namespace {

int64_t unix_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// The hub token: --hf-token or HF_TOKEN (already in config.hf_token), else the token file.
std::string hub_token(const ServeConfig& config) {
    if (!config.hf_token.empty()) return config.hf_token;
    if (config.hf_token_path.empty()) return {};
    std::ifstream in(config.hf_token_path);
    std::string token;
    std::getline(in, token);
    while (!token.empty() && (token.back() == '\r' || token.back() == ' '))
        token.pop_back();
    return token;
}

std::string mib(int64_t bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
    return buf;
}

}  // namespace

const char* to_string(ModelState state) {
    static constexpr const char* kNames[] = {"loading", "ready", "failed"};
    return kNames[static_cast<int>(state)];
}

EngineConfig make_engine_config(const ServeConfig& config, const std::string& model_path) {
    EngineConfig engine;
    engine.model_path = model_path;
    engine.n_threads = config.n_threads;
    engine.max_num_seqs = config.max_num_seqs;
    engine.max_num_batched_tokens = config.max_num_batched_tokens;
    engine.block_size = config.block_size;
    engine.kv_cache_bytes = config.kv_cache_bytes;
    engine.prefill_chunk_size = config.prefill_chunk_size;
    engine.max_sequence_length = config.max_model_len;
    // The engine converts weights only to quantized types (--isq); --dtype sets the KV cache type alone.
    engine.isq = config.isq;
    engine.kv_cache_dtype =
        !config.kv_cache_dtype.empty() ? config.kv_cache_dtype : (config.dtype == "f32" ? "f32" : "f16");
    return engine;
}

openai::AdapterConfig make_adapter_config(const ServeConfig& config, const std::string& model_id) {
    openai::AdapterConfig adapter;
    adapter.model_id = model_id;
    adapter.temperature = config.sampling.temperature;
    adapter.top_p = config.sampling.top_p;
    adapter.top_k = config.sampling.top_k;
    adapter.min_p = config.sampling.min_p;
    adapter.presence_penalty = config.sampling.presence_penalty;
    adapter.frequency_penalty = config.sampling.frequency_penalty;
    return adapter;
}

SingleModelManager::SingleModelManager(ServeConfig config, ModelSource source, std::shared_ptr<Logger> logger)
    : config_(std::move(config)), source_(std::move(source)), logger_(std::move(logger)) {}

SingleModelManager::~SingleModelManager() {
    close();
    if (loader_.joinable()) loader_.join();
}

void SingleModelManager::start_loading(std::function<void(const Result<void>&)> on_done) {
    loader_ = std::thread([this, on_done = std::move(on_done)] {
        auto model = load();
        Result<void> outcome;
        {
            const std::lock_guard lock(mutex_);
            if (model) {
                model_ = std::move(*model);
                if (closed_) model_->admission->close();
                state_ = ModelState::Ready;
            } else {
                state_ = ModelState::Failed;
                error_ = model.error().message();
                outcome = model.error();
            }
        }
        if (on_done) on_done(outcome);
    });
}

Result<std::shared_ptr<ServedModel>> SingleModelManager::load() {
    HubOptions hub;
    hub.endpoint = config_.hub_endpoint;
    hub.token = hub_token(config_);
    hub.cache_dir = config_.hub_cache_dir.empty() ? std::string(".vela-downloads") : config_.hub_cache_dir;
    hub.revision = config_.revision;
    hub.progress = [logger = logger_, repo = source_.repo](const std::string& file, int64_t received,
                                                           int64_t total) {
        std::string line = "downloading " + repo + "/" + file + ": " + mib(received);
        if (total > 0) {
            line += " of " + mib(total) + " (" + std::to_string(received * 100 / total) + "%)";
        }
        logger->info(line);
    };
    hub.cancelled = [this] {
        const std::lock_guard lock(mutex_);
        return closed_;
    };
    if (source_.kind != ModelSource::Kind::Local) {
        logger_->info("fetching " + source_.repo + (source_.file.empty() ? "" : "/" + source_.file) +
                      " from " +
                      (hub.endpoint.empty() ? std::string("https://huggingface.co") : hub.endpoint) +
                      " into " + hub.cache_dir.string());
    }
    HubDownloader downloader(hub);
    auto path = fetch_model(source_, downloader);
    if (!path) return path.error();
    logger_->info("loading " + source_.model_id + " from " + path->string());

    EngineConfig engine_config = make_engine_config(config_, path->string());
    engine_config.log = logger_->engine_sink();
    auto engine = InferenceEngine::create(engine_config);
    if (!engine) return engine.error();
    std::shared_ptr<InferenceEngine> shared_engine = std::move(*engine);
    auto adapter =
        openai::OpenAIAdapter::create(shared_engine, make_adapter_config(config_, source_.model_id));
    if (!adapter) return adapter.error();

    auto model = std::make_shared<ServedModel>();
    model->id = source_.model_id;
    model->source = source_.kind == ModelSource::Kind::Local ? source_.local_path.string() : source_.repo;
    model->created = unix_seconds();
    model->engine = shared_engine;
    model->adapter = std::move(*adapter);
    model->admission = std::make_unique<RequestAdmission>(
        config_.max_num_seqs, config_.queue_size,
        std::chrono::milliseconds(static_cast<int64_t>(config_.request_timeout_s * 1000.0)));

    const ModelInfo& info = shared_engine->model_info();
    const openai::AdapterCapabilities& caps = model->adapter->capabilities();
    logger_->info("model " + model->id + " ready: " + info.architecture + ", " + info.weight_dtype +
                  ", context " + std::to_string(info.context_length) + ", max sequence " +
                  std::to_string(info.max_sequence_length) + " tokens, KV cache " +
                  std::to_string(info.n_kv_blocks) + " blocks of " + std::to_string(info.block_size) + " (" +
                  mib(info.kv_cache_bytes) + ", " + info.kv_cache_dtype +
                  "), chat template: " + caps.chat_template_origin +
                  (caps.builtin_template.empty() ? "" : " (" + caps.builtin_template + ")") +
                  ", tool calls: " + caps.tool_format +
                  (caps.reasoning_format.empty() ? "" : ", reasoning: " + caps.reasoning_format));
    return model;
}

std::vector<ModelEntry> SingleModelManager::list() const {
    const std::lock_guard lock(mutex_);
    ModelEntry entry;
    entry.id = source_.model_id;
    entry.source = source_.kind == ModelSource::Kind::Local ? source_.local_path.string() : source_.repo;
    entry.state = state_;
    entry.error = error_;
    entry.model = model_;
    return {entry};
}

Result<std::shared_ptr<ServedModel>> SingleModelManager::acquire(std::string_view name) const {
    const bool known = name.empty() || name == "default" || name == source_.model_id ||
                       (!config_.model.empty() && name == config_.model);
    if (!known) {
        return Error{Errc::NotFound, "the model '" + std::string(name) +
                                         "' does not exist; this server serves '" + source_.model_id +
                                         "' (see GET /v1/models)"};
    }
    const std::lock_guard lock(mutex_);
    if (state_ == ModelState::Loading) {
        return Error{Errc::Unavailable, "the model '" + source_.model_id +
                                            "' is still loading; retry when GET /health answers 200"};
    }
    if (state_ == ModelState::Failed) {
        return Error{Errc::Unavailable, "the model '" + source_.model_id + "' failed to load: " + error_};
    }
    return model_;
}

void SingleModelManager::close() {
    const std::lock_guard lock(mutex_);
    closed_ = true;
    if (model_) model_->admission->close();
}

}  // namespace vela::server
