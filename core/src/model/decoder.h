// Decoder: the one generic decoder-only transformer that runs every supported family.
//
// Pre-norm blocks: x += Attn(RMSNorm(x)); x += MLP(RMSNorm(x)), with GQA attention over the paged KV
// cache, RoPE (interleaved or NEOX pairs, with llama3/linear/YaRN scaling folded into the frequency
// table), optional QKV biases (Qwen2) and per-head QK RMSNorm (Qwen3), a SwiGLU MLP, and an output
// projection that falls back to the token embedding when the model ties them. What varies by family is
// data in ModelConfig, never a branch on the family name.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "model/model_config.h"
#include "model/model_runner.h"
#include "model/rope_table.h"
#include "model/weight_map.h"
#include "tensor/tensor.h"
#include "vela/core/error.h"

namespace vela {

/// The transformer forward pass for one model.
class Decoder final : public ModelRunner {
  public:
    /// Checks every weight `config` needs against `weights` and builds the decoder.
    static Result<std::unique_ptr<Decoder>> create(ModelConfig config, WeightMap weights);

    const RunnerShape& shape() const override { return shape_; }
    void forward(ThreadPool& pool, const ForwardBatch& batch, KvCache& cache,
                 std::span<float> logits) override;

    /// The configuration the decoder runs.
    const ModelConfig& config() const { return config_; }

  private:
    struct Layer {
        const float* attn_norm = nullptr;  // [hidden]
        TensorView wq, wk, wv,
            wo;  // {heads*head_dim, hidden}, {kv*head_dim, hidden} x2, {hidden, heads*head_dim}
        const float* bq = nullptr;        // [heads*head_dim] or null
        const float* bk = nullptr;        // [kv*head_dim] or null
        const float* bv = nullptr;        // [kv*head_dim] or null
        const float* q_norm = nullptr;    // [head_dim] or null
        const float* k_norm = nullptr;    // [head_dim] or null
        const float* ffn_norm = nullptr;  // [hidden]
        TensorView w_gate, w_up, w_down;  // {ffn, hidden} x2, {hidden, ffn}
    };
    // Activations of one forward call; grown on demand and reused.
    struct Scratch {
        std::vector<float> x, h, q, k, v, attn, gate, up, last;
        void reserve(const ModelConfig& c, int64_t n_tokens);
    };

    Decoder(ModelConfig config, WeightMap weights)
        : config_(std::move(config)), weights_(std::move(weights)) {}
    Result<void> bind_weights();
    Result<const float*> f32_vector(const std::string& name, int64_t length, bool required);
    void attention_block(ThreadPool& pool, const Layer& layer, int32_t index, const ForwardBatch& batch,
                         KvCache& cache, int64_t n_tokens);
    void mlp_block(ThreadPool& pool, const Layer& layer, int64_t n_tokens);

    ModelConfig config_;
    WeightMap weights_;
    RunnerShape shape_;
    RopeTable rope_;
    TensorView token_embd_, output_;
    const float* output_norm_ = nullptr;
    std::vector<Layer> layers_;
    std::vector<Tensor> f32_copies_;  // small vectors converted to f32 at load
    Scratch scratch_;
};

}  // namespace vela
