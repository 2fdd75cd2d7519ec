// ModelManager: the seam between routes and loaded models. Routes ask it for the model a request names
// and get a lease (shared_ptr<ServedModel>) that keeps the engine alive until the request ends, even if
// the manager replaces or unloads the model meanwhile. Each model has its own admission gate, so queue
// limits are per model. Today SingleModelManager serves one model; a multi-model manager (models.yaml,
// switching, idle unload) implements the same interface.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "models/request_admission.h"
#include "vela/core/engine.h"
#include "vela/core/error.h"
#include "vela/openai/adapter.h"

namespace vela::server {

/// Where a model is in its life.
enum class ModelState : uint8_t {
    Loading,  // downloading or loading weights
    Ready,    // serving requests
    Failed,   // loading failed (the error says why)
};

/// The lower-case name of a state ("loading", "ready", "failed").
const char* to_string(ModelState state);

/// One loaded model: engine, OpenAI adapter and admission gate, shared by the requests using it.
struct ServedModel {
    std::string id;                                  // the id clients use
    std::string source;                              // the path or hub id it was loaded from
    int64_t created = 0;                             // Unix seconds when it became ready
    std::shared_ptr<InferenceEngine> engine;         // the engine
    std::unique_ptr<openai::OpenAIAdapter> adapter;  // the OpenAI APIs over the engine
    std::unique_ptr<RequestAdmission> admission;     // the model's FIFO admission gate
};

/// A model as /v1/models and /health report it.
struct ModelEntry {
    std::string id;                          // the id clients use
    std::string source;                      // the path or hub id
    ModelState state = ModelState::Loading;  // where it is in its life
    std::string error;                       // why loading failed (Failed)
    std::shared_ptr<ServedModel> model;      // the loaded model (Ready)
};

/// Finds and leases the models a server serves.
class ModelManager {
  public:
    virtual ~ModelManager() = default;
    /// Every model, in listing order.
    virtual std::vector<ModelEntry> list() const = 0;
    /// The model `name` refers to ("" and "default" mean the default model): NotFound for an unknown
    /// name, Unavailable while it loads or after loading failed.
    virtual Result<std::shared_ptr<ServedModel>> acquire(std::string_view name) const = 0;
    /// Refuses new admissions on every model (shutdown); queued requests fail with Unavailable.
    virtual void close() = 0;
};

}  // namespace vela::server
