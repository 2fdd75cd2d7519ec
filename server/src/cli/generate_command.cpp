// `vela generate`: one completion from the command line through the engine, with every sampling flag.
//
//   vela generate --model PATH (--prompt TEXT | --prompt-ids 1,2,3) [--max-tokens N] [--temperature T]
//                 [--top-p P] [--top-k K] [--min-p P] [--repetition-penalty R] [--presence-penalty P]
//                 [--frequency-penalty F] [--logit-bias ID=BIAS ...] [--seed S] [--stop TEXT ...]
//                 [--stop-token-ids 1,2] [--ignore-eos] [--threads N] [--isq TYPE] [--kv-cache-dtype f16|f32]
//                 [--json]
//   --json -> {"prompt_ids":[...],"ids":[...],"text":"...","finish_reason":"stop"|"length",
//              "timings":{"prompt_ms":..,"decode_ms":..,"prompt_tokens_per_s":..,"decode_tokens_per_s":..}}
//   without --json the text streams to stdout and the timings go to stderr.
//
// --prompt text gets BOS as the model's tokenizer says; --prompt-ids are used exactly. Unset sampling
// flags take the model's generation_config.json defaults, then GenerationParams' defaults.
#include <CLI/CLI.hpp>
#include <charconv>
#include <cstdio>
#include <iostream>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "vela/core/engine.h"

namespace vela::server {
namespace {

struct GenerateArgs {
    std::string model;
    std::string prompt;
    std::string prompt_ids;
    std::optional<int32_t> max_tokens;
    std::optional<float> temperature, top_p, min_p, repetition_penalty;
    std::optional<int32_t> top_k;
    float presence_penalty = 0.0f;
    float frequency_penalty = 0.0f;
    std::vector<std::string> logit_bias;
    std::optional<uint64_t> seed;
    std::vector<std::string> stop;
    std::string stop_token_ids;
    bool ignore_eos = false;
    int32_t threads = 0;
    std::string isq;
    std::string kv_cache_dtype = "f16";
    bool json = false;
};

Result<std::map<TokenId, float>> parse_logit_bias(const std::vector<std::string>& items, int32_t vocab_size) {
    std::map<TokenId, float> bias;
    for (const std::string& item : items) {
        const size_t eq = item.find('=');
        if (eq == std::string::npos) {
            return Error{Errc::InvalidArgument, "--logit-bias expects ID=BIAS, got \"" + item + "\""};
        }
        auto id = parse_token_ids(item.substr(0, eq), vocab_size, "--logit-bias");
        if (!id) return std::move(id).error();
        float value = 0.0f;
        const std::string number = item.substr(eq + 1);
        const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
        if (ec != std::errc() || end != number.data() + number.size() || id->size() != 1) {
            return Error{Errc::InvalidArgument, "--logit-bias expects ID=BIAS, got \"" + item + "\""};
        }
        bias[id->front()] = value;
    }
    return bias;
}

Result<GenerationParams> make_params(const GenerateArgs& args, const ModelInfo& info) {
    GenerationParams p;
    p.max_tokens = args.max_tokens.value_or(info.default_max_tokens.value_or(p.max_tokens));
    p.temperature = args.temperature.value_or(info.default_temperature.value_or(p.temperature));
    p.top_p = args.top_p.value_or(info.default_top_p.value_or(p.top_p));
    p.top_k = args.top_k.value_or(info.default_top_k.value_or(p.top_k));
    p.min_p = args.min_p.value_or(info.default_min_p.value_or(p.min_p));
    p.repetition_penalty = args.repetition_penalty.value_or(info.default_repetition_penalty.value_or(1.0f));
    p.presence_penalty = args.presence_penalty;
    p.frequency_penalty = args.frequency_penalty;
    p.seed = args.seed;
    p.stop = args.stop;
    p.ignore_eos = args.ignore_eos;
    p.skip_special_tokens = false;
    auto bias = parse_logit_bias(args.logit_bias, info.vocab_size);
    if (!bias) return std::move(bias).error();
    p.logit_bias = std::move(*bias);
    if (!args.stop_token_ids.empty()) {
        auto ids = parse_token_ids(args.stop_token_ids, info.vocab_size, "--stop-token-ids");
        if (!ids) return std::move(ids).error();
        p.stop_token_ids = std::move(*ids);
    }
    if (auto valid = validate(p); !valid) return std::move(valid).error();
    return p;
}

int run_generate(const GenerateArgs& args) {
    if (args.prompt.empty() == args.prompt_ids.empty()) {
        return report("generate",
                      Error{Errc::InvalidArgument, "give exactly one of --prompt and --prompt-ids"});
    }
    auto builder = InferenceEngine::builder().model_path(args.model).n_threads(args.threads).max_num_seqs(1);
    if (!args.isq.empty()) builder.isq(args.isq);
    builder.kv_cache_dtype(args.kv_cache_dtype);
    // One request: its log lines would only clutter the output.
    builder.log([](LogLevel level, std::string_view line) {
        if (level >= LogLevel::Warning) std::cerr << "vela generate: " << line << '\n';
    });
    auto engine = builder.build();
    if (!engine) return report("generate", engine.error());
    const ModelInfo& info = (*engine)->model_info();

    std::vector<TokenId> prompt;
    if (!args.prompt_ids.empty()) {
        auto ids = parse_token_ids(args.prompt_ids, info.vocab_size, "--prompt-ids");
        if (!ids) return report("generate", ids.error());
        prompt = std::move(*ids);
    } else {
        prompt = (*engine)->tokenize(args.prompt, true);
    }
    auto params = make_params(args, info);
    if (!params) return report("generate", params.error());

    auto outputs = (*engine)->generate_stream(prompt, *params, [&](const GenerationEvent& event) {
        if (!args.json) {
            std::cout << event.text;
            std::cout.flush();
        }
        return true;
    });
    if (!outputs) return report("generate", outputs.error());
    const GenerationOutput& out = outputs->front();
    if (out.finish_reason.kind == FinishReason::Kind::Error) {
        return report("generate", Error{Errc::Internal, out.finish_reason.detail});
    }
    const GenerationStats& s = out.stats;
    const double prompt_ms = s.time_to_first_token_ms;
    const double decode_ms = s.total_time_ms - s.time_to_first_token_ms;
    const int32_t n_decoded = std::max(0, s.generated_tokens - 1);  // the first token came with the prompt
    const double prompt_tps = prompt_ms > 0 ? 1000.0 * static_cast<double>(s.prompt_tokens) / prompt_ms : 0.0;
    const double decode_tps = decode_ms > 0 ? 1000.0 * static_cast<double>(n_decoded) / decode_ms : 0.0;
    const bool length = out.finish_reason.kind == FinishReason::Kind::Length;
    if (args.json) {
        print_json(nlohmann::json{{"prompt_ids", prompt},
                                  {"ids", out.token_ids},
                                  {"text", out.text},
                                  {"finish_reason", length ? "length" : "stop"},
                                  {"timings",
                                   {{"prompt_ms", prompt_ms},
                                    {"decode_ms", decode_ms},
                                    {"prompt_tokens_per_s", prompt_tps},
                                    {"decode_tokens_per_s", decode_tps}}}});
    } else {
        std::cout << '\n';
        std::fprintf(
            stderr,
            "\nprompt: %d tokens, %.1f ms (%.1f tokens/s); generated: %d tokens, %.1f tokens/s (%s)\n",
            s.prompt_tokens, prompt_ms, prompt_tps, s.generated_tokens, decode_tps,
            length ? "length" : "stop");
    }
    return 0;
}

}  // namespace

void add_generate_command(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<GenerateArgs>();
    CLI::App* sub = app.add_subcommand("generate", "Generate a completion for a prompt");
    sub->add_option("--model", args->model, "a .gguf file or a Hugging Face model folder")->required();
    sub->add_option("--prompt", args->prompt, "prompt text (BOS added as the model says)");
    sub->add_option("--prompt-ids", args->prompt_ids, "prompt token ids, comma-separated, used exactly");
    sub->add_option("--max-tokens", args->max_tokens, "most tokens to generate");
    sub->add_option("--temperature", args->temperature, "sampling temperature; 0 = greedy");
    sub->add_option("--top-p", args->top_p, "nucleus sampling mass");
    sub->add_option("--top-k", args->top_k, "keep the k most likely tokens; 0 = off");
    sub->add_option("--min-p", args->min_p, "drop tokens below min_p * p(best)");
    sub->add_option("--repetition-penalty", args->repetition_penalty,
                    "penalty for repeated tokens (1 = off)");
    sub->add_option("--presence-penalty", args->presence_penalty, "OpenAI presence penalty");
    sub->add_option("--frequency-penalty", args->frequency_penalty, "OpenAI frequency penalty");
    sub->add_option("--logit-bias", args->logit_bias, "ID=BIAS added to a token's logit (repeatable)");
    sub->add_option("--seed", args->seed, "random seed");
    sub->add_option("--stop", args->stop, "stop string (repeatable)");
    sub->add_option("--stop-token-ids", args->stop_token_ids, "token ids that stop generation");
    sub->add_flag("--ignore-eos", args->ignore_eos, "do not stop at end-of-generation tokens");
    sub->add_option("--threads", args->threads, "CPU threads (default: all cores)");
    sub->add_option("--isq", args->isq, "quantize F32/F16/BF16 weights at load (q8_0, q4_k, ...)");
    sub->add_option("--kv-cache-dtype", args->kv_cache_dtype, "KV cache element type: f16 (default) or f32");
    sub->add_flag("--json", args->json, "print one JSON object instead of streaming text");
    sub->callback([args, &exit_code] { exit_code = run_generate(*args); });
}

}  // namespace vela::server
