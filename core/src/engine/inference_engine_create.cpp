// InferenceEngine::create: validates the configuration, loads the model with load_model and hands it to
// the engine. Kept apart from inference_engine.cpp so engines built around fake runners (tests,
// benchmarks of the engine alone) do not link the model loader.
#include "engine/engine_parts.h"
#include "model/model_loader.h"
#include "tensor/dtype.h"
#include "vela/core/engine.h"

namespace vela {

Result<std::unique_ptr<InferenceEngine>> InferenceEngine::create(const EngineConfig& config) {
    if (auto ok = validate(config); !ok) return std::move(ok).error();
    LoadOptions options;
    if (!config.isq.empty()) options.isq = dtype_from_name(config.isq);
    auto loaded = load_model(config.model_path, options);
    if (!loaded) return std::move(loaded).error();
    detail::EngineParts parts;
    parts.runner = std::move(loaded->runner);
    parts.tokenizer = std::move(loaded->tokenizer);
    parts.eog_token_ids = std::move(loaded->eog_token_ids);
    ModelInfo& info = parts.info;
    info.name = std::move(loaded->name);
    info.architecture = std::move(loaded->architecture);
    info.weight_dtype = std::move(loaded->weight_dtype);
    const GenerationDefaults& defaults = loaded->defaults;
    info.default_temperature = defaults.temperature;
    info.default_top_p = defaults.top_p;
    info.default_top_k = defaults.top_k;
    info.default_min_p = defaults.min_p;
    info.default_repetition_penalty = defaults.repetition_penalty;
    info.default_max_tokens = defaults.max_new_tokens;
    return detail::make_engine(config, std::move(parts));
}

Result<std::unique_ptr<InferenceEngine>> InferenceEngineBuilder::build() const {
    return InferenceEngine::create(config_);
}

}  // namespace vela
