// Loading a tokenizer from GGUF `tokenizer.ggml.*` metadata, with llama.cpp's semantics.
#pragma once

#include <filesystem>
#include <memory>

#include "loader/gguf_file.h"
#include "tokenizer/tokenizer_data.h"
#include "vela/core/error.h"

namespace vela::tokenizer {

/// Builds the tokenizer described by the metadata of `file` (a model or a vocab-only GGUF).
/// Unsupported names an unknown `tokenizer.ggml.model` or `tokenizer.ggml.pre`; Corrupt names a
/// missing or inconsistent key. Messages start with the file path.
Result<std::unique_ptr<detail::TokenizerData>> load_gguf_tokenizer(const GgufFile& file);

}  // namespace vela::tokenizer
