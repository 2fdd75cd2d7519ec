// Constrained decoding through the whole serving path: OpenAIAdapter over an InferenceEngine running a
// tiny random-weight Qwen3 model (real 151k vocabulary, chat template and Hermes tool-call format).
// For tool_choice "required" (with parallel_tool_calls false), a named function and response_format
// json_schema, 100 generations each are sampled at temperature 1 over the full distribution (top_p 1,
// no top_k); the allowed_tools form, parallel calls and a strict tool under "auto" get fewer. Every one must
// end on its own (the grammar finishes within the token budget), every call must name a tool of the request,
// and every argument object and structured answer must parse as JSON and validate against its schema with
// valijson, an independent validator. A control run without enforcement shows the same model's
// unconstrained arguments do not validate, so the check has teeth. Schemas are bounded (enums,
// integer ranges, maxLength, maxItems) so answers stay short.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>
#include <vector>

#include "unit/openai/adapter/tiny_model.h"
#include "vela/openai/adapter.h"
#include "vela/openai/codec.h"

namespace vela::openai {
namespace {

using Json = nlohmann::json;

constexpr int kGenerations = 100;
constexpr int kChoicesPerRequest = 25;
constexpr TokenId kToolCallToken = 151657;  // <tool_call>

const char* kTools = R"([
  {"type":"function","function":{"name":"get_weather","description":"Weather for a city",
   "parameters":{"type":"object","properties":{"city":{"enum":["Oslo","Paris","Lima"]},
   "days":{"type":"integer","minimum":1,"maximum":7},"units":{"enum":["C","F"]}},
   "required":["city","days"],"additionalProperties":false}}},
  {"type":"function","function":{"name":"get_time","description":"Time in a zone",
   "parameters":{"type":"object","properties":{"tz":{"type":"string","maxLength":6},
   "exact":{"type":"boolean"}},"required":["tz","exact"],"additionalProperties":false}}}])";

const char* kAnswerSchema = R"({"type":"object","properties":{
   "name":{"type":"string","minLength":1,"maxLength":8},
   "age":{"type":"integer","minimum":0,"maximum":120},
   "score":{"type":"number","minimum":-1,"maximum":1},
   "tags":{"type":"array","items":{"enum":["a","b","c"]},"maxItems":3},
   "ok":{"type":"boolean"},
   "kind":{"anyOf":[{"type":"null"},{"const":"x"}]}},
   "required":["name","age","score","tags","ok","kind"],"additionalProperties":false})";

OpenAIAdapter* adapter() {
    static std::unique_ptr<OpenAIAdapter> instance = []() -> std::unique_ptr<OpenAIAdapter> {
        auto engine = testing::tiny_qwen3_engine(kChoicesPerRequest);
        if (!engine) return nullptr;
        auto made = OpenAIAdapter::create(engine);
        EXPECT_TRUE(made.ok()) << (made.ok() ? "" : made.error().message());
        return made.ok() ? std::move(*made) : nullptr;
    }();
    return instance.get();
}

bool validates(const Json& schema_doc, const Json& doc, std::string& why) {
    valijson::Schema schema;
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter schema_adapter(schema_doc);
    parser.populateSchema(schema_adapter, schema);
    valijson::Validator validator;
    valijson::ValidationResults results;
    valijson::adapters::NlohmannJsonAdapter target(doc);
    if (validator.validate(schema, target, &results)) return true;
    valijson::ValidationResults::Error error;
    while (results.popError(error)) {
        for (const auto& c : error.context)
            why += c;
        why += ": " + error.description + "; ";
    }
    return false;
}

std::map<std::string, Json> tool_schemas(const char* tools) {
    std::map<std::string, Json> out;
    for (const Json& t : Json::parse(tools))
        out[t["function"]["name"]] = t["function"]["parameters"];
    return out;
}

// Runs kGenerations choices of the request `extra` (members merged over the base request), as
// kChoicesPerRequest-choice requests with different seeds; returns every choice.
std::vector<Json> generate(const std::string& extra, int n_generations = kGenerations) {
    std::vector<Json> choices;
    for (int seed = 1; static_cast<int>(choices.size()) < n_generations; ++seed) {
        Json j = Json::parse(R"({"model":"tiny","messages":[
            {"role":"system","content":"Answer with a tool call or JSON."},
            {"role":"user","content":"What is the weather in Oslo for three days, and the time in CET?"}],
            "temperature":1,"top_p":1,"top_k":-1,"max_tokens":160,
            "chat_template_kwargs":{"enable_thinking":false}})");
        j.update(Json::parse("{" + extra + "}"));
        j["seed"] = seed;
        j["n"] = std::min(kChoicesPerRequest, n_generations - static_cast<int>(choices.size()));
        auto request = parse_chat_completion_request(j.dump());
        EXPECT_TRUE(request.ok()) << (request.ok() ? "" : request.error().message);
        if (!request) return choices;
        const auto start = std::chrono::steady_clock::now();
        auto response = adapter()->chat_completion(*request);
        EXPECT_TRUE(response.ok()) << (response.ok() ? "" : response.error().message);
        if (!response) return choices;
        std::cout << "  seed " << seed << ": " << response->usage.completion_tokens << " tokens in "
                  << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() << " s\n"
                  << std::flush;
        const Json parsed = Json::parse(to_json(*response));
        for (const Json& c : parsed["choices"])
            choices.push_back(c);
    }
    return choices;
}

// Checks every call of `choice` against the schemas; returns the number of calls.
size_t check_calls(const Json& choice, const std::map<std::string, Json>& schemas,
                   const std::set<std::string>& allowed, int i) {
    const Json& message = choice["message"];
    EXPECT_EQ(choice["finish_reason"], "tool_calls") << i << ": " << choice.dump();
    if (!message.contains("tool_calls")) {
        ADD_FAILURE() << i << ": no tool call: " << choice.dump();
        return 0;
    }
    for (const Json& call : message["tool_calls"]) {
        const std::string name = call["function"]["name"];
        EXPECT_TRUE(allowed.contains(name)) << i << ": called " << name;
        const Json args = Json::parse(call["function"]["arguments"].get<std::string>(), nullptr, false);
        if (args.is_discarded()) {
            ADD_FAILURE() << i << ": arguments are not JSON: " << call["function"]["arguments"];
            continue;
        }
        if (!schemas.contains(name)) continue;
        std::string why;
        EXPECT_TRUE(validates(schemas.at(name), args, why)) << i << ": " << args.dump() << ": " << why;
    }
    return message["tool_calls"].size();
}

class ConstrainedDecoding : public ::testing::Test {
  protected:
    void SetUp() override {
        if (!adapter()) GTEST_FAIL() << "no adapter over the tiny model";
    }
};

TEST_F(ConstrainedDecoding, ToolChoiceRequiredWithoutParallelCallsGivesOneValidCall) {
    const auto schemas = tool_schemas(kTools);
    const std::vector<Json> choices = generate(std::string("\"tools\":") + kTools +
                                               R"(,"tool_choice":"required","parallel_tool_calls":false)");
    ASSERT_EQ(choices.size(), static_cast<size_t>(kGenerations));
    std::set<std::string> names;
    for (size_t i = 0; i < choices.size(); ++i) {
        EXPECT_EQ(check_calls(choices[i], schemas, {"get_weather", "get_time"}, static_cast<int>(i)), 1u);
        for (const Json& c : choices[i]["message"].value("tool_calls", Json::array()))
            names.insert(c["function"]["name"].get<std::string>());
    }
    EXPECT_EQ(names.size(), 2u) << "the model is free to pick either tool";
}

TEST_F(ConstrainedDecoding, NamedToolAlwaysCallsThatToolOnce) {
    const auto schemas = tool_schemas(kTools);
    const std::vector<Json> choices =
        generate(std::string("\"tools\":") + kTools +
                 R"(,"tool_choice":{"type":"function","function":{"name":"get_time"}})");
    ASSERT_EQ(choices.size(), static_cast<size_t>(kGenerations));
    for (size_t i = 0; i < choices.size(); ++i)
        EXPECT_EQ(check_calls(choices[i], schemas, {"get_time"}, static_cast<int>(i)), 1u);
}

// Choices that may chain calls until max_tokens cuts one: the cut call is left out, every other call
// must validate; returns the number of calls checked.
size_t check_complete_calls(const std::vector<Json>& choices, const std::map<std::string, Json>& schemas,
                            const std::set<std::string>& allowed) {
    size_t n_checked = 0;
    for (size_t i = 0; i < choices.size(); ++i) {
        Json choice = choices[i];
        if (!choice["message"].contains("tool_calls")) {
            ADD_FAILURE() << i << ": no tool call: " << choice.dump();
            continue;
        }
        if (choice["finish_reason"] == "length") {
            choice["message"]["tool_calls"].erase(choice["message"]["tool_calls"].size() - 1);
            if (choice["message"]["tool_calls"].empty()) continue;
            choice["finish_reason"] = "tool_calls";
        }
        n_checked += check_calls(choice, schemas, allowed, static_cast<int>(i));
    }
    return n_checked;
}

TEST_F(ConstrainedDecoding, ToolChoiceRequiredWithParallelCalls) {
    // A random model tends to chain calls (after a call, every whitespace token leads on to another
    // one, only <|im_end|> ends), so a choice may run out of tokens inside a call.
    const auto schemas = tool_schemas(kTools);
    const std::vector<Json> choices =
        generate(std::string("\"tools\":") + kTools + R"(,"tool_choice":"required","max_tokens":200)",
                 kChoicesPerRequest);
    ASSERT_EQ(choices.size(), static_cast<size_t>(kChoicesPerRequest));
    EXPECT_GE(check_complete_calls(choices, schemas, {"get_weather", "get_time"}), choices.size() / 2);
}

TEST_F(ConstrainedDecoding, AllowedToolsFormRestrictsTheCalls) {
    const auto schemas = tool_schemas(kTools);
    const std::vector<Json> choices = generate(
        std::string("\"tools\":") + kTools +
            R"(,"parallel_tool_calls":false,"tool_choice":{"type":"allowed_tools","allowed_tools":{"mode":"required",
               "tools":[{"type":"function","function":{"name":"get_weather"}}]}})",
        kChoicesPerRequest);
    ASSERT_EQ(choices.size(), static_cast<size_t>(kChoicesPerRequest));
    for (size_t i = 0; i < choices.size(); ++i)
        EXPECT_EQ(check_calls(choices[i], schemas, {"get_weather"}, static_cast<int>(i)), 1u);
}

TEST_F(ConstrainedDecoding, StrictToolUnderAutoGetsValidArguments) {
    // <tool_call> is made likely so that calls start; once one has started, a strict tool's arguments
    // are constrained even though tool_choice is auto. Strict schemas list every property as required.
    Json tools = Json::parse(kTools);
    tools[0]["function"]["parameters"]["required"] = Json::array({"city", "days", "units"});
    for (Json& t : tools)
        t["function"]["strict"] = true;
    std::map<std::string, Json> schemas;
    for (const Json& t : tools)
        schemas[t["function"]["name"]] = t["function"]["parameters"];
    const std::string bias = ",\"logit_bias\":{\"" + std::to_string(kToolCallToken) + "\":100}";
    // The bias also opens call after call, so the last one may be cut by max_tokens.
    const std::vector<Json> choices = generate(
        "\"tools\":" + tools.dump() + R"(,"tool_choice":"auto","max_tokens":120)" + bias, kChoicesPerRequest);
    ASSERT_EQ(choices.size(), static_cast<size_t>(kChoicesPerRequest));
    EXPECT_GE(check_complete_calls(choices, schemas, {"get_weather", "get_time"}), choices.size() / 2);

    // parallel_tool_calls false: the turn ends right after the first call, with finish_reason tool_calls.
    const std::vector<Json> single =
        generate("\"tools\":" + tools.dump() + R"(,"tool_choice":"auto","parallel_tool_calls":false)" +
                     R"(,"max_tokens":120)" + bias,
                 kChoicesPerRequest);
    int n_single_calls = 0;
    for (const Json& choice : single) {
        const Json calls = choice["message"].value("tool_calls", Json::array());
        EXPECT_LE(calls.size(), 1u) << choice.dump();
        if (calls.empty()) continue;
        ++n_single_calls;
        EXPECT_EQ(choice["finish_reason"], "tool_calls") << choice.dump();
    }
    EXPECT_GE(check_complete_calls(single, schemas, {"get_weather", "get_time"}), single.size() / 2);
    EXPECT_GT(n_single_calls, 0);

    // Control: the same requests without strict leave the arguments to the random model, and they
    // do not validate (so the checks above can fail).
    const std::vector<Json> loose =
        generate(std::string("\"tools\":") + kTools + R"(,"tool_choice":"auto","max_tokens":40)" + bias,
                 kChoicesPerRequest);
    int n_valid = 0;
    for (const Json& choice : loose) {
        for (const Json& call : choice["message"].value("tool_calls", Json::array())) {
            const Json args = Json::parse(call["function"]["arguments"].get<std::string>(), nullptr, false);
            std::string why;
            if (!args.is_discarded() && schemas.contains(call["function"]["name"]) &&
                validates(schemas.at(call["function"]["name"]), args, why)) {
                ++n_valid;
            }
        }
    }
    EXPECT_EQ(n_valid, 0);
}

TEST_F(ConstrainedDecoding, JsonSchemaAnswersAlwaysValidate) {
    const Json schema = Json::parse(kAnswerSchema);
    const std::vector<Json> choices = generate(
        R"("response_format":{"type":"json_schema","json_schema":{"name":"answer","strict":true,"schema":)" +
        schema.dump() + "}}");
    ASSERT_EQ(choices.size(), static_cast<size_t>(kGenerations));
    for (size_t i = 0; i < choices.size(); ++i) {
        const Json& choice = choices[i];
        EXPECT_EQ(choice["finish_reason"], "stop") << i << ": " << choice.dump();
        const Json& content = choice["message"]["content"];
        ASSERT_TRUE(content.is_string()) << choice.dump();
        const Json doc = Json::parse(content.get<std::string>(), nullptr, false);
        ASSERT_FALSE(doc.is_discarded()) << i << ": not JSON: " << content;
        std::string why;
        EXPECT_TRUE(validates(schema, doc, why)) << i << ": " << doc.dump() << ": " << why;
    }
}

TEST_F(ConstrainedDecoding, JsonObjectAnswersAreObjects) {
    const std::vector<Json> choices =
        generate(R"("response_format":{"type":"json_object"},"max_tokens":120)", kChoicesPerRequest);
    for (size_t i = 0; i < choices.size(); ++i) {
        if (choices[i]["finish_reason"] == "length") continue;  // an open object may be cut by max_tokens
        const Json doc = Json::parse(choices[i]["message"]["content"].get<std::string>(), nullptr, false);
        EXPECT_TRUE(doc.is_object()) << i << ": " << choices[i].dump();
    }
}

TEST_F(ConstrainedDecoding, UnsupportedSchemaKeywordIsA400NamingIt) {
    Json tools = Json::parse(kTools);
    tools[0]["function"]["parameters"]["if"] = Json{{"properties", Json::object()}};
    auto request = parse_chat_completion_request(Json{
        {"model", "tiny"},
        {"messages", Json::array({Json{{"role", "user"}, {"content", "hi"}}})},
        {"tools", tools},
        {"tool_choice", "required"}}.dump());
    ASSERT_TRUE(request.ok()) << request.error().message;
    auto response = adapter()->chat_completion(*request);
    ASSERT_FALSE(response.ok()) << to_json(*request) << "\n" << to_json(*response);
    EXPECT_EQ(response.error().status, 400);
    EXPECT_NE(response.error().message.find("'if'"), std::string::npos) << response.error().message;
    EXPECT_EQ(response.error().param, std::optional<std::string>("tools"));
}

}  // namespace
}  // namespace vela::openai
