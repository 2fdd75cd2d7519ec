// InferenceEngine: the embeddable serving engine: load a model once, then generate from any number of
// threads at once; concurrent requests are batched together by one engine thread.
//
// Typical use:
//   auto engine = vela::InferenceEngine::builder().model_path("model.gguf").build();
//   auto ids = (*engine)->tokenize("Hello");
//   auto out = (*engine)->generate(ids, {.max_tokens = 32, .temperature = 0.0f});
// Requests are validated when submitted: a prompt that can never fit (longer than the context or the
// whole KV cache) or out-of-range parameters are an error right away, never a hang. A request that
// fails later ends its own stream with FinishReason::Error; the engine keeps serving the others.
// Destroying the engine cancels every request still running (each ends with Cancelled) and joins the
// engine thread.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vela/core/config.h"
#include "vela/core/error.h"
#include "vela/core/model_info.h"
#include "vela/core/output.h"
#include "vela/core/params.h"
#include "vela/core/request_handle.h"
#include "vela/core/stats.h"
#include "vela/core/tokenizer.h"
#include "vela/core/types.h"

namespace vela {

class InferenceEngine;

namespace detail {
struct EngineParts;
/// Builds an engine around an already loaded model (tests, benchmarks); see engine/engine_parts.h.
Result<std::unique_ptr<InferenceEngine>> make_engine(const EngineConfig& config, EngineParts&& parts);
}  // namespace detail

/// Configures and builds an InferenceEngine (the EngineConfig setters, then build()).
class InferenceEngineBuilder : public EngineConfigSetters<InferenceEngineBuilder> {
  public:
    /// Validates the configuration, loads the model and starts the engine thread.
    Result<std::unique_ptr<InferenceEngine>> build() const;
};

/// Called with each event of a streamed request; return false to cancel the request.
using GenerationCallback = std::function<bool(const GenerationEvent& event)>;

/// A loaded model behind a batching engine thread.
class InferenceEngine {
  public:
    /// A builder with every EngineConfig field at its default.
    static InferenceEngineBuilder builder();
    /// Validates `config`, loads the model and starts the engine thread.
    static Result<std::unique_ptr<InferenceEngine>> create(const EngineConfig& config);
    /// Cancels every running request and joins the engine thread.
    ~InferenceEngine();
    InferenceEngine(const InferenceEngine&) = delete;
    InferenceEngine& operator=(const InferenceEngine&) = delete;

    /// The token ids of `text`; with `add_special`, BOS/EOS are added as the model's tokenizer says.
    std::vector<TokenId> tokenize(std::string_view text, bool add_special = true) const;
    /// The text of `ids`; special tokens are written out unless `skip_special`.
    std::string detokenize(std::span<const TokenId> ids, bool skip_special = false) const;
    /// The model's tokenizer (immutable; safe to share between threads).
    const Tokenizer& tokenizer() const;

    /// Queues a request; its events arrive through the returned handle.
    Result<RequestHandle> submit(std::span<const TokenId> prompt, const GenerationParams& params);
    /// Generates one choice (params.n must be 1) and waits for it.
    Result<GenerationOutput> generate(std::span<const TokenId> prompt, const GenerationParams& params);
    /// Generates params.n choices and waits for all of them (one output per choice).
    Result<std::vector<GenerationOutput>> generate_n(std::span<const TokenId> prompt,
                                                     const GenerationParams& params);
    /// Streams a request: iterate the returned handle (the pull form; same as submit).
    Result<RequestHandle> generate_stream(std::span<const TokenId> prompt, const GenerationParams& params);
    /// Streams a request to `on_event` on the calling thread, then returns one output per choice; when
    /// `on_event` returns false the request is cancelled and the outputs hold what it was shown.
    Result<std::vector<GenerationOutput>> generate_stream(std::span<const TokenId> prompt,
                                                          const GenerationParams& params,
                                                          const GenerationCallback& on_event);

    /// The model and the engine's limits.
    const ModelInfo& model_info() const;
    /// A snapshot of the engine's load and counters.
    EngineStats stats() const;

  private:
    struct Impl;
    explicit InferenceEngine(std::unique_ptr<Impl> impl);
    friend Result<std::unique_ptr<InferenceEngine>> detail::make_engine(const EngineConfig& config,
                                                                        detail::EngineParts&& parts);
    std::unique_ptr<Impl> impl_;
};

}  // namespace vela
