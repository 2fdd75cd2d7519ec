// Validation of EngineConfig (the rules are listed in vela/core/config.h).
#include <string>

#include "tensor/dtype.h"
#include "vela/core/config.h"

namespace vela {

namespace {

Error invalid(const std::string& message) {
    return Error{Errc::InvalidArgument, "engine config: " + message};
}

Result<void> validate_device(const std::string& device) {
    if (device == "cpu") return {};
    const std::string family = device.substr(0, device.find(':'));
    if (family == "cuda" || family == "gpu" || family == "metal" || family == "rocm") {
        return Error{Errc::Unsupported, "engine config: device '" + device +
                                            "' needs a GPU backend, and this build of vela has none; "
                                            "use device \"cpu\""};
    }
    return invalid("unknown device '" + device + "'; expected \"cpu\"");
}

}  // namespace

EngineConfig EngineConfig::from_model_path(std::string path) {
    EngineConfig config;
    config.model_path = std::move(path);
    return config;
}

Result<void> validate(const EngineConfig& config) {
    if (config.model_path.empty()) {
        return invalid("model_path is required: set it to a .gguf file or a Hugging Face model folder");
    }
    if (auto device = validate_device(config.device); !device) return device;
    if (config.n_threads < 0) {
        return invalid("n_threads must be >= 0 (0 = all hardware threads), got " +
                       std::to_string(config.n_threads));
    }
    if (config.max_num_seqs < 1) {
        return invalid("max_num_seqs (batch size) must be >= 1, got " + std::to_string(config.max_num_seqs));
    }
    if (config.max_num_batched_tokens < config.max_num_seqs) {
        return invalid("max_num_batched_tokens must be >= max_num_seqs (" +
                       std::to_string(config.max_num_seqs) +
                       ") so every running sequence can decode in one step, got " +
                       std::to_string(config.max_num_batched_tokens));
    }
    if (config.block_size < 1 || config.block_size > 256) {
        return invalid("block_size must be in [1, 256], got " + std::to_string(config.block_size));
    }
    if (config.prefill_chunk_size < 0 ||
        (config.prefill_chunk_size > 0 && config.prefill_chunk_size % config.block_size != 0)) {
        return invalid("prefill_chunk_size must be 0 (no cap) or a positive multiple of block_size (" +
                       std::to_string(config.block_size) + "), got " +
                       std::to_string(config.prefill_chunk_size));
    }
    if (config.kv_cache_bytes && config.kv_cache_fraction) {
        return invalid("set either kv_cache_bytes or kv_cache_fraction, not both");
    }
    if (config.kv_cache_bytes && *config.kv_cache_bytes <= 0) {
        return invalid("kv_cache_bytes (KV memory) must be > 0, got " +
                       std::to_string(*config.kv_cache_bytes));
    }
    if (config.kv_cache_fraction && !(*config.kv_cache_fraction > 0.0 && *config.kv_cache_fraction <= 1.0)) {
        return invalid("kv_cache_fraction (KV memory) must be in (0, 1], got " +
                       std::to_string(*config.kv_cache_fraction));
    }
    if (config.max_sequence_length && *config.max_sequence_length < 1) {
        return invalid("max_sequence_length must be >= 1, got " +
                       std::to_string(*config.max_sequence_length));
    }
    if (!config.isq.empty() && !dtype_from_name(config.isq)) {
        return invalid("unknown isq dtype '" + config.isq +
                       "'; expected a type name such as q8_0, q4_k or f16");
    }
    if (config.kv_cache_dtype != "f16" && config.kv_cache_dtype != "f32") {
        return invalid("kv_cache_dtype must be \"f16\" or \"f32\", got '" + config.kv_cache_dtype + "'");
    }
    return {};
}

Result<EngineConfig> EngineConfigBuilder::build() const {
    if (auto ok = validate(config_); !ok) return std::move(ok).error();
    return config_;
}

}  // namespace vela
