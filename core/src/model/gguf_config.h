// Reads the hyperparameters of a GGUF model (general.architecture and "<arch>.*" keys) into a
// ModelConfig.
#pragma once

#include "loader/gguf_file.h"
#include "model/model_config.h"
#include "vela/core/error.h"

namespace vela {

/// The ModelConfig described by `file`'s metadata; Unsupported for unknown architectures.
Result<ModelConfig> model_config_from_gguf(const GgufFile& file);

}  // namespace vela
