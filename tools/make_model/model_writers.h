// Writers of a generated model: a GGUF file of one weight dtype, or a Hugging Face folder.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "loader/gguf_writer.h"
#include "model_plan.h"
#include "tensor/dtype.h"

namespace vela::tools {

/// Adds the tokenizer's metadata (tokenizer.ggml.*, chat template) to a GGUF being written.
using GgufTokenizerWriter = std::function<Result<void>(GgufWriter&)>;

/// Writes the model as a GGUF file whose matrices are `dtype` (rows that the block size does not divide
/// fall back to Q8_0, then F16); norms, biases and RoPE factors stay F32, as GGUF converters write them.
Result<void> write_gguf(const ModelPlan& plan, DType dtype, const std::string& name,
                        const GgufTokenizerWriter& tokenizer, const std::filesystem::path& path);

/// Special token ids that config.json and generation_config.json name.
struct HfTokenIds {
    std::optional<int32_t> bos;
    std::vector<int32_t> eos;
};

/// Writes config.json, generation_config.json and the weights (F32, F16 or BF16; `max_shard_bytes` > 0
/// splits them into shards with an index) into `folder`. Tokenizer files are the caller's.
Result<void> write_hf_weights(const ModelPlan& plan, DType dtype, int64_t max_shard_bytes,
                              const HfTokenIds& ids, const std::filesystem::path& folder);

}  // namespace vela::tools
