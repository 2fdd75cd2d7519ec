// ModelRunner: what the engine needs from a loaded model, and nothing more.
//
// The engine owns the KV cache and the thread pool; the runner computes one step's logits for a
// ForwardBatch, writing each token's K/V into the cache slots the batch names. Implementations: the
// transformer decoder (model/decoder.h) and, in tests, fake runners with scripted logits.
#pragma once

#include <cstdint>
#include <span>

#include "cache/kv_cache.h"
#include "model/forward_batch.h"

namespace vela {

class ThreadPool;

/// The facts about a model that size its KV cache and bound its requests.
struct RunnerShape {
    int32_t n_layers = 0;     // transformer blocks (each has its own K/V)
    int32_t n_kv_heads = 0;   // key/value heads per layer
    int32_t head_dim = 0;     // dimensions per head
    int32_t vocab_size = 0;   // logits per row
    int32_t max_context = 0;  // longest sequence the model supports (prompt + generated)
};

/// Computes logits for batches of tokens.
class ModelRunner {
  public:
    virtual ~ModelRunner() = default;
    /// The model's dimensions.
    virtual const RunnerShape& shape() const = 0;
    /// Runs one step: stores every token's K/V in `cache` at batch.slot_mapping and writes one row of
    /// vocab_size logits per sequence with want_logits (in batch.seqs order) to `logits`.
    virtual void forward(ThreadPool& pool, const ForwardBatch& batch, KvCache& cache,
                         std::span<float> logits) = 0;
};

}  // namespace vela
