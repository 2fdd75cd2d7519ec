// Test support for the serving engine: a fake ModelRunner whose logits are a deterministic function of
// the token history it reads back through the KV cache, a tiny byte-level tokenizer, and a helper that
// builds an InferenceEngine around them.
//
// The fake runner writes (token, position) into each token's K slot and, for every sequence that wants
// logits, reads positions [0, n_context) back through the block table. Any wrong slot mapping, block
// table, copy-on-write or prefix-cache hit therefore changes the history it sees, and so the logits and
// the greedy output; it also counts every slot whose stored position is not the one expected.
#pragma once

#include <nlohmann/json.hpp>

#include <unistd.h>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "cache/kv_cache.h"
#include "engine/engine_parts.h"
#include "model/model_runner.h"
#include "vela/core/engine.h"
#include "vela/core/tokenizer.h"

namespace vela::testing {

/// Ids of the test tokenizer: 0..255 are the bytes themselves.
inline constexpr TokenId kEndToken = 256;  // "<|end|>", special, end of generation
inline constexpr TokenId kSepToken = 257;  // "<|sep|>", special
inline constexpr int32_t kTestVocabSize = 258;

/// Holds the fake model's forward passes from call `block_from` on until released, so tests can
/// order their actions against the engine's steps without relying on timing.
class FakeGate {
  public:
    /// Blocks forward calls numbered `block_from` and later (the first call is 1).
    explicit FakeGate(int64_t block_from) : block_from_(block_from) {}
    /// Called by the runner at the start of forward call `call`.
    void wait(int64_t call) {
        std::unique_lock lock(mutex_);
        released_cv_.wait(lock, [&] { return call < block_from_ || released_; });
    }
    /// Lets every held and later call through.
    void release() {
        {
            std::lock_guard lock(mutex_);
            released_ = true;
        }
        released_cv_.notify_all();
    }

  private:
    std::mutex mutex_;
    std::condition_variable released_cv_;
    int64_t block_from_;
    bool released_ = false;
};

/// How the fake model behaves.
struct FakeRunnerOptions {
    int32_t vocab_size = kTestVocabSize;
    int32_t max_context = 4096;
    int32_t n_layers = 2;
    // The token the model strongly prefers after `history` (or -1 for none): scripted outputs.
    std::function<TokenId(std::span<const TokenId> history)> script;
    std::vector<TokenId> suppressed = {kEndToken};  // tokens with very low logits (greedy never picks them)
    std::shared_ptr<FakeGate> gate;                 // holds forward calls until released; null = never
};

/// A ModelRunner with hashed logits that checks the engine's KV bookkeeping.
class FakeRunner : public ModelRunner {
  public:
    explicit FakeRunner(FakeRunnerOptions options) : options_(std::move(options)) {
        shape_ = RunnerShape{options_.n_layers, 1, 2, options_.vocab_size, options_.max_context};
    }

    const RunnerShape& shape() const override { return shape_; }

    void forward(ThreadPool&, const ForwardBatch& batch, KvCache& cache, std::span<float> logits) override {
        const int64_t call = ++n_forward_calls;
        if (options_.gate) options_.gate->wait(call);
        n_batched_tokens += static_cast<int64_t>(batch.tokens.size());
        if (cache.shape().dtype != DType::F32) {
            ++n_errors;  // the fake stores exact integers: tests must use an f32 cache
            return;
        }
        const int32_t block_size = cache.shape().block_size;
        int32_t n_with_logits = 0;
        int32_t max_seqs = 0;
        for (const SequenceSlice& slice : batch.seqs) {
            ++max_seqs;
            for (int32_t i = slice.token_begin; i < slice.token_begin + slice.n_tokens; ++i) {
                const auto t = static_cast<size_t>(i);
                const int32_t pos = batch.positions[t];
                const int32_t slot = batch.slot_mapping[t];
                if (slot != slice.block_table[static_cast<size_t>(pos / block_size)] * block_size +
                                pos % block_size) {
                    ++n_errors;
                }
                for (int32_t layer = 0; layer < shape_.n_layers; ++layer) {
                    float* k = reinterpret_cast<float*>(cache.layer(layer).k) + int64_t{slot} * 2;
                    k[0] = static_cast<float>(batch.tokens[t]);
                    k[1] = static_cast<float>(pos * 8 + layer);
                }
            }
            if (slice.n_context !=
                batch.positions[static_cast<size_t>(slice.token_begin + slice.n_tokens - 1)] + 1) {
                ++n_errors;
            }
            if (!slice.want_logits) continue;
            std::vector<TokenId> history;
            for (int32_t pos = 0; pos < slice.n_context; ++pos) {
                const int32_t slot =
                    slice.block_table[static_cast<size_t>(pos / block_size)] * block_size + pos % block_size;
                for (int32_t layer = 0; layer < shape_.n_layers; ++layer) {
                    const float* k = reinterpret_cast<const float*>(cache.layer(layer).k) + int64_t{slot} * 2;
                    if (k[1] != static_cast<float>(pos * 8 + layer)) ++n_errors;
                    if (layer == 0) history.push_back(static_cast<TokenId>(k[0]));
                }
            }
            fill_logits(history, logits.subspan(static_cast<size_t>(n_with_logits) * shape_.vocab_size,
                                                static_cast<size_t>(shape_.vocab_size)));
            ++n_with_logits;
        }
        if (max_seqs > max_seqs_in_batch) max_seqs_in_batch = max_seqs;
    }

    /// The logits the model produces after `history` (what forward writes).
    void fill_logits(std::span<const TokenId> history, std::span<float> row) const {
        uint64_t h = 0x12345678abcdefull;
        for (const TokenId t : history)
            h = mix(h ^ static_cast<uint64_t>(t + 1));
        for (size_t v = 0; v < row.size(); ++v) {
            const uint64_t r = mix(h + 0x9e3779b97f4a7c15ull * (v + 1));
            row[v] =
                static_cast<float>(static_cast<double>(r >> 40) / static_cast<double>(1u << 24) * 8.0 - 4.0);
        }
        if (options_.script) {
            const TokenId next = options_.script(history);
            if (next >= 0) row[static_cast<size_t>(next)] += 30.0f;
        }
        for (const TokenId t : options_.suppressed)
            row[static_cast<size_t>(t)] = -50.0f;
    }

    std::atomic<int64_t> n_forward_calls{0};    // forward passes run
    std::atomic<int64_t> n_batched_tokens{0};   // tokens computed in all passes
    std::atomic<int64_t> n_errors{0};           // KV bookkeeping errors seen
    std::atomic<int32_t> max_seqs_in_batch{0};  // most sequences in one pass

  private:
    static uint64_t mix(uint64_t x) {
        x ^= x >> 30;
        x *= 0xbf58476d1ce4e5b9ull;
        x ^= x >> 27;
        x *= 0x94d049bb133111ebull;
        return x ^ (x >> 31);
    }

    FakeRunnerOptions options_;
    RunnerShape shape_;
};

/// Writes a byte-level BPE tokenizer.json (one token per byte, no merges, two special tokens) and its
/// tokenizer_config.json into `dir`, and returns the folder.
inline std::filesystem::path write_byte_tokenizer(const std::filesystem::path& dir) {
    std::filesystem::create_directories(dir);
    // GPT-2's byte-to-unicode table: printable bytes map to themselves, the rest to U+0100 onwards.
    nlohmann::json vocab = nlohmann::json::object();
    int next_extra = 0;
    for (int b = 0; b < 256; ++b) {
        const bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
        const uint32_t cp = printable ? static_cast<uint32_t>(b) : static_cast<uint32_t>(256 + next_extra++);
        std::string utf8;
        if (cp < 0x80) {
            utf8 += static_cast<char>(cp);
        } else {
            utf8 += static_cast<char>(0xC0 | (cp >> 6));
            utf8 += static_cast<char>(0x80 | (cp & 0x3F));
        }
        vocab[utf8] = b;
    }
    const auto special = [](int id, const char* content) {
        return nlohmann::json{{"id", id},        {"content", content}, {"single_word", false},
                              {"lstrip", false}, {"rstrip", false},    {"normalized", false},
                              {"special", true}};
    };
    const nlohmann::json byte_level = {
        {"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", true}};
    const nlohmann::json tokenizer = {
        {"version", "1.0"},
        {"truncation", nullptr},
        {"padding", nullptr},
        {"added_tokens", {special(kEndToken, "<|end|>"), special(kSepToken, "<|sep|>")}},
        {"normalizer", nullptr},
        {"pre_tokenizer", byte_level},
        {"post_processor", nullptr},
        {"decoder", byte_level},
        {"model",
         {{"type", "BPE"},
          {"dropout", nullptr},
          {"unk_token", nullptr},
          {"continuing_subword_prefix", nullptr},
          {"end_of_word_suffix", nullptr},
          {"fuse_unk", false},
          {"byte_fallback", false},
          {"vocab", vocab},
          {"merges", nlohmann::json::array()}}}};
    std::ofstream(dir / "tokenizer.json") << tokenizer.dump();
    std::ofstream(dir / "tokenizer_config.json") << nlohmann::json{
        {"eos_token", "<|end|>"},
        {"add_bos_token", false},
        {"add_eos_token", false}}.dump();
    return dir;
}

/// The folder of the byte-level test tokenizer: written once per process, removed at exit.
struct ByteTokenizerFolder {
    std::filesystem::path path = write_byte_tokenizer(std::filesystem::temp_directory_path() /
                                                      ("vela_engine_test_" + std::to_string(getpid())));
    ~ByteTokenizerFolder() {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
};

/// Loads the byte-level test tokenizer.
inline std::unique_ptr<Tokenizer> load_byte_tokenizer() {
    static const ByteTokenizerFolder folder;
    auto tokenizer = Tokenizer::load(folder.path);
    if (!tokenizer) return nullptr;
    return std::move(*tokenizer);
}

/// The KV budget in bytes that gives `n_blocks` blocks for the fake runner.
inline int64_t fake_kv_bytes(int32_t n_blocks, int32_t block_size = 16, int32_t n_layers = 2) {
    return KvCacheShape{n_layers, 1, 2, block_size, 0, DType::F32}.bytes_per_block() * n_blocks;
}

/// An engine around a FakeRunner and the byte tokenizer.
struct TestEngine {
    std::unique_ptr<InferenceEngine> engine;
    FakeRunner* runner = nullptr;  // owned by the engine
    std::string error;             // why the engine could not be built
};

/// A config for the fake model with `n_blocks` KV blocks (f32 cache, logging silenced).
inline EngineConfig fake_config(int32_t n_blocks, int32_t block_size = 16) {
    EngineConfig config = EngineConfig::from_model_path("fake-model");
    config.block_size = block_size;
    config.kv_cache_bytes = fake_kv_bytes(n_blocks, block_size);
    config.kv_cache_dtype = "f32";
    config.n_threads = 2;
    config.log = [](LogLevel, std::string_view) {};
    return config;
}

/// Builds an engine with `config` around a FakeRunner made with `options`.
inline TestEngine make_test_engine(const EngineConfig& config, FakeRunnerOptions options = {}) {
    TestEngine out;
    auto runner = std::make_unique<FakeRunner>(std::move(options));
    out.runner = runner.get();
    detail::EngineParts parts;
    parts.runner = std::move(runner);
    parts.tokenizer = load_byte_tokenizer();
    if (!parts.tokenizer) {
        out.error = "the byte-level test tokenizer did not load";
        return out;
    }
    parts.eog_token_ids = {kEndToken};
    parts.info.name = "fake";
    auto engine = detail::make_engine(config, std::move(parts));
    if (!engine) {
        out.error = engine.error().message();
        return out;
    }
    out.engine = std::move(*engine);
    return out;
}

/// Token ids of `text` in the byte tokenizer (one per byte).
inline std::vector<TokenId> bytes_of(std::string_view text) {
    std::vector<TokenId> ids;
    for (const char c : text)
        ids.push_back(static_cast<unsigned char>(c));
    return ids;
}

}  // namespace vela::testing
