// EngineConfig: everything needed to build an InferenceEngine, with a fluent builder that validates.
//
// Field rules (checked by validate() and by the builders' build()):
// - model_path must not be empty; device must be "cpu" (GPU devices are recognized and refused until a
//   GPU backend exists);
// - n_threads >= 0 (0 = all hardware threads); max_num_seqs >= 1 (the batch size);
//   max_num_batched_tokens >= max_num_seqs, so every running sequence can decode in one step (the
//   default, 512, bounds how long a prompt's prefill chunk can stall the running decodes: on a CPU a
//   512-token step of a small model takes about a second, and longer steps barely raise throughput);
// - block_size in [1, 256]; prefill_chunk_size is 0 (no cap beyond the step budget) or a positive
//   multiple of block_size, so chunk boundaries fall on block boundaries and each chunk's blocks can be
//   shared through the prefix cache as soon as it is computed (the original's rule, multiples of 1024,
//   was arbitrary for a CPU engine whose steps are a few hundred tokens);
// - kv_cache_bytes, when set, is > 0; kv_cache_fraction, when set, is in (0, 1]; at most one of them;
//   with neither, the budget is 25% of available memory, capped at what max_num_seqs sequences of full
//   context can use;
// - max_sequence_length, when set, is >= 1 (and at most the model's context, checked at load);
// - isq is empty or a dtype name ("q8_0", "q4_k", ...); kv_cache_dtype is "f16" or "f32".
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "vela/core/error.h"

namespace vela {

/// Severity of an engine log line.
enum class LogLevel : uint8_t { Debug, Info, Warning, Error };

/// Receives engine log lines (start-up facts, warnings); called from the thread that logs.
using LogCallback = std::function<void(LogLevel level, std::string_view message)>;

class EngineConfigBuilder;

/// How to build an engine: the model, the device, the batch and KV cache limits.
struct EngineConfig {
    std::string model_path;                      // a .gguf file or a Hugging Face model folder
    std::string device = "cpu";                  // compute device; only "cpu" exists today
    int32_t n_threads = 0;                       // kernel threads; 0 = std::thread::hardware_concurrency()
    int32_t max_num_seqs = 16;                   // most sequences in one step (the batch size)
    int32_t max_num_batched_tokens = 512;        // most tokens in one step, all sequences together
    int32_t block_size = 16;                     // token slots per KV block
    std::optional<int64_t> kv_cache_bytes;       // KV budget in bytes; unset = use kv_cache_fraction
    std::optional<double> kv_cache_fraction;     // KV budget as a fraction of available memory
    int32_t prefill_chunk_size = 0;              // most prompt tokens of one sequence per step; 0 = no cap
    std::optional<int32_t> max_sequence_length;  // caps prompt + generated tokens below the model's context
    std::string isq;                     // quantize F32/F16/BF16 weights at load to this dtype; "" = off
    std::string kv_cache_dtype = "f16";  // element type of the KV cache: "f16" or "f32"
    LogCallback log;                     // where log lines go; empty = stderr

    /// A configuration for the model at `path` with every other field at its default.
    static EngineConfig from_model_path(std::string path);
    /// A builder starting from the defaults.
    static EngineConfigBuilder builder();
};

/// Checks every field rule listed at the top of this header.
Result<void> validate(const EngineConfig& config);

/// Fluent setters shared by EngineConfigBuilder and InferenceEngineBuilder (one per EngineConfig field).
template <class Self>
class EngineConfigSetters {
  public:
    /// Sets EngineConfig::model_path.
    Self& model_path(std::string path) { return set(&EngineConfig::model_path, std::move(path)); }
    /// Sets EngineConfig::device.
    Self& device(std::string name) { return set(&EngineConfig::device, std::move(name)); }
    /// Sets EngineConfig::n_threads.
    Self& n_threads(int32_t n) { return set(&EngineConfig::n_threads, n); }
    /// Sets EngineConfig::max_num_seqs.
    Self& max_num_seqs(int32_t n) { return set(&EngineConfig::max_num_seqs, n); }
    /// Sets EngineConfig::max_num_seqs (the seed's name for it).
    Self& max_batch_size(int32_t n) { return set(&EngineConfig::max_num_seqs, n); }
    /// Sets EngineConfig::max_num_batched_tokens.
    Self& max_num_batched_tokens(int32_t n) { return set(&EngineConfig::max_num_batched_tokens, n); }
    /// Sets EngineConfig::block_size.
    Self& block_size(int32_t n) { return set(&EngineConfig::block_size, n); }
    /// Sets EngineConfig::kv_cache_bytes.
    Self& kv_cache_bytes(int64_t bytes) {
        return set(&EngineConfig::kv_cache_bytes, std::optional<int64_t>(bytes));
    }
    /// Sets EngineConfig::kv_cache_bytes (the seed's name for it).
    Self& kv_cache_memory(int64_t bytes) { return kv_cache_bytes(bytes); }
    /// Sets EngineConfig::kv_cache_fraction.
    Self& kv_cache_fraction(double f) {
        return set(&EngineConfig::kv_cache_fraction, std::optional<double>(f));
    }
    /// Sets EngineConfig::prefill_chunk_size.
    Self& prefill_chunk_size(int32_t n) { return set(&EngineConfig::prefill_chunk_size, n); }
    /// Sets EngineConfig::max_sequence_length.
    Self& max_sequence_length(int32_t n) {
        return set(&EngineConfig::max_sequence_length, std::optional<int32_t>(n));
    }
    /// Sets EngineConfig::isq.
    Self& isq(std::string dtype) { return set(&EngineConfig::isq, std::move(dtype)); }
    /// Sets EngineConfig::kv_cache_dtype.
    Self& kv_cache_dtype(std::string dtype) { return set(&EngineConfig::kv_cache_dtype, std::move(dtype)); }
    /// Sets EngineConfig::log.
    Self& log(LogCallback callback) { return set(&EngineConfig::log, std::move(callback)); }
    /// Replaces every field with those of `config`.
    Self& config(EngineConfig config) {
        config_ = std::move(config);
        return static_cast<Self&>(*this);
    }
    /// The configuration so far, not yet validated.
    const EngineConfig& peek() const { return config_; }

  protected:
    EngineConfig config_;  // the configuration being built

  private:
    template <class T, class V>
    Self& set(T EngineConfig::*field, V&& value) {
        config_.*field = std::forward<V>(value);
        return static_cast<Self&>(*this);
    }
};

/// Builds a validated EngineConfig.
class EngineConfigBuilder : public EngineConfigSetters<EngineConfigBuilder> {
  public:
    /// The configuration, or the first rule it breaks.
    Result<EngineConfig> build() const;
};

inline EngineConfigBuilder EngineConfig::builder() {
    return EngineConfigBuilder{};
}

}  // namespace vela
