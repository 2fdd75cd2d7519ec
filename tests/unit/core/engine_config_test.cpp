#include <gtest/gtest.h>

#include <string>

#include "vela/core/config.h"

namespace vela {
namespace {

// The error of building `builder`, or "" when it builds.
std::string error_of(const EngineConfigBuilder& builder) {
    auto config = builder.build();
    return config ? "" : config.error().message();
}

EngineConfigBuilder valid() {
    return EngineConfig::builder().model_path("model.gguf");
}

TEST(EngineConfig, DefaultsMatchTheDocumentation) {
    const EngineConfig config = EngineConfig::from_model_path("m.gguf");
    EXPECT_EQ(config.model_path, "m.gguf");
    EXPECT_EQ(config.device, "cpu");
    EXPECT_EQ(config.n_threads, 0);
    EXPECT_EQ(config.max_num_seqs, 16);
    EXPECT_EQ(config.max_num_batched_tokens, 512);
    EXPECT_EQ(config.block_size, 16);
    EXPECT_EQ(config.prefill_chunk_size, 0);
    EXPECT_FALSE(config.kv_cache_bytes.has_value());
    EXPECT_FALSE(config.kv_cache_fraction.has_value());
    EXPECT_EQ(config.kv_cache_dtype, "f16");
    EXPECT_TRUE(validate(config).ok());
}

TEST(EngineConfig, BuilderSetsEveryField) {
    auto config = valid()
                      .device("cpu")
                      .n_threads(3)
                      .max_batch_size(4)
                      .max_num_batched_tokens(64)
                      .block_size(32)
                      .kv_cache_memory(1 << 20)
                      .prefill_chunk_size(64)
                      .max_sequence_length(100)
                      .isq("q8_0")
                      .kv_cache_dtype("f32")
                      .build();
    ASSERT_TRUE(config.ok()) << config.error().message();
    EXPECT_EQ(config->n_threads, 3);
    EXPECT_EQ(config->max_num_seqs, 4);
    EXPECT_EQ(config->max_num_batched_tokens, 64);
    EXPECT_EQ(config->block_size, 32);
    EXPECT_EQ(config->kv_cache_bytes, 1 << 20);
    EXPECT_EQ(config->prefill_chunk_size, 64);
    EXPECT_EQ(config->max_sequence_length, 100);
    EXPECT_EQ(config->isq, "q8_0");
    EXPECT_EQ(config->kv_cache_dtype, "f32");
}

TEST(EngineConfig, ValidationNamesTheBrokenField) {
    EXPECT_NE(error_of(EngineConfig::builder()).find("model_path is required"), std::string::npos);
    EXPECT_NE(error_of(valid().max_batch_size(0)).find("max_num_seqs (batch size) must be >= 1"),
              std::string::npos);
    EXPECT_NE(error_of(valid().kv_cache_bytes(0)).find("kv_cache_bytes (KV memory) must be > 0"),
              std::string::npos);
    EXPECT_NE(error_of(valid().kv_cache_bytes(-5)).find("must be > 0, got -5"), std::string::npos);
    EXPECT_NE(error_of(valid().kv_cache_fraction(0.0)).find("kv_cache_fraction"), std::string::npos);
    EXPECT_NE(error_of(valid().kv_cache_fraction(1.5)).find("(0, 1]"), std::string::npos);
    EXPECT_NE(error_of(valid().kv_cache_fraction(0.5).kv_cache_bytes(10)).find("not both"),
              std::string::npos);
    EXPECT_NE(error_of(valid().prefill_chunk_size(100)).find("multiple of block_size (16), got 100"),
              std::string::npos);
    EXPECT_NE(error_of(valid().prefill_chunk_size(-16)).find("prefill_chunk_size"), std::string::npos);
    EXPECT_EQ(error_of(valid().prefill_chunk_size(48)), "");
    EXPECT_NE(error_of(valid().device("tpu")).find("unknown device 'tpu'"), std::string::npos);
    EXPECT_NE(error_of(valid().n_threads(-1)).find("n_threads"), std::string::npos);
    EXPECT_NE(
        error_of(valid().max_num_batched_tokens(8)).find("max_num_batched_tokens must be >= max_num_seqs"),
        std::string::npos);
    EXPECT_NE(error_of(valid().block_size(0)).find("block_size"), std::string::npos);
    EXPECT_NE(error_of(valid().isq("q9_9")).find("unknown isq dtype 'q9_9'"), std::string::npos);
    EXPECT_NE(error_of(valid().kv_cache_dtype("bf16")).find("kv_cache_dtype"), std::string::npos);
    EXPECT_NE(error_of(valid().max_sequence_length(0)).find("max_sequence_length"), std::string::npos);
}

TEST(EngineConfig, GpuDevicesAreRefusedUntilAGpuBackendExists) {
    for (const char* device : {"cuda", "cuda:1", "metal"}) {
        auto config = valid().device(device).build();
        ASSERT_FALSE(config.ok());
        EXPECT_EQ(config.error().code(), Errc::Unsupported);
        EXPECT_NE(config.error().message().find("use device \"cpu\""), std::string::npos);
    }
}

}  // namespace
}  // namespace vela
