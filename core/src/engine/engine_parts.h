// EngineParts: an already loaded model, for building an engine without load_model (tests and
// benchmarks pass fake runners; InferenceEngine::create passes what load_model returned).
#pragma once

#include <memory>
#include <vector>

#include "model/model_runner.h"
#include "vela/core/engine.h"
#include "vela/core/model_info.h"
#include "vela/core/tokenizer.h"

namespace vela::detail {

/// A model ready to serve.
struct EngineParts {
    std::unique_ptr<ModelRunner> runner;   // computes logits
    std::unique_ptr<Tokenizer> tokenizer;  // its vocabulary
    std::vector<TokenId> eog_token_ids;    // tokens that end generation
    ModelInfo info;                        // name, architecture, dtype and generation defaults; the
                                           // engine fills in the sizes and limits
};

}  // namespace vela::detail
