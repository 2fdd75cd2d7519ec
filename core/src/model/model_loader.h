// load_model: opens a GGUF file or a Hugging Face folder and returns a runnable model with its
// tokenizer and the defaults that came with it. Both formats converge on one weight map and one
// ModelConfig before any model code runs.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/generation_defaults.h"
#include "model/model_runner.h"
#include "tensor/dtype.h"
#include "vela/core/error.h"
#include "vela/core/tokenizer.h"

namespace vela {

/// How to load a model.
struct LoadOptions {
    std::optional<DType> isq;  // quantize F32/F16/BF16 matrices to this type at load (in-situ)
};

/// A model ready to run.
struct LoadedModel {
    std::unique_ptr<ModelRunner> runner;
    std::unique_ptr<Tokenizer> tokenizer;
    std::string architecture;            // "llama", "mistral", "qwen2", "qwen3"
    std::string name;                    // a display name (file stem or folder name)
    std::string weight_dtype;            // e.g. "q8_0", "f16", "mixed"
    std::vector<TokenId> eog_token_ids;  // every token that ends generation
    GenerationDefaults defaults;
};

/// Loads the model at `path` (a .gguf file or a Hugging Face folder).
Result<LoadedModel> load_model(const std::filesystem::path& path, const LoadOptions& options = {});

}  // namespace vela
