// OpenAIAdapter end to end on a real InferenceEngine over a tiny random-weight Qwen3 model (real
// vocabulary, chat template and Hermes tool-call format; tiny_model.h). Requests are written as JSON
// and parsed by the codec, as the server does; every response, chunk and error is written back to
// JSON and checked against OpenAI's shapes (openai_shapes.h). Stream results are folded here, by the
// test, independently of the adapter's own folder, and compared with the non-streamed response of
// the same seeded request.
#include "vela/openai/adapter.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "adapter/generation_settings.h"
#include "unit/openai/adapter/openai_shapes.h"
#include "unit/openai/adapter/tiny_model.h"
#include "vela/openai/codec.h"

namespace vela::openai {
namespace {

using testing::chat_completion_shape_problems;
using testing::chunk_shape_problems;
using testing::error_shape_problems;
using Json = nlohmann::json;

constexpr TokenId kImEnd = 151645;     // <|im_end|>
constexpr TokenId kThinkEnd = 151668;  // </think>

OpenAIAdapter* adapter() {
    static std::unique_ptr<OpenAIAdapter> instance = []() -> std::unique_ptr<OpenAIAdapter> {
        auto engine = testing::tiny_qwen3_engine();
        if (!engine) return nullptr;
        auto made = OpenAIAdapter::create(engine);
        EXPECT_TRUE(made.ok()) << (made.ok() ? "" : made.error().message());
        return made.ok() ? std::move(*made) : nullptr;
    }();
    return instance.get();
}

const char* kTools = R"([
  {"type":"function","function":{"name":"get_weather","description":"Weather for a city",
   "parameters":{"type":"object","properties":{"city":{"enum":["Oslo","Paris","Lima"]},
   "days":{"type":"integer","minimum":1,"maximum":7}},"required":["city","days"],
   "additionalProperties":false}}},
  {"type":"function","function":{"name":"get_time","description":"Time in a zone",
   "parameters":{"type":"object","properties":{"tz":{"type":"string","maxLength":6}},"required":["tz"],
   "additionalProperties":false}}}])";

// A request: the base fields, then `extra` members (JSON object text without braces) merged over them.
// A member set to null is removed.
ChatCompletionRequest request(const std::string& extra = "") {
    Json j = Json::parse(R"({"model":"tiny","messages":[{"role":"user","content":"Tell me a story"}],
        "max_tokens":10,"temperature":1,"seed":7,"ignore_eos":true,
        "chat_template_kwargs":{"enable_thinking":false}})");
    if (!extra.empty()) j.update(Json::parse("{" + extra + "}"));
    for (auto it = j.begin(); it != j.end();) {
        it = it->is_null() ? j.erase(it) : std::next(it);
    }
    auto parsed = parse_chat_completion_request(j.dump());
    EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message) << "\n" << j.dump();
    return parsed.ok() ? *parsed : ChatCompletionRequest{};
}

std::string with_tools(const std::string& extra) {
    return std::string("\"tools\":") + kTools + (extra.empty() ? "" : "," + extra);
}

struct Streamed {
    std::vector<Json> chunks;
    std::optional<OpenAIError> error;
    bool ok = false;  // the stream started
};

Streamed stream(const ChatCompletionRequest& r) {
    Streamed out;
    auto s = adapter()->chat_completion_stream(r);
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
    if (!s) return out;
    out.ok = true;
    for (;;) {
        ChatCompletionStream::Item item = (*s)->next();
        if (item.kind == ChatCompletionStream::Item::Kind::Chunk) {
            Json j = Json::parse(to_json(item.chunk));
            EXPECT_EQ(chunk_shape_problems(j), "") << j.dump();
            out.chunks.push_back(std::move(j));
            continue;
        }
        if (item.kind == ChatCompletionStream::Item::Kind::Error) {
            EXPECT_EQ(error_shape_problems(Json::parse(to_json(item.error))), "");
            out.error = item.error;
        }
        break;
    }
    return out;
}

Json complete(const ChatCompletionRequest& r) {
    auto response = adapter()->chat_completion(r);
    EXPECT_TRUE(response.ok()) << (response.ok() ? "" : response.error().message);
    if (!response) return Json();
    Json j = Json::parse(to_json(*response));
    EXPECT_EQ(chat_completion_shape_problems(j), "") << j.dump();
    return j;
}

// One choice's message as the client would rebuild it from the deltas.
struct Folded {
    std::string content;
    std::string reasoning;
    Json tool_calls = Json::array();
    std::string finish_reason;
    int n_role_chunks = 0;
};

std::map<int, Folded> fold(const std::vector<Json>& chunks) {
    std::map<int, Folded> out;
    for (const Json& c : chunks) {
        for (const Json& choice : c["choices"]) {
            Folded& f = out[choice["index"].get<int>()];
            const Json& d = choice["delta"];
            if (d.contains("role")) ++f.n_role_chunks;
            if (d.contains("content") && d["content"].is_string())
                f.content += d["content"].get<std::string>();
            if (d.contains("reasoning_content")) f.reasoning += d["reasoning_content"].get<std::string>();
            if (d.contains("tool_calls")) {
                for (const Json& t : d["tool_calls"]) {
                    const auto k = t["index"].get<size_t>();
                    while (f.tool_calls.size() <= k)
                        f.tool_calls.push_back(Json{{"function", {{"arguments", ""}}}});
                    Json& call = f.tool_calls[k];
                    if (t.contains("id")) {
                        call["id"] = t["id"];
                        call["type"] = t["type"];
                        call["function"]["name"] = t["function"]["name"];
                    }
                    call["function"]["arguments"] = call["function"]["arguments"].get<std::string>() +
                                                    t["function"]["arguments"].get<std::string>();
                }
            }
            if (!choice["finish_reason"].is_null()) f.finish_reason = choice["finish_reason"];
        }
    }
    return out;
}

void expect_stream_equals_response(const ChatCompletionRequest& r, const std::string& label) {
    SCOPED_TRACE(label);
    const Json response = complete(r);
    const Streamed streamed = stream(r);
    ASSERT_FALSE(streamed.error) << streamed.error->message;
    const std::map<int, Folded> folded = fold(streamed.chunks);
    ASSERT_EQ(folded.size(), response["choices"].size());
    for (const Json& choice : response["choices"]) {
        const Folded& f = folded.at(choice["index"].get<int>());
        const Json& m = choice["message"];
        EXPECT_EQ(f.content, m["content"].is_null() ? "" : m["content"].get<std::string>());
        EXPECT_EQ(f.reasoning, m.value("reasoning_content", ""));
        EXPECT_EQ(f.tool_calls, m.value("tool_calls", Json::array()));
        EXPECT_EQ(f.finish_reason, choice["finish_reason"]);
        EXPECT_EQ(f.n_role_chunks, 1);
    }
    // The callback form folds to the same response as well.
    std::vector<Json> seen;
    auto via_callback = adapter()->chat_completion_stream(r, [&](const ChatCompletionChunk& c) {
        seen.push_back(Json::parse(to_json(c)));
        return true;
    });
    ASSERT_TRUE(via_callback.ok()) << via_callback.error().message;
    Json j = Json::parse(to_json(*via_callback));
    EXPECT_EQ(j["choices"], response["choices"]);
    EXPECT_EQ(seen.size(), streamed.chunks.size());
}

class OpenAIAdapterTest : public ::testing::Test {
  protected:
    void SetUp() override {
        if (!adapter()) GTEST_FAIL() << "no adapter over the tiny model";
    }
};

TEST_F(OpenAIAdapterTest, CapabilitiesFollowTheQwen3Template) {
    const AdapterCapabilities& caps = adapter()->capabilities();
    EXPECT_EQ(caps.tool_format, "hermes");
    EXPECT_EQ(caps.reasoning_format, "think");
    EXPECT_EQ(caps.chat_template_origin, "model");
    EXPECT_TRUE(caps.template_renders_tools);
    EXPECT_TRUE(caps.tool_choice_enforceable);
}

TEST_F(OpenAIAdapterTest, StreamIsRoleFirstThenDeltasThenFinishThenUsage) {
    const Streamed s = stream(request(R"("stream":true,"stream_options":{"include_usage":true})"));
    ASSERT_GE(s.chunks.size(), 3u);
    ASSERT_FALSE(s.error);
    const Json& first = s.chunks.front();
    ASSERT_EQ(first["choices"].size(), 1u);
    EXPECT_EQ(first["choices"][0]["delta"], (Json{{"role", "assistant"}, {"content", ""}}));
    EXPECT_TRUE(first["choices"][0]["finish_reason"].is_null());
    const std::string id = first["id"];
    for (size_t i = 0; i < s.chunks.size(); ++i) {
        const Json& c = s.chunks[i];
        EXPECT_EQ(c["id"], id);
        EXPECT_EQ(c["created"], first["created"]);
        const bool last = i + 1 == s.chunks.size();
        const bool finish = i + 2 == s.chunks.size();
        ASSERT_TRUE(c.contains("usage")) << i;
        if (last) {
            EXPECT_TRUE(c["choices"].empty());
            ASSERT_TRUE(c["usage"].is_object());
            EXPECT_EQ(c["usage"]["completion_tokens"], 10);
            EXPECT_GT(c["usage"]["prompt_tokens"].get<int>(), 5);
            continue;
        }
        EXPECT_TRUE(c["usage"].is_null()) << i;
        ASSERT_EQ(c["choices"].size(), 1u);
        if (i > 0) {
            EXPECT_FALSE(c["choices"][0]["delta"].contains("role")) << i;
        }
        if (finish) {
            EXPECT_EQ(c["choices"][0]["finish_reason"], "length");
            EXPECT_EQ(c["choices"][0]["delta"], Json::object());
        } else {
            EXPECT_TRUE(c["choices"][0]["finish_reason"].is_null()) << i;
        }
    }
    EXPECT_FALSE(fold(s.chunks)[0].content.empty());
}

TEST_F(OpenAIAdapterTest, NoUsageChunkUnlessAsked) {
    const Streamed s = stream(request(R"("stream":true)"));
    ASSERT_FALSE(s.chunks.empty());
    for (const Json& c : s.chunks) {
        EXPECT_FALSE(c.contains("usage") && !c["usage"].is_null()) << c.dump();
        EXPECT_EQ(c["choices"].size(), 1u);
    }
    EXPECT_EQ(s.chunks.back()["choices"][0]["finish_reason"], "length");
}

TEST_F(OpenAIAdapterTest, StreamingEqualsNonStreaming) {
    expect_stream_equals_response(request(), "plain");
    expect_stream_equals_response(request(R"("n":3,"max_tokens":6)"), "n=3");
    expect_stream_equals_response(request(with_tools(R"("tool_choice":"required","max_tokens":200,
        "ignore_eos":false)")),
                                  "tool_choice required");
    expect_stream_equals_response(
        request(with_tools(R"("tool_choice":{"type":"function","function":{"name":"get_time"}},
        "max_tokens":200,"ignore_eos":false,"n":2)")),
        "named tool");
    expect_stream_equals_response(
        request(R"("response_format":{"type":"json_schema","json_schema":{"name":"p","strict":true,
        "schema":{"type":"object","properties":{"ok":{"type":"boolean"},"n":{"enum":[1,2,3]}},
        "required":["ok","n"],"additionalProperties":false}}},"max_tokens":40,"ignore_eos":false)"),
        "json_schema");
    // A prompt that opens the reasoning block: everything until </think> is reasoning.
    expect_stream_equals_response(
        request(
            R"("chat_template":"{{ '<|im_start|>user\n' + messages[0].content + '<|im_end|>\n<|im_start|>assistant\n<think>\n' }}",
        "logit_bias":{"151668":4.0},"max_tokens":24)"),
        "reasoning");
}

TEST_F(OpenAIAdapterTest, ReasoningBlockGoesToReasoningContentAndIsCounted) {
    // The prompt opens <think>; </think> is banned, so every generated token is reasoning.
    const Json r = complete(request(
        R"("chat_template":"{{ '<|im_start|>user\n' + messages[0].content + '<|im_end|>\n<|im_start|>assistant\n<think>\n' }}",
        "logit_bias":{"151668":-100},"max_tokens":12)"));
    ASSERT_EQ(r["choices"].size(), 1u);
    const Json& m = r["choices"][0]["message"];
    EXPECT_TRUE(m["content"].is_null() || m["content"] == "") << m.dump();
    ASSERT_TRUE(m.contains("reasoning_content")) << m.dump();
    EXPECT_FALSE(m["reasoning_content"].get<std::string>().empty());
    EXPECT_EQ(m["reasoning"], m["reasoning_content"]);
    EXPECT_EQ(r["usage"]["completion_tokens_details"]["reasoning_tokens"], 12);

    // </think> forced as the first token: nothing is reasoning, the rest is content.
    const Json closed = complete(request(
        R"("chat_template":"{{ '<|im_start|>user\n' + messages[0].content + '<|im_end|>\n<|im_start|>assistant\n<think>\n' }}",
        "logit_bias":{"151668":100},"max_tokens":1)"));
    EXPECT_EQ(closed["choices"][0]["message"]["content"], "");
    EXPECT_FALSE(closed["choices"][0]["message"].contains("reasoning_content"));
    EXPECT_EQ(closed["usage"]["completion_tokens_details"]["reasoning_tokens"], 1);
}

TEST_F(OpenAIAdapterTest, NChoicesSumTheirTokensInUsage) {
    const Json r = complete(request(R"("n":3,"max_tokens":5)"));
    ASSERT_EQ(r["choices"].size(), 3u);
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(r["choices"][i]["index"], i);
        EXPECT_EQ(r["choices"][i]["finish_reason"], "length");
    }
    EXPECT_EQ(r["usage"]["completion_tokens"], 15);
    // The choices are independent samples: with 10 random tokens each they differ.
    EXPECT_NE(r["choices"][0]["message"]["content"], r["choices"][1]["message"]["content"]);
}

TEST_F(OpenAIAdapterTest, LogprobsHaveOpenAIsShape) {
    const Json r =
        complete(request(R"("logprobs":true,"top_logprobs":3,"temperature":0,"max_tokens":6,"n":2)"));
    ASSERT_EQ(r["choices"].size(), 2u);
    for (const Json& choice : r["choices"]) {
        const Json& content = choice["logprobs"]["content"];
        ASSERT_EQ(content.size(), 6u);
        for (const Json& e : content) {
            const Json& top = e["top_logprobs"];
            ASSERT_EQ(top.size(), 3u);
            double mass = 0;
            for (size_t k = 0; k < top.size(); ++k) {
                mass += std::exp(top[k]["logprob"].get<double>());
                if (k > 0) {
                    EXPECT_GE(top[k - 1]["logprob"].get<double>(), top[k]["logprob"].get<double>());
                }
            }
            EXPECT_LE(mass, 1.0 + 1e-6);
            // Greedy: the chosen token is the most likely one.
            EXPECT_EQ(e["token"], top[0]["token"]);
            EXPECT_DOUBLE_EQ(e["logprob"].get<double>(), top[0]["logprob"].get<double>());
            const std::string token = e["token"];
            if (e["bytes"].is_array()) {
                std::string bytes;
                for (const Json& b : e["bytes"])
                    bytes.push_back(static_cast<char>(b.get<int>()));
                if (bytes.find('\xef') == std::string::npos) {
                    EXPECT_EQ(bytes, token);
                }
            }
        }
    }
    // No logprobs unless asked.
    EXPECT_TRUE(complete(request())["choices"][0]["logprobs"].is_null());
}

TEST_F(OpenAIAdapterTest, FinishReasons) {
    EXPECT_EQ(complete(request())["choices"][0]["finish_reason"], "length");
    const Json stopped = complete(request(R"("logit_bias":{"151645":100},"ignore_eos":false)"));
    EXPECT_EQ(stopped["choices"][0]["finish_reason"], "stop");
    EXPECT_EQ(stopped["usage"]["completion_tokens"], 1);
    const Json calls =
        complete(request(with_tools(R"("tool_choice":"required","max_tokens":200,"ignore_eos":false,
        "parallel_tool_calls":false)")));
    EXPECT_EQ(calls["choices"][0]["finish_reason"], "tool_calls") << calls.dump();
    ASSERT_TRUE(calls["choices"][0]["message"].contains("tool_calls"));
}

TEST_F(OpenAIAdapterTest, MaxCompletionTokensBeatsMaxTokens) {
    EXPECT_EQ(complete(request(R"("max_tokens":3)"))["usage"]["completion_tokens"], 3);
    EXPECT_EQ(complete(request(R"("max_tokens":3,"max_completion_tokens":5)"))["usage"]["completion_tokens"],
              5);
    const ChatCompletionRequest only_new = request(R"("max_completion_tokens":4,"max_tokens":null)");
    EXPECT_FALSE(only_new.max_tokens.has_value());
    EXPECT_EQ(complete(only_new)["usage"]["completion_tokens"], 4);
}

TEST_F(OpenAIAdapterTest, OmittedFieldsTakeServerThenGenerationConfigDefaults) {
    const ModelInfo& info = adapter()->engine().model_info();
    ASSERT_EQ(info.default_temperature, std::optional<float>(0.6f));  // the tiny model's generation_config
    SamplingFields none;
    auto from_model = make_generation_params(none, AdapterConfig{}, info, 10);
    ASSERT_TRUE(from_model.ok());
    EXPECT_FLOAT_EQ(from_model->temperature, 0.6f);
    EXPECT_FLOAT_EQ(from_model->top_p, 0.95f);
    EXPECT_EQ(from_model->top_k, 20);
    EXPECT_EQ(from_model->max_tokens, 4096 / 5);
    EXPECT_TRUE(from_model->skip_special_tokens);
    AdapterConfig server;
    server.temperature = 0.3f;
    server.max_tokens = 50;
    auto from_server = make_generation_params(none, server, info, 10);
    ASSERT_TRUE(from_server.ok());
    EXPECT_FLOAT_EQ(from_server->temperature, 0.3f);
    EXPECT_FLOAT_EQ(from_server->top_p, 0.95f);
    EXPECT_EQ(from_server->max_tokens, 50);
    SamplingFields given;
    given.temperature = 1.5f;
    given.top_k = -1;
    auto from_request = make_generation_params(given, server, info, 10);
    ASSERT_TRUE(from_request.ok());
    EXPECT_FLOAT_EQ(from_request->temperature, 1.5f);
    EXPECT_EQ(from_request->top_k, 0);
    // A default never exceeds what fits after the prompt; an explicit value that does not fit is a 400.
    auto near_full = make_generation_params(none, AdapterConfig{}, info, 4090);
    ASSERT_TRUE(near_full.ok());
    EXPECT_EQ(near_full->max_tokens, 6);
    given.max_tokens = 100;
    auto too_long = make_generation_params(given, AdapterConfig{}, info, 4090);
    ASSERT_FALSE(too_long.ok());
    EXPECT_EQ(too_long.error().code, "context_length_exceeded");
    // And through the adapter: an omitted max_tokens on the server default.
    AdapterConfig config;
    config.max_tokens = 4;
    auto small = OpenAIAdapter::create(adapter()->shared_engine(), config);
    ASSERT_TRUE(small.ok());
    ChatCompletionRequest r = request();
    r.max_tokens.reset();
    auto response = (*small)->chat_completion(r);
    ASSERT_TRUE(response.ok()) << response.error().message;
    EXPECT_EQ(response->usage.completion_tokens, 4);
}

TEST_F(OpenAIAdapterTest, FunctionsAndFunctionCallMapOntoTools) {
    const ChatCompletionRequest r = request(R"("functions":[{"name":"get_time","description":"Time",
        "parameters":{"type":"object","properties":{"tz":{"type":"string","maxLength":6}},"required":["tz"],
        "additionalProperties":false}}],"function_call":{"name":"get_time"},"max_tokens":200,"ignore_eos":false)");
    ASSERT_TRUE(r.tools.has_value());
    ASSERT_EQ(r.tools->size(), 1u);
    EXPECT_EQ((*r.tools)[0].name, "get_time");
    ASSERT_TRUE(r.tool_choice.has_value());
    EXPECT_EQ(r.tool_choice->mode, ToolChoice::Mode::Function);
    EXPECT_EQ(r.tool_choice->function_name, "get_time");
    const Json response = complete(r);
    const Json& calls = response["choices"][0]["message"]["tool_calls"];
    ASSERT_EQ(calls.size(), 1u) << response.dump();
    EXPECT_EQ(calls[0]["function"]["name"], "get_time");
    const Json args = Json::parse(calls[0]["function"]["arguments"].get<std::string>(), nullptr, false);
    ASSERT_TRUE(args.is_object()) << calls.dump();
    EXPECT_TRUE(args["tz"].is_string());
    // function_call "none" means no tools.
    const ChatCompletionRequest none = request(R"("functions":[{"name":"f"}],"function_call":"none")");
    ASSERT_TRUE(none.tool_choice.has_value());
    EXPECT_EQ(none.tool_choice->mode, ToolChoice::Mode::None);
}

// Parses `json` and expects a 400 whose param is `param` and whose message names `named`.
void expect_rejected(const std::string& json, const std::string& param, const std::string& named) {
    SCOPED_TRACE(json);
    auto parsed = parse_chat_completion_request(json);
    std::optional<OpenAIError> error;
    if (!parsed) {
        error = parsed.error();
    } else {
        auto response = adapter()->chat_completion(*parsed);
        ASSERT_FALSE(response.ok());
        error = response.error();
    }
    EXPECT_EQ(error->status, 400);
    EXPECT_EQ(error->param, std::optional<std::string>(param));
    EXPECT_NE(error->message.find(named), std::string::npos) << error->message;
    EXPECT_EQ(error_shape_problems(Json::parse(to_json(*error))), "");
}

TEST_F(OpenAIAdapterTest, ValidationErrorsNameTheField) {
    const std::string msgs = R"("model":"tiny","messages":[{"role":"user","content":"hi"}])";
    expect_rejected("{" + msgs + R"(,"temperature":3})", "temperature", "temperature");
    expect_rejected("{" + msgs + R"(,"n":0})", "n", "n");
    expect_rejected("{" + msgs + R"(,"top_logprobs":40,"logprobs":true})", "top_logprobs", "top_logprobs");
    expect_rejected(R"({"model":"tiny","messages":[{"role":"wizard","content":"hi"}]})", "messages[0].role",
                    "wizard");
    expect_rejected(R"({"model":"tiny"})", "messages", "messages");
    expect_rejected("{" + msgs + R"(,"logit_bias":{"999999999":1}})", "logit_bias", "logit_bias");
    expect_rejected("{" + msgs + R"(,"tools":)" + kTools + R"(,"tool_choice":{"type":"function",
        "function":{"name":"nope"}}})",
                    "tool_choice.function.name", "nope");
    expect_rejected("{" + msgs + R"(,"max_tokens":100000})", "messages", "maximum context length");
}

TEST_F(OpenAIAdapterTest, FieldsThatCannotBeHonouredAreRejectedByName) {
    const std::string msgs = R"("model":"tiny","messages":[{"role":"user","content":"hi"}])";
    expect_rejected("{" + msgs + R"(,"use_beam_search":true})", "use_beam_search", "use_beam_search");
    expect_rejected("{" + msgs + R"(,"best_of":3})", "best_of", "best_of");
    expect_rejected(R"({"model":"tiny","messages":[{"role":"user","content":[{"type":"image_url",
        "image_url":{"url":"http://x/y.png"}}]}]})",
                    "messages[0].content[0].type", "image_url");
    expect_rejected("{" + msgs + R"(,"response_format":{"type":"json_schema","json_schema":{"name":"x",
        "schema":{"type":"object","patternProperties":{"^a":{"type":"string"}}}}}})",
                    "response_format.json_schema.schema", "patternProperties");
}

TEST_F(OpenAIAdapterTest, UnknownFieldsAreIgnored) {
    const ChatCompletionRequest plain = request();
    const ChatCompletionRequest extra = request(R"("frobnicate":{"x":[1,2]},"another_vendor_field":"y")");
    EXPECT_EQ(plain, extra);
    EXPECT_EQ(complete(extra)["choices"], complete(plain)["choices"]);
}

TEST_F(OpenAIAdapterTest, ToolChoiceNoneRendersNoTools) {
    auto with = adapter()->render_prompt(request(with_tools("")));
    ASSERT_TRUE(with.ok());
    EXPECT_NE(with->text.find("<tools>"), std::string::npos);
    auto none = adapter()->render_prompt(request(with_tools(R"("tool_choice":"none")")));
    ASSERT_TRUE(none.ok());
    EXPECT_EQ(none->text.find("<tools>"), std::string::npos);
    EXPECT_EQ(none->text.find("get_weather"), std::string::npos);
    // And the output is not parsed for calls: a forced <tool_call> stays content.
    const Json r =
        complete(request(with_tools(R"("tool_choice":"none","logit_bias":{"151657":100},"max_tokens":2)")));
    EXPECT_FALSE(r["choices"][0]["message"].contains("tool_calls")) << r.dump();
    EXPECT_EQ(r["choices"][0]["finish_reason"], "length");
}

TEST_F(OpenAIAdapterTest, AllowedToolsNarrowTheSet) {
    const ChatCompletionRequest r = request(with_tools(R"("tool_choice":{"type":"allowed_tools",
        "allowed_tools":{"mode":"required","tools":[{"type":"function","function":{"name":"get_time"}}]}},
        "max_tokens":200,"ignore_eos":false)"));
    auto prompt = adapter()->render_prompt(r);
    ASSERT_TRUE(prompt.ok()) << prompt.error().message;
    EXPECT_NE(prompt->text.find("get_time"), std::string::npos);
    EXPECT_EQ(prompt->text.find("get_weather"), std::string::npos);
    const Json response = complete(r);
    const Json& calls = response["choices"][0]["message"]["tool_calls"];
    ASSERT_FALSE(calls.empty()) << response.dump();
    for (const Json& c : calls)
        EXPECT_EQ(c["function"]["name"], "get_time");
}

}  // namespace
}  // namespace vela::openai

namespace vela::openai {
namespace {

TEST_F(OpenAIAdapterTest, CancelCheckStopsARequestWhoseTokensKeepComing) {
    // The tiny model decodes a token every few milliseconds, so chunks never pause for the 100 ms
    // poll interval: the check must also run between chunks.
    int n_checks = 0;
    const auto started = std::chrono::steady_clock::now();
    auto response = adapter()->chat_completion(request(R"("max_tokens":3000)"), [&] {
        ++n_checks;
        return std::chrono::steady_clock::now() - started > std::chrono::milliseconds(300);
    });
    ASSERT_FALSE(response.ok()) << "ran to the end: " << response->usage.completion_tokens << " tokens";
    EXPECT_EQ(response.error().status, 503);
    EXPECT_GE(n_checks, 1);
    CompletionRequest completion;
    completion.model = "tiny";
    completion.prompts = {CompletionPrompt{}};
    completion.prompts[0].text = "Once upon a time";
    completion.max_tokens = 3000;
    completion.ignore_eos = true;
    const auto started_completion = std::chrono::steady_clock::now();
    auto text = adapter()->completion(completion, [&] {
        return std::chrono::steady_clock::now() - started_completion > std::chrono::milliseconds(300);
    });
    ASSERT_FALSE(text.ok()) << "ran to the end: " << text->usage.completion_tokens << " tokens";
    EXPECT_EQ(text.error().status, 503);
}

}  // namespace
}  // namespace vela::openai
