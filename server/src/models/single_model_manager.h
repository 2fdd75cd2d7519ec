// SingleModelManager: serves exactly one model, loaded (and downloaded first when it comes from the hub)
// on a background thread so the port is open and GET /health answers 503 while it loads. The model is
// known by its id, by "default", by the --m value and, leniently, by an empty name.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <thread>

#include "log/logger.h"
#include "models/model_manager.h"
#include "models/model_source.h"
#include "vela/server/serve_config.h"

namespace vela::server {

/// The engine configuration `config` asks for, for the model at `model_path`.
EngineConfig make_engine_config(const ServeConfig& config, const std::string& model_path);
/// The adapter configuration (model id, sampling defaults) `config` asks for.
openai::AdapterConfig make_adapter_config(const ServeConfig& config, const std::string& model_id);

/// A ModelManager holding one model.
class SingleModelManager final : public ModelManager {
  public:
    /// A manager for the model `source` describes; nothing loads until start_loading().
    SingleModelManager(ServeConfig config, ModelSource source, std::shared_ptr<Logger> logger);
    /// Waits for a load in progress to end (it cannot be interrupted mid-file).
    ~SingleModelManager() override;

    /// Starts downloading/loading in the background; `on_done` gets the error, or success, when it ends.
    void start_loading(std::function<void(const Result<void>&)> on_done);

    std::vector<ModelEntry> list() const override;
    Result<std::shared_ptr<ServedModel>> acquire(std::string_view name) const override;
    void close() override;

  private:
    Result<std::shared_ptr<ServedModel>> load();

    const ServeConfig config_;
    const ModelSource source_;
    std::shared_ptr<Logger> logger_;
    mutable std::mutex mutex_;
    ModelState state_ = ModelState::Loading;
    std::string error_;
    std::shared_ptr<ServedModel> model_;
    bool closed_ = false;
    std::thread loader_;
};

}  // namespace vela::server
