#include "cli/serve_flags.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>

namespace vela::server {

namespace {

// A candle-vllm flag vela accepts although it cannot change anything here; the notice is logged.
struct AcceptedFlag {
    const char* name;
    bool takes_value;
    const char* notice;
};

constexpr AcceptedFlag kAcceptedFlags[] = {
    {"--cpu", false, "--cpu: vela runs on the CPU already; the flag changes nothing"},
    {"--kvcache-mem-cpu", true,
     "--kvcache-mem-cpu: vela keeps no KV swap space (a preempted sequence is recomputed, and the KV "
     "cache already lives in host memory; size it with --mem); the flag changes nothing"},
    {"--holding-time", true,
     "--holding-time: vela batches continuously (a request joins the next engine step), so there is no "
     "batching window to hold; the flag changes nothing"},
    {"--multithread", false, "--multithread: only matters for several GPUs; the flag changes nothing"},
    {"--ui-server", false,
     "--ui-server: vela serves its web chat UI at / on the API port itself (not on port - 1)"},
    {"--prompt-cache", false,
     "--prompt-cache: vela's in-memory prefix cache is always on; the flag changes nothing"},
    {"--prompt-cache-max-prefixes", true,
     "--prompt-cache-max-prefixes: vela's prefix cache is bounded by the KV cache (LRU over blocks); "
     "the flag changes nothing"},
    {"--prompt-cache-min-length", true,
     "--prompt-cache-min-length: vela caches every full KV block of a prompt; the flag changes nothing"},
};

// A candle-vllm flag whose feature vela does not have; using it is an error with this reason.
struct RejectedFlag {
    const char* name;
    bool takes_value;
    const char* reason;
};

constexpr RejectedFlag kRejectedFlags[] = {
    {"--d", true,
     "--d selects GPUs, and this build of vela has no GPU backend; leave it out to run on the CPU"},
    {"--fp8-kvcache", false,
     "--fp8-kvcache: an 8-bit KV cache is not supported; use --kv-cache-dtype f16 (the default) or f32"},
    {"--record-conversation", false,
     "--record-conversation: the server keeps no conversation history; clients send the whole "
     "conversation in `messages` with every request"},
    {"--enable-vision", false, "--enable-vision: vision models are not supported"},
    {"--vision-model-path", true, "--vision-model-path: vision models are not supported"},
    {"--vision-device", true, "--vision-device: vision models are not supported"},
    {"--vision-dtype", true, "--vision-dtype: vision models are not supported"},
    {"--prompt-cache-path", true,
     "--prompt-cache-path: persistent prompt caches are not supported (the in-memory prefix cache is "
     "always on)"},
    {"--prompt-cache-redis-url", true,
     "--prompt-cache-redis-url: persistent prompt caches are not supported (the in-memory prefix cache "
     "is always on)"},
    {"--prompt-cache-ttl", true,
     "--prompt-cache-ttl: cached prefixes live as long as the KV cache has room (LRU), not for a time"},
};

// Every option and flag, registered on `app` and bound to `config` / the holders below.
struct Holders {
    std::optional<int64_t> mem_mb;
    std::optional<int64_t> kv_cache_bytes;
    bool log = false;
    bool no_ui = false;
    std::optional<std::string> prompt_cache_backend;
    std::optional<std::string> api_key;
    std::optional<int32_t> keep_alive_ms;
    std::optional<int32_t> max_num_batched_tokens;
    std::vector<std::pair<CLI::Option*, const AcceptedFlag*>> accepted;
    std::vector<std::pair<CLI::Option*, const RejectedFlag*>> rejected;
};

void register_flags(CLI::App& app, ServeConfig& c, Holders& h) {
    const char* kNet = "Network";
    const char* kModel = "Model";
    const char* kEngine = "Engine";
    const char* kSampling = "Sampling defaults (a request's own values win)";
    const char* kQueue = "Admission";
    const char* kMisc = "Logging, lifecycle and compatibility";

    app.add_option("--h,--host", c.host, "address to bind (default 0.0.0.0)")->group(kNet);
    app.add_option("--p,--port", c.port, "port to bind (default 2000; 0 = any free port)")
        ->check(CLI::Range(0, 65535))
        ->group(kNet);
    app.add_option("--api-key", h.api_key,
                   "require 'Authorization: Bearer KEY' on the API (env VELA_API_KEY)")
        ->group(kNet);
    app.add_option("--max-body-bytes", c.max_body_bytes,
                   "largest request body; larger gets 413 (default 32 MiB)")
        ->check(CLI::PositiveNumber)
        ->group(kNet);
    app.add_option("--http-threads", c.http_threads,
                   "connections served at once (default max(64, 4 * (max-num-seqs + queue-size)))")
        ->check(CLI::NonNegativeNumber)
        ->group(kNet);
    app.add_option("--sse-keep-alive-ms", h.keep_alive_ms,
                   "SSE keep-alive comment interval in ms (default 5000; env KEEP_ALIVE_INTERVAL)")
        ->check(CLI::Range(10, 3600000))
        ->group(kNet);
    app.add_flag("--no-ui", h.no_ui, "do not serve the web chat UI at /")->group(kNet);

    app.add_option("--m,--model", c.model,
                   "a local .gguf file or model folder, or a Hugging Face hub id org/name to download")
        ->group(kModel);
    app.add_option("--w,--weights", c.weights_dir, "a local Hugging Face model folder")->group(kModel);
    app.add_option("--f,--weight-file", c.weight_file,
                   "a GGUF file: a path, a file in --w, or a file of the hub repo --m")
        ->group(kModel);
    app.add_option("--revision", c.revision, "hub revision to download (default main)")->group(kModel);
    app.add_option("--served-model-name", c.served_model_name,
                   "the model id clients use (default: the hub id, or the file/folder name)")
        ->group(kModel);
    app.add_option("--hf-token", c.hf_token,
                   "Hugging Face token (default: env HF_TOKEN, then the token file)")
        ->group(kModel);
    app.add_option("--hf-token-path", c.hf_token_path,
                   "file holding the Hugging Face token (default $HF_HOME/token)")
        ->group(kModel);
    app.add_option("--hf-endpoint", c.hub_endpoint,
                   "hub URL (default: env HF_ENDPOINT or https://huggingface.co)")
        ->group(kModel);
    app.add_option("--download-dir", c.hub_cache_dir,
                   "where downloads are kept (default $HF_HOME/vela, HF_HOME = ~/.cache/huggingface)")
        ->group(kModel);

    app.add_option("--threads", c.n_threads, "CPU threads for the kernels (default: all cores)")
        ->check(CLI::NonNegativeNumber)
        ->group(kEngine);
    app.add_option("--max-num-seqs", c.max_num_seqs, "sequences batched per step (default 16)")
        ->check(CLI::PositiveNumber)
        ->group(kEngine);
    app.add_option("--block-size", c.block_size, "tokens per KV cache block (default 16)")
        ->check(CLI::Range(1, 256))
        ->group(kEngine);
    app.add_option("--max-num-batched-tokens", h.max_num_batched_tokens,
                   "tokens per engine step, all sequences together (default max(512, --max-num-seqs))")
        ->check(CLI::PositiveNumber)
        ->group(kEngine);
    app.add_option("--prefill-chunk-size", c.prefill_chunk_size,
                   "most prompt tokens of one request per step; 0 = no cap beyond the step (default 0)")
        ->check(CLI::NonNegativeNumber)
        ->group(kEngine);
    app.add_option("--mem", h.mem_mb, "KV cache size in MiB (default: automatic)")
        ->check(CLI::PositiveNumber)
        ->group(kEngine);
    app.add_option("--kv-cache-bytes", h.kv_cache_bytes, "KV cache size in bytes (instead of --mem)")
        ->check(CLI::PositiveNumber)
        ->group(kEngine);
    app.add_option("--max-model-len", c.max_model_len, "cap on prompt + generated tokens per request")
        ->check(CLI::PositiveNumber)
        ->group(kEngine);
    app.add_option("--isq", c.isq, "quantize float weights at load: q8_0, q4_0, q4_k, q5_k, q6_k, ...")
        ->group(kEngine);
    app.add_option("--dtype", c.dtype,
                   "f16, bf16 or f32: weights are used as stored; f32 also makes the KV cache f32")
        ->check(CLI::IsMember({"f16", "bf16", "f32"}))
        ->group(kEngine);
    app.add_option("--kv-cache-dtype", c.kv_cache_dtype,
                   "KV cache element type: f16 or f32 (default f16; f32 with --dtype f32)")
        ->check(CLI::IsMember({"f16", "f32"}))
        ->group(kEngine);

    app.add_option("--temperature", c.sampling.temperature, "default temperature")->group(kSampling);
    app.add_option("--top-p", c.sampling.top_p, "default top_p")->group(kSampling);
    app.add_option("--min-p", c.sampling.min_p, "default min_p")->group(kSampling);
    app.add_option("--top-k", c.sampling.top_k, "default top_k")->group(kSampling);
    app.add_option("--frequency-penalty", c.sampling.frequency_penalty, "default frequency_penalty")
        ->group(kSampling);
    app.add_option("--presence-penalty", c.sampling.presence_penalty, "default presence_penalty")
        ->group(kSampling);

    app.add_option("--queue-size", c.queue_size,
                   "requests that may wait beyond the running ones; more get 503 (default 10)")
        ->check(CLI::NonNegativeNumber)
        ->group(kQueue);
    app.add_option("--request-timeout", c.request_timeout_s,
                   "seconds a request may wait for admission before 503 (default 30)")
        ->check(CLI::PositiveNumber)
        ->group(kQueue);

    app.add_option("--shutdown-timeout", c.shutdown_timeout_s,
                   "seconds in-flight requests get after SIGTERM before they are cancelled (default 20)")
        ->check(CLI::NonNegativeNumber)
        ->group(kMisc);
    app.add_flag("--verbose", c.verbose, "debug logging and an access log")->group(kMisc);
    app.add_flag("--log", h.log, "also log to ./vela.log")->group(kMisc);
    app.add_option("--log-file", c.log_file, "also log to this file")->group(kMisc);
    app.add_option("--mcp-config", c.mcp_config, "mcp.json (env CANDLE_VLLM_MCP_CONFIG); see the README")
        ->group(kMisc);
    app.add_option("--models-config", c.models_config,
                   "models.yaml (env CANDLE_VLLM_MODELS_CONFIG); see the README")
        ->group(kMisc);
    app.add_option("--prompt-cache-backend", h.prompt_cache_backend,
                   "accepted for compatibility: only 'memory' (the always-on prefix cache)")
        ->group(kMisc);

    for (const AcceptedFlag& flag : kAcceptedFlags) {
        CLI::Option* option =
            flag.takes_value ? app.add_option(flag.name)->type_size(1)->expected(1) : app.add_flag(flag.name);
        option->description("accepted for compatibility (no effect in vela)")->group(kMisc);
        h.accepted.emplace_back(option, &flag);
    }
    for (const RejectedFlag& flag : kRejectedFlags) {
        CLI::Option* option =
            flag.takes_value ? app.add_option(flag.name)->type_size(1)->expected(1) : app.add_flag(flag.name);
        option->description("candle-vllm flag that vela rejects (see the README)")->group(kMisc);
        h.rejected.emplace_back(option, &flag);
    }
}

Error invalid(std::string message) {
    return Error{Errc::InvalidArgument, std::move(message)};
}

std::string unknown_flag_message(const std::string& arg) {
    const std::string name = arg.substr(0, arg.find('='));
    const std::vector<std::string> known = known_serve_flags();
    const std::vector<std::string> close = suggest_flags(name, known);
    std::string message = "unknown flag " + name;
    if (!close.empty()) {
        message += "; did you mean ";
        for (size_t i = 0; i < close.size(); ++i)
            message += (i == 0 ? "" : i + 1 == close.size() ? " or " : ", ") + close[i];
        message += "?";
    }
    return message + " (vela serve --help lists every flag)";
}

// Applies environment variables to what the flags left unset, checks combinations, and fills notices.
Result<void> finish(ServeConfig& c, Holders& h, const EnvLookup& env) {
    for (const auto& [option, flag] : h.rejected) {
        if (option->count() > 0) return invalid(flag->reason);
    }
    for (const auto& [option, flag] : h.accepted) {
        if (option->count() > 0) c.notices.emplace_back(flag->notice);
    }
    if (h.prompt_cache_backend) {
        if (*h.prompt_cache_backend != "memory") {
            return invalid("--prompt-cache-backend " + *h.prompt_cache_backend +
                           ": persistent prompt caches are not supported; vela's in-memory prefix cache is "
                           "always on (leave the flag out)");
        }
        c.notices.emplace_back("--prompt-cache-backend memory: vela's in-memory prefix cache is always on");
    }
    if (!c.dtype.empty()) {
        c.notices.emplace_back(
            "--dtype " + c.dtype +
            ": vela uses the weights as stored (F32, F16, BF16 or quantized) and computes in "
            "F32; the flag only sets the KV cache type (f32 with --dtype f32, else f16). "
            "To shrink float weights use --isq q8_0 (or another quantized type)");
    }
    if (h.mem_mb && h.kv_cache_bytes) return invalid("give either --mem (MiB) or --kv-cache-bytes, not both");
    if (h.mem_mb) c.kv_cache_bytes = *h.mem_mb * (int64_t{1} << 20);
    if (h.kv_cache_bytes) c.kv_cache_bytes = *h.kv_cache_bytes;
    c.web_ui = !h.no_ui;
    if (h.log && c.log_file.empty()) c.log_file = "vela.log";

    if (h.api_key) {
        c.api_key = *h.api_key;
    } else if (auto key = env("VELA_API_KEY")) {
        c.api_key = *key;
    }
    if (h.keep_alive_ms) {
        c.sse_keep_alive_ms = *h.keep_alive_ms;
    } else if (auto ms = env("KEEP_ALIVE_INTERVAL")) {
        char* end = nullptr;
        const long value = std::strtol(ms->c_str(), &end, 10);
        if (ms->empty() || *end != '\0' || value < 10 || value > 3600000) {
            return invalid("KEEP_ALIVE_INTERVAL=" + *ms + ": expected milliseconds between 10 and 3600000");
        }
        c.sse_keep_alive_ms = static_cast<int32_t>(value);
    }
    if (c.mcp_config.empty()) c.mcp_config = env("CANDLE_VLLM_MCP_CONFIG").value_or("");
    if (c.models_config.empty()) c.models_config = env("CANDLE_VLLM_MODELS_CONFIG").value_or("");
    if (c.hf_token.empty()) c.hf_token = env("HF_TOKEN").value_or("");
    if (c.hub_endpoint.empty()) c.hub_endpoint = env("HF_ENDPOINT").value_or("");
    if (c.hub_cache_dir.empty()) {
        if (auto home = env("HF_HOME"); home && !home->empty()) {
            c.hub_cache_dir = *home + "/vela";
        } else if (auto user_home = env("HOME"); user_home && !user_home->empty()) {
            c.hub_cache_dir = *user_home + "/.cache/huggingface/vela";
        }
    }
    if (c.hf_token_path.empty()) {
        if (auto home = env("HF_HOME"); home && !home->empty()) {
            c.hf_token_path = *home + "/token";
        } else if (auto user_home = env("HOME"); user_home && !user_home->empty()) {
            c.hf_token_path = *user_home + "/.cache/huggingface/token";
        }
    }

    // With a models.yaml, its default_model may name the model (checked when the file is read).
    if (c.model.empty() && c.weights_dir.empty() && c.weight_file.empty() && c.models_config.empty()) {
        return invalid(
            "no model given: pass --model PATH (a .gguf file or a model folder), --model org/name "
            "(download from the Hugging Face hub), --w FOLDER or --f FILE.gguf");
    }
    c.max_num_batched_tokens =
        h.max_num_batched_tokens.value_or(std::max(c.max_num_batched_tokens, c.max_num_seqs));
    if (c.max_num_batched_tokens < c.max_num_seqs) {
        return invalid("--max-num-batched-tokens (" + std::to_string(c.max_num_batched_tokens) +
                       ") must be at least --max-num-seqs (" + std::to_string(c.max_num_seqs) +
                       ") so every running sequence can decode in one step");
    }
    if (c.prefill_chunk_size % c.block_size != 0) {
        return invalid("--prefill-chunk-size (" + std::to_string(c.prefill_chunk_size) +
                       ") must be 0 or a multiple of --block-size (" + std::to_string(c.block_size) + ")");
    }
    for (const auto& [flag, path] :
         {std::pair{"--mcp-config", c.mcp_config}, {"--models-config", c.models_config}}) {
        if (!path.empty() && !std::filesystem::is_regular_file(path)) {
            return invalid(std::string(flag) + " " + path + ": no such file");
        }
    }
    return {};
}

}  // namespace

EnvLookup process_env() {
    return [](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        if (value == nullptr) return std::nullopt;
        return std::string(value);
    };
}

std::vector<std::string> known_serve_flags() {
    CLI::App app;
    ServeConfig config;
    Holders holders;
    register_flags(app, config, holders);
    std::vector<std::string> names = {"--help"};
    for (const CLI::Option* option : app.get_options()) {
        for (const std::string& name : option->get_lnames())
            names.push_back("--" + name);
    }
    return names;
}

size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
    for (size_t i = 0; i <= a.size(); ++i)
        d[i][0] = i;
    for (size_t j = 0; j <= b.size(); ++j)
        d[0][j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.size()][b.size()];
}

std::vector<std::string> suggest_flags(std::string_view unknown, std::span<const std::string> known) {
    const auto strip = [](std::string_view s) {
        while (!s.empty() && s.front() == '-')
            s.remove_prefix(1);
        return s;
    };
    const std::string_view target = strip(unknown);
    if (target.empty()) return {};
    // Close spellings first (distance within a third of the length, at least 2), then flags that contain
    // the typed name or are contained in it (e.g. --seqs -> --max-num-seqs).
    std::vector<std::pair<size_t, std::string>> scored;
    const size_t limit = std::max<size_t>(2, target.size() / 3);
    for (const std::string& flag : known) {
        const std::string_view name = strip(flag);
        const size_t distance = edit_distance(target, name);
        if (distance <= limit) {
            scored.emplace_back(distance, flag);
        } else if (target.size() >= 3 && name.size() >= 3 &&
                   (name.find(target) != std::string_view::npos ||
                    target.find(name) != std::string_view::npos)) {
            scored.emplace_back(
                limit + 1 +
                    (name.size() > target.size() ? name.size() - target.size() : target.size() - name.size()),
                flag);
        }
    }
    std::stable_sort(scored.begin(), scored.end(),
                     [](const auto& x, const auto& y) { return x.first < y.first; });
    std::vector<std::string> out;
    for (const auto& [score, flag] : scored) {
        if (out.size() == 3) break;
        if (std::find(out.begin(), out.end(), flag) == out.end()) out.push_back(flag);
    }
    return out;
}

Result<ServeArgs> parse_serve_args(const std::vector<std::string>& args, const EnvLookup& env) {
    ServeArgs result;
    Holders holders;
    CLI::App app{"Serve a model over an OpenAI-compatible HTTP API, with a web chat UI at /", "vela serve"};
    app.set_help_flag("--help", "print this help and exit");
    app.allow_extras();
    register_flags(app, result.config, holders);
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    try {
        app.parse(reversed);
    } catch (const CLI::CallForHelp&) {
        result.help = true;
        result.help_text = app.help();
        return result;
    } catch (const CLI::ParseError& e) {
        return invalid(e.what());
    }
    for (const std::string& extra : app.remaining()) {
        if (extra.size() > 1 && extra[0] == '-') return invalid(unknown_flag_message(extra));
        return invalid("unexpected argument '" + extra +
                       "': vela serve takes only flags (--model PATH, ...)");
    }
    if (auto ok = finish(result.config, holders, env); !ok) return std::move(ok).error();
    return result;
}

}  // namespace vela::server
