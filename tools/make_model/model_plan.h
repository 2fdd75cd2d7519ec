// The shape and the random weights of a generated test model.
//
// Every tensor's values come from its own random stream, seeded by the model seed and the tensor's
// canonical name, so each output format (GGUF of any dtype, safetensors) regenerates exactly the same
// f32 values independently. Rows of the output projection that belong to special tokens are zero, so
// greedy decoding of a random model never stops at once.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/model_config.h"
#include "tensor/tensor.h"
#include "vela/core/error.h"

namespace vela::tools {

/// What the user asked the generator for.
struct ModelPlanOptions {
    std::string family = "qwen3";  // llama, mistral, qwen2, qwen3
    int32_t hidden = 64;
    int32_t layers = 2;
    int32_t heads = 4;
    int32_t kv_heads = 2;
    int32_t head_dim = 0;  // 0 = hidden / heads
    int32_t ffn = 128;
    int32_t context = 4096;
    float rope_theta = 10000.0f;
    RopeScaling rope_scaling;    // none, linear, llama3 or yarn
    int32_t sliding_window = 0;  // mistral only
    bool tied = false;           // share the embedding and output matrices
    uint64_t seed = 42;
};

/// One tensor of the model, by canonical name.
struct TensorPlan {
    std::string name;            // canonical (GGUF-style) name
    std::vector<int64_t> shape;  // outermost first
    enum class Init { Matrix, Embedding, Norm, Bias } init;
};

/// The full description of a generated model.
struct ModelPlan {
    ModelConfig config;
    std::vector<TensorPlan> tensors;
    std::vector<int32_t> special_token_ids;  // output rows set to zero
    uint64_t seed = 0;
};

/// Builds the plan for `options` and a vocabulary of `vocab_size` tokens; fails on impossible shapes.
Result<ModelPlan> make_model_plan(const ModelPlanOptions& options, int32_t vocab_size,
                                  std::vector<int32_t> special_token_ids);

/// The f32 values of `tensor` (deterministic for a plan's seed and the tensor's name).
Tensor generate_tensor(const ModelPlan& plan, const TensorPlan& tensor);

/// Reorders the rows of a Q or K projection ({n_heads * head_dim, in}) from the Hugging Face layout
/// (RoPE rotates halves) to the GGUF llama layout (RoPE rotates adjacent pairs), as GGUF converters do.
Tensor permute_for_interleaved_rope(const Tensor& weight, int32_t n_heads);

}  // namespace vela::tools
