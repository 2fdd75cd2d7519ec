// ServeConfig: everything `vela serve` needs, filled from the command line (candle-vllm's flags and
// vela's long names; see server/src/cli/serve_flags.cpp) or by an embedder. Defaults are candle-vllm's
// except where noted on the field.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vela::server {

/// Sampling values the server uses when a request leaves the field out (they override the model's
/// generation_config.json; a request's own value always wins).
struct SamplingDefaults {
    std::optional<float> temperature;        // --temperature
    std::optional<float> top_p;              // --top-p
    std::optional<float> min_p;              // --min-p
    std::optional<int32_t> top_k;            // --top-k
    std::optional<float> frequency_penalty;  // --frequency-penalty
    std::optional<float> presence_penalty;   // --presence-penalty
};

/// The configuration of one `vela serve` process.
struct ServeConfig {
    // Network.
    std::string host = "0.0.0.0";                // address to bind (--h, --host)
    int32_t port = 2000;                         // port to bind; 0 = any free port (--p, --port)
    std::string api_key;                         // required bearer key; "" = open (--api-key, VELA_API_KEY)
    int64_t max_body_bytes = int64_t{32} << 20;  // larger request bodies get 413 (--max-body-bytes)
    int32_t http_threads = 0;  // connections served at once; 0 = max(64, 4 * (max_num_seqs + queue_size))
    int32_t sse_keep_alive_ms = 5000;  // SSE keep-alive comment interval (candle-vllm: 100 ms)
    bool web_ui = true;                // serve the chat UI at / (--no-ui turns it off)

    // The model (see models/model_source.h for how these combine).
    std::string model;              // --m, --model: a local .gguf/folder, or a hub id "org/name"
    std::string weights_dir;        // --w, --weights: a local Hugging Face folder
    std::string weight_file;        // --f, --weight-file: a GGUF file (alone, in --w, or in the hub repo --m)
    std::string revision = "main";  // hub revision (branch, tag or commit) for --m downloads
    std::string served_model_name;  // the id clients use; "" = the hub id or the file/folder name
    std::string hf_token;           // hub token (--hf-token, else HF_TOKEN, else the token file)
    std::string hf_token_path;      // file holding the hub token (--hf-token-path)
    std::string hub_endpoint;       // hub base URL; "" = HF_ENDPOINT or https://huggingface.co
    std::string hub_cache_dir;      // download cache; "" = $HF_HOME/vela or ~/.cache/huggingface/vela

    // Engine.
    int32_t n_threads = 0;                  // CPU kernel threads; 0 = all cores (--threads)
    int32_t max_num_seqs = 16;              // sequences batched per step (--max-num-seqs)
    int32_t block_size = 16;                // KV block tokens (candle-vllm: 64; see the README)
    int32_t max_num_batched_tokens = 512;   // tokens per engine step (--max-num-batched-tokens)
    int32_t prefill_chunk_size = 0;         // most prompt tokens of one request per step; 0 = no cap
    std::optional<int64_t> kv_cache_bytes;  // KV budget (--mem MiB, --kv-cache-bytes); unset = automatic
    std::optional<int32_t> max_model_len;   // cap on prompt + output tokens (--max-model-len)
    std::string isq;                        // quantize float weights at load (--isq q8_0, q4_k, ...)
    std::string dtype;                      // --dtype f16|bf16|f32: only picks the KV cache type; "" = f16
    std::string kv_cache_dtype;             // KV cache f16|f32; "" = f32 with --dtype f32, else f16
    SamplingDefaults sampling;              // server-wide sampling defaults

    // Admission.
    int32_t queue_size = 10;          // requests that may wait beyond the running ones (--queue-size)
    double request_timeout_s = 30.0;  // most time a request waits for admission (--request-timeout)

    // Lifecycle and logging.
    double shutdown_timeout_s = 20.0;  // SIGTERM: in-flight requests get this long before being cancelled
    bool verbose = false;              // debug logging and an access log (--verbose)
    std::string log_file;              // also log to this file (--log: "vela.log"); "" = stderr only

    // Configuration files accepted for compatibility (see the README: their features arrive later).
    std::string mcp_config;     // --mcp-config (or CANDLE_VLLM_MCP_CONFIG)
    std::string models_config;  // --models-config (or CANDLE_VLLM_MODELS_CONFIG)

    std::vector<std::string> notices;  // flags accepted without effect, and why (logged at start-up)
};

}  // namespace vela::server
