// `vela serve` flags: every candle-vllm flag parses to the right ServeConfig field (the seed's T073),
// vela's long names are the same options, environment variables fill what flags leave unset, and
// unknown or rejected flags fail with messages that help.
#include "cli/serve_flags.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

namespace vela::server {
namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
        const auto it = vars.find(name);
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

ServeConfig parse_ok(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    auto parsed = parse_serve_args(args, env_of(std::move(env)));
    EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message());
    return parsed.ok() ? parsed->config : ServeConfig{};
}

std::string parse_error(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    auto parsed = parse_serve_args(args, env_of(std::move(env)));
    EXPECT_FALSE(parsed.ok()) << "expected an error";
    return parsed.ok() ? "" : parsed.error().message();
}

// A file that exists, for --mcp-config / --models-config.
std::string temp_file(const std::string& name) {
    const auto path = std::filesystem::temp_directory_path() / ("vela_serve_flags_" + name);
    std::ofstream(path) << "{}";
    return path.string();
}

TEST(ServeFlags, DefaultsAreCandleVllmsExceptTheDocumentedOnes) {
    const ServeConfig c = parse_ok({"--m", "org/model"});
    EXPECT_EQ(c.host, "0.0.0.0");
    EXPECT_EQ(c.port, 2000);
    EXPECT_EQ(c.max_num_seqs, 16);
    EXPECT_EQ(c.queue_size, 10);
    EXPECT_DOUBLE_EQ(c.request_timeout_s, 30.0);
    // Differences documented in the README: block size 16 (not 64), automatic KV size (not 4096 MiB),
    // no prefill chunk cap beyond the step budget (not 8192), keep-alive every 5 s (not 100 ms), weights
    // kept in their stored type (not bf16).
    EXPECT_EQ(c.block_size, 16);
    EXPECT_FALSE(c.kv_cache_bytes.has_value());
    EXPECT_EQ(c.prefill_chunk_size, 0);
    EXPECT_EQ(c.sse_keep_alive_ms, 5000);
    EXPECT_EQ(c.dtype, "");
    EXPECT_EQ(c.n_threads, 0);
    EXPECT_TRUE(c.web_ui);
    EXPECT_TRUE(c.api_key.empty());
    EXPECT_TRUE(c.notices.empty());
}

TEST(ServeFlags, EveryCandleVllmFlagSetsItsField) {
    const std::string mcp = temp_file("mcp.json");
    const std::string models = temp_file("models.yaml");
    const ServeConfig c = parse_ok({"--h",
                                    "127.0.0.1",
                                    "--p",
                                    "8123",
                                    "--m",
                                    "Qwen/Qwen3-0.6B",
                                    "--w",
                                    "/tmp",
                                    "--f",
                                    "q.gguf",
                                    "--dtype",
                                    "bf16",
                                    "--isq",
                                    "q4_k",
                                    "--mem",
                                    "512",
                                    "--max-num-seqs",
                                    "8",
                                    "--block-size",
                                    "32",
                                    "--prefill-chunk-size",
                                    "1024",
                                    "--temperature",
                                    "0.6",
                                    "--top-p",
                                    "0.9",
                                    "--min-p",
                                    "0.05",
                                    "--top-k",
                                    "20",
                                    "--frequency-penalty",
                                    "0.5",
                                    "--presence-penalty",
                                    "-0.5",
                                    "--log",
                                    "--queue-size",
                                    "3",
                                    "--request-timeout",
                                    "7",
                                    "--mcp-config",
                                    mcp,
                                    "--models-config",
                                    models,
                                    "--hf-token",
                                    "tok",
                                    "--hf-token-path",
                                    "/tmp/token",
                                    "--verbose"});
    EXPECT_EQ(c.host, "127.0.0.1");
    EXPECT_EQ(c.port, 8123);
    EXPECT_EQ(c.model, "Qwen/Qwen3-0.6B");
    EXPECT_EQ(c.weights_dir, "/tmp");
    EXPECT_EQ(c.weight_file, "q.gguf");
    EXPECT_EQ(c.dtype, "bf16");
    EXPECT_EQ(c.isq, "q4_k");
    ASSERT_TRUE(c.kv_cache_bytes.has_value());
    EXPECT_EQ(*c.kv_cache_bytes, int64_t{512} * 1024 * 1024);
    EXPECT_EQ(c.max_num_seqs, 8);
    EXPECT_EQ(c.block_size, 32);
    EXPECT_EQ(c.prefill_chunk_size, 1024);
    EXPECT_FLOAT_EQ(*c.sampling.temperature, 0.6f);
    EXPECT_FLOAT_EQ(*c.sampling.top_p, 0.9f);
    EXPECT_FLOAT_EQ(*c.sampling.min_p, 0.05f);
    EXPECT_EQ(*c.sampling.top_k, 20);
    EXPECT_FLOAT_EQ(*c.sampling.frequency_penalty, 0.5f);
    EXPECT_FLOAT_EQ(*c.sampling.presence_penalty, -0.5f);
    EXPECT_EQ(c.log_file, "vela.log");
    EXPECT_EQ(c.queue_size, 3);
    EXPECT_DOUBLE_EQ(c.request_timeout_s, 7.0);
    EXPECT_EQ(c.mcp_config, mcp);
    EXPECT_EQ(c.models_config, models);
    EXPECT_EQ(c.hf_token, "tok");
    EXPECT_EQ(c.hf_token_path, "/tmp/token");
    EXPECT_TRUE(c.verbose);
}

TEST(ServeFlags, LongNamesAreTheSameOptions) {
    const ServeConfig c = parse_ok({"--host",
                                    "::1",
                                    "--port",
                                    "0",
                                    "--model",
                                    "m.gguf",
                                    "--weights",
                                    "/w",
                                    "--weight-file",
                                    "x.gguf",
                                    "--threads",
                                    "3",
                                    "--api-key",
                                    "k",
                                    "--max-body-bytes",
                                    "1000",
                                    "--kv-cache-bytes",
                                    "123456",
                                    "--max-num-batched-tokens",
                                    "256",
                                    "--max-model-len",
                                    "900",
                                    "--kv-cache-dtype",
                                    "f32",
                                    "--served-model-name",
                                    "demo",
                                    "--revision",
                                    "v1",
                                    "--sse-keep-alive-ms",
                                    "250",
                                    "--http-threads",
                                    "300",
                                    "--no-ui",
                                    "--shutdown-timeout",
                                    "3",
                                    "--log-file",
                                    "/tmp/x.log"});
    EXPECT_EQ(c.host, "::1");
    EXPECT_EQ(c.port, 0);
    EXPECT_EQ(c.model, "m.gguf");
    EXPECT_EQ(c.weights_dir, "/w");
    EXPECT_EQ(c.weight_file, "x.gguf");
    EXPECT_EQ(c.n_threads, 3);
    EXPECT_EQ(c.api_key, "k");
    EXPECT_EQ(c.max_body_bytes, 1000);
    EXPECT_EQ(*c.kv_cache_bytes, 123456);
    EXPECT_EQ(c.max_num_batched_tokens, 256);
    EXPECT_EQ(*c.max_model_len, 900);
    EXPECT_EQ(c.kv_cache_dtype, "f32");
    EXPECT_EQ(c.served_model_name, "demo");
    EXPECT_EQ(c.revision, "v1");
    EXPECT_EQ(c.sse_keep_alive_ms, 250);
    EXPECT_EQ(c.http_threads, 300);
    EXPECT_FALSE(c.web_ui);
    EXPECT_DOUBLE_EQ(c.shutdown_timeout_s, 3.0);
    EXPECT_EQ(c.log_file, "/tmp/x.log");
}

TEST(ServeFlags, EqualsSyntaxWorks) {
    const ServeConfig c = parse_ok({"--p=9000", "--model=m.gguf"});
    EXPECT_EQ(c.port, 9000);
    EXPECT_EQ(c.model, "m.gguf");
}

TEST(ServeFlags, AcceptedCompatibilityFlagsLeaveANotice) {
    const ServeConfig c =
        parse_ok({"--m", "m.gguf", "--cpu", "--kvcache-mem-cpu", "128", "--holding-time", "500",
                  "--multithread", "--ui-server", "--prompt-cache", "--prompt-cache-backend", "memory"});
    ASSERT_EQ(c.notices.size(), 7u);
    EXPECT_NE(c.notices[0].find("--cpu"), std::string::npos);
    EXPECT_NE(c.notices[1].find("--kvcache-mem-cpu"), std::string::npos);
    EXPECT_NE(c.notices[2].find("--holding-time"), std::string::npos);
    EXPECT_NE(c.notices[3].find("--multithread"), std::string::npos);
    EXPECT_NE(c.notices[4].find("--ui-server"), std::string::npos);
    EXPECT_NE(c.notices[5].find("--prompt-cache"), std::string::npos);
    EXPECT_NE(c.notices[6].find("--prompt-cache-backend memory"), std::string::npos);
}

TEST(ServeFlags, DtypeSaysWeightsStayAsStored) {
    const ServeConfig c = parse_ok({"--m", "m.gguf", "--dtype", "bf16"});
    EXPECT_EQ(c.dtype, "bf16");
    ASSERT_EQ(c.notices.size(), 1u);
    EXPECT_NE(c.notices[0].find("--dtype bf16"), std::string::npos);
    EXPECT_NE(c.notices[0].find("--isq"), std::string::npos);
    EXPECT_TRUE(parse_ok({"--m", "m.gguf"}).notices.empty());
}

TEST(ServeFlags, FlagsThatCannotApplyAreRejectedWithTheReason) {
    EXPECT_NE(parse_error({"--m", "m.gguf", "--d", "0,1"}).find("no GPU backend"), std::string::npos);
    EXPECT_NE(parse_error({"--m", "m.gguf", "--fp8-kvcache"}).find("--kv-cache-dtype"), std::string::npos);
    EXPECT_NE(parse_error({"--m", "m.gguf", "--record-conversation"}).find("no conversation history"),
              std::string::npos);
    EXPECT_NE(parse_error({"--m", "m.gguf", "--enable-vision"}).find("vision"), std::string::npos);
    EXPECT_NE(parse_error({"--m", "m.gguf", "--prompt-cache-backend", "redis"}).find("not supported"),
              std::string::npos);
}

TEST(ServeFlags, UnknownFlagsSuggestCloseOnes) {
    EXPECT_NE(parse_error({"--m", "x", "--max-num-seq", "4"}).find("did you mean --max-num-seqs"),
              std::string::npos);
    EXPECT_NE(parse_error({"--m", "x", "--prot", "4"}).find("--port"), std::string::npos);
    EXPECT_NE(parse_error({"--m", "x", "--temprature=1"}).find("--temperature"), std::string::npos);
    const std::string far = parse_error({"--m", "x", "--zzzzzzzz"});
    EXPECT_NE(far.find("unknown flag --zzzzzzzz"), std::string::npos);
    EXPECT_EQ(far.find("did you mean"), std::string::npos);
    EXPECT_NE(parse_error({"--m", "x", "stray"}).find("unexpected argument 'stray'"), std::string::npos);
}

TEST(ServeFlags, BadValuesNameTheFlag) {
    EXPECT_NE(parse_error({"--m", "x", "--p", "70000"}).find("--p"), std::string::npos);
    EXPECT_NE(parse_error({"--m", "x", "--dtype", "f8"}).find("--dtype"), std::string::npos);
    EXPECT_NE(parse_error({"--m", "x", "--block-size", "0"}).find("--block-size"), std::string::npos);
    EXPECT_NE(parse_error({"--m", "x", "--mem", "1", "--kv-cache-bytes", "5"}).find("not both"),
              std::string::npos);
    EXPECT_NE(parse_error({"--m", "x", "--max-num-seqs", "64", "--max-num-batched-tokens", "32"})
                  .find("--max-num-batched-tokens"),
              std::string::npos);
    // Without an explicit step budget, a large batch raises it.
    EXPECT_EQ(parse_ok({"--m", "x", "--max-num-seqs", "600"}).max_num_batched_tokens, 600);
    EXPECT_NE(parse_error({"--m", "x", "--prefill-chunk-size", "100"}).find("multiple of --block-size"),
              std::string::npos);
    EXPECT_NE(parse_error({}).find("no model given"), std::string::npos);
    // A models.yaml may name the model itself (its default_model), so no flag needs to.
    const std::string models = temp_file("default_model.yaml");
    EXPECT_EQ(parse_ok({"--models-config", models}).models_config, models);
    EXPECT_EQ(parse_ok({}, {{"CANDLE_VLLM_MODELS_CONFIG", models}}).models_config, models);
    EXPECT_NE(parse_error({"--m", "x", "--mcp-config", "/nonexistent/mcp.json"}).find("no such file"),
              std::string::npos);
}

TEST(ServeFlags, EnvironmentFillsUnsetValues) {
    const ServeConfig c = parse_ok({"--m", "x"}, {{"VELA_API_KEY", "secret"},
                                                  {"KEEP_ALIVE_INTERVAL", "1500"},
                                                  {"HF_TOKEN", "hf_abc"},
                                                  {"HF_ENDPOINT", "http://127.0.0.1:9"},
                                                  {"HF_HOME", "/data/hf"}});
    EXPECT_EQ(c.api_key, "secret");
    EXPECT_EQ(c.sse_keep_alive_ms, 1500);
    EXPECT_EQ(c.hf_token, "hf_abc");
    EXPECT_EQ(c.hub_endpoint, "http://127.0.0.1:9");
    EXPECT_EQ(c.hub_cache_dir, "/data/hf/vela");
    EXPECT_EQ(c.hf_token_path, "/data/hf/token");
    const ServeConfig home = parse_ok({"--m", "x"}, {{"HOME", "/home/u"}});
    EXPECT_EQ(home.hub_cache_dir, "/home/u/.cache/huggingface/vela");
    EXPECT_EQ(home.hf_token_path, "/home/u/.cache/huggingface/token");
    // Flags win over the environment.
    const ServeConfig flags = parse_ok({"--m", "x", "--api-key", "flag", "--sse-keep-alive-ms", "99"},
                                       {{"VELA_API_KEY", "env"}, {"KEEP_ALIVE_INTERVAL", "1500"}});
    EXPECT_EQ(flags.api_key, "flag");
    EXPECT_EQ(flags.sse_keep_alive_ms, 99);
    EXPECT_NE(parse_error({"--m", "x"}, {{"KEEP_ALIVE_INTERVAL", "soon"}}).find("KEEP_ALIVE_INTERVAL"),
              std::string::npos);
}

TEST(ServeFlags, HelpListsTheFlags) {
    auto parsed = parse_serve_args({"--help"}, env_of({}));
    ASSERT_TRUE(parsed.ok());
    EXPECT_TRUE(parsed->help);
    for (const char* flag : {"--max-num-seqs", "--api-key", "--queue-size", "--hf-token", "--mem"})
        EXPECT_NE(parsed->help_text.find(flag), std::string::npos) << flag;
}

TEST(EditDistance, CountsInsertionsDeletionsSubstitutionsAndSwaps) {
    EXPECT_EQ(edit_distance("", ""), 0u);
    EXPECT_EQ(edit_distance("abc", ""), 3u);
    EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
    EXPECT_EQ(edit_distance("port", "prot"), 1u);  // adjacent swap
    EXPECT_EQ(edit_distance("seqs", "seq"), 1u);
}

TEST(SuggestFlags, RanksByDistanceThenContainment) {
    const std::vector<std::string> known = {"--port", "--p", "--max-num-seqs", "--host"};
    EXPECT_EQ(suggest_flags("--prot", known), (std::vector<std::string>{"--port"}));
    EXPECT_EQ(suggest_flags("--seqs", known), (std::vector<std::string>{"--max-num-seqs"}));
    EXPECT_TRUE(suggest_flags("--qqqqqqq", known).empty());
    const std::vector<std::string> all = known_serve_flags();
    for (const char* flag : {"--h", "--p", "--m", "--w", "--f", "--mem", "--host", "--help"})
        EXPECT_NE(std::find(all.begin(), all.end(), flag), all.end()) << flag;
}

}  // namespace
}  // namespace vela::server
