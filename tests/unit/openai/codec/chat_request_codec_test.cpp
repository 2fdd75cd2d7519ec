// Chat and completion request codec: every validation error case with its status, type, param and code
// (the seed's T059 request checks), the mappings of deprecated and non-OpenAI spellings, and round trips
// (parse(to_json(r)) == r for a request using every field).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "vela/openai/codec.h"

namespace vela::openai {
namespace {

using nlohmann::json;

const char* kMinimal = R"({"model":"m","messages":[{"role":"user","content":"hi"}]})";

// `patch` merged into the minimal request.
std::string with(const json& patch) {
    json j = json::parse(kMinimal);
    j.merge_patch(patch);
    return j.dump();
}

struct ErrorCase {
    const char* name;
    std::string body;
    const char* param;  // nullptr: no param
    const char* code;   // nullptr: any code
};

std::vector<ErrorCase> error_cases() {
    const json weather = {{"type", "function"},
                          {"function", {{"name", "get_weather"}, {"parameters", {{"type", "object"}}}}}};
    return {
        {"not JSON", "{\"model\":", nullptr, nullptr},
        {"body not an object", "[1,2]", nullptr, "invalid_type"},
        {"messages missing", R"({"model":"m"})", "messages", "missing_required_parameter"},
        {"messages empty", with({{"messages", json::array()}}), "messages", nullptr},
        {"messages not a list", with({{"messages", 5}}), "messages", "invalid_type"},
        {"unknown role", with({{"messages", {{{"role", "robot"}, {"content", "x"}}}}}), "messages[0].role",
         "invalid_value"},
        {"role missing", with({{"messages", {{{"content", "x"}}}}}), "messages[0].role",
         "missing_required_parameter"},
        {"user without content", with({{"messages", {{{"role", "user"}}}}}), "messages[0].content", nullptr},
        {"content of a wrong type", with({{"messages", {{{"role", "user"}, {"content", 3}}}}}),
         "messages[0].content", "invalid_type"},
        {"tool message without tool_call_id",
         with({{"messages", {{{"role", "user"}, {"content", "x"}}, {{"role", "tool"}, {"content", "42"}}}}}),
         "messages[1].tool_call_id", nullptr},
        {"tool_calls on a user message",
         with({{"messages",
                json::parse(R"([{"role":"user","content":"x","tool_calls":[{"id":"a","type":"function",
                    "function":{"name":"f","arguments":"{}"}}]}])")}}),
         "messages[0].tool_calls", nullptr},
        {"n = 0", with({{"n", 0}}), "n", "invalid_value"},
        {"n = 129", with({{"n", 129}}), "n", "invalid_value"},
        {"n as text", with({{"n", "2"}}), "n", "invalid_type"},
        {"temperature 2.5", with({{"temperature", 2.5}}), "temperature", "invalid_value"},
        {"temperature negative", with({{"temperature", -0.1}}), "temperature", "invalid_value"},
        {"temperature as text", with({{"temperature", "hot"}}), "temperature", "invalid_type"},
        {"top_p 1.5", with({{"top_p", 1.5}}), "top_p", "invalid_value"},
        {"top_k -2", with({{"top_k", -2}}), "top_k", "invalid_value"},
        {"min_p 2", with({{"min_p", 2}}), "min_p", "invalid_value"},
        {"repetition_penalty 0", with({{"repetition_penalty", 0}}), "repetition_penalty", "invalid_value"},
        {"presence_penalty 2.5", with({{"presence_penalty", 2.5}}), "presence_penalty", "invalid_value"},
        {"frequency_penalty -3", with({{"frequency_penalty", -3}}), "frequency_penalty", "invalid_value"},
        {"max_tokens 0", with({{"max_tokens", 0}}), "max_tokens", "invalid_value"},
        {"max_completion_tokens -5", with({{"max_completion_tokens", -5}}), "max_completion_tokens",
         "invalid_value"},
        {"top_logprobs without logprobs", with({{"top_logprobs", 3}}), "top_logprobs", nullptr},
        {"top_logprobs 21", with({{"logprobs", true}, {"top_logprobs", 21}}), "top_logprobs",
         "invalid_value"},
        {"logit_bias 101", with({{"logit_bias", {{"5", 101}}}}), "logit_bias", "invalid_value"},
        {"logit_bias key not a token id", with({{"logit_bias", {{"abc", 1}}}}), "logit_bias",
         "invalid_value"},
        {"use_beam_search", with({{"use_beam_search", true}}), "use_beam_search", "unsupported_parameter"},
        {"best_of greater than n", with({{"best_of", 3}}), "best_of", "unsupported_parameter"},
        {"best_of below n", with({{"best_of", 1}, {"n", 2}}), "best_of", "invalid_value"},
        {"empty stop string", with({{"stop", {"a", ""}}}), "stop[1]", "invalid_value"},
        {"custom tool", with({{"tools", {{{"type", "custom"}, {"custom", {{"name", "x"}}}}}}}),
         "tools[0].type", "unsupported_parameter"},
        {"tool without a name",
         with({{"tools", {{{"type", "function"}, {"function", {{"description", "d"}}}}}}}),
         "tools[0].function.name", "missing_required_parameter"},
        {"tool name with spaces",
         with({{"tools", {{{"type", "function"}, {"function", {{"name", "get weather"}}}}}}}),
         "tools[0].function.name", "invalid_value"},
        {"tool parameters not an object",
         with({{"tools", {{{"type", "function"}, {"function", {{"name", "f"}, {"parameters", "x"}}}}}}}),
         "tools[0].function.parameters", "invalid_type"},
        {"duplicate tool names", with({{"tools", {weather, weather}}}), "tools[1].function.name",
         "invalid_value"},
        {"bad tool_choice string", with({{"tools", {weather}}, {"tool_choice", "sometimes"}}), "tool_choice",
         "invalid_value"},
        {"tool_choice of an unknown type", with({{"tools", {weather}}, {"tool_choice", {{"type", "mcp"}}}}),
         "tool_choice.type", "invalid_value"},
        {"tool_choice naming an unknown tool",
         with({{"tools", {weather}},
               {"tool_choice", {{"type", "function"}, {"function", {{"name", "nope"}}}}}}),
         "tool_choice.function.name", "invalid_value"},
        {"flat tool_choice naming an unknown tool",
         with({{"tools", {weather}}, {"tool_choice", {{"type", "function"}, {"name", "nope"}}}}),
         "tool_choice.name", "invalid_value"},
        {"tool_choice required without tools", with({{"tool_choice", "required"}}), "tool_choice", nullptr},
        {"allowed_tools naming an unknown tool",
         with({{"tools", {weather}},
               {"tool_choice", json::parse(R"({"type":"allowed_tools","allowed_tools":{"mode":"required",
                    "tools":[{"type":"function","function":{"name":"x"}}]}})")}}),
         "tool_choice.allowed_tools.tools", "invalid_value"},
        {"allowed_tools mode none",
         with({{"tools", {weather}},
               {"tool_choice", json::parse(R"({"type":"allowed_tools","allowed_tools":{"mode":"none",
                    "tools":[{"type":"function","function":{"name":"get_weather"}}]}})")}}),
         "tool_choice.allowed_tools.mode", "invalid_value"},
        {"tools and functions together", with({{"tools", {weather}}, {"functions", {{{"name", "f"}}}}}),
         "functions", nullptr},
        {"response_format of an unknown type", with({{"response_format", {{"type", "xml"}}}}),
         "response_format.type", "invalid_value"},
        {"json_schema without its object", with({{"response_format", {{"type", "json_schema"}}}}),
         "response_format.json_schema", nullptr},
        {"json_schema with a bad name",
         with({{"response_format",
                json::parse(R"({"type":"json_schema","json_schema":{"name":"my schema","schema":{}}})")}}),
         "response_format.json_schema.name", "invalid_value"},
        {"reasoning_effort extreme", with({{"reasoning_effort", "extreme"}}), "reasoning_effort",
         "invalid_value"},
        {"stream_options without stream", with({{"stream_options", {{"include_usage", true}}}}),
         "stream_options", nullptr},
        {"GBNF grammar", with({{"grammar", "root ::= \"a\""}}), "grammar", "unsupported_parameter"},
        {"guided_regex", with({{"guided_regex", "a+"}}), "guided_regex", "unsupported_parameter"},
        {"structured_outputs.regex", with({{"structured_outputs", {{"regex", "a+"}}}}),
         "structured_outputs.regex", "unsupported_parameter"},
        {"audio output", with({{"modalities", {"text", "audio"}}}), "modalities", "unsupported_parameter"},
        {"thinking of an unknown type", with({{"thinking", {{"type", "sometimes"}}}}), "thinking.type",
         "invalid_value"},
    };
}

TEST(ChatRequestCodec, ValidationErrorsNameTheField) {
    for (const ErrorCase& c : error_cases()) {
        SCOPED_TRACE(c.name);
        auto parsed = parse_chat_completion_request(c.body);
        ASSERT_FALSE(parsed.ok());
        const OpenAIError& e = parsed.error();
        EXPECT_EQ(e.status, 400);
        EXPECT_EQ(e.type, "invalid_request_error");
        EXPECT_FALSE(e.message.empty());
        if (c.param) {
            EXPECT_EQ(e.param.value_or("<none>"), c.param) << e.message;
        } else {
            EXPECT_FALSE(e.param.has_value()) << *e.param;
        }
        if (c.code) {
            EXPECT_EQ(e.code.value_or("<none>"), c.code) << e.message;
        }
        // The error body is OpenAI's object with all four keys.
        const json body = json::parse(to_json(e));
        ASSERT_TRUE(body.contains("error"));
        for (const char* key : {"message", "type", "param", "code"})
            EXPECT_TRUE(body["error"].contains(key)) << key;
    }
}

TEST(ChatRequestCodec, UnknownFieldsAndIgnoredFieldsAreAccepted) {
    auto parsed = parse_chat_completion_request(with({{"frobnicate", 1},
                                                      {"store", true},
                                                      {"metadata", {{"a", "b"}}},
                                                      {"service_tier", "auto"},
                                                      {"user", "u"},
                                                      {"verbosity", "low"},
                                                      {"temperature", nullptr}}));
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_FALSE(parsed->temperature.has_value());  // null is absent
    EXPECT_EQ(parsed->store, true);
    EXPECT_EQ(parsed->metadata_json.value_or(""), R"({"a":"b"})");
}

TEST(ChatRequestCodec, DeprecatedFunctionsBecomeTools) {
    auto parsed = parse_chat_completion_request(
        with({{"functions", {{{"name", "f"}, {"description", "d"}, {"parameters", {{"type", "object"}}}}}},
              {"function_call", {{"name", "f"}}}}));
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    ASSERT_TRUE(parsed->tools.has_value());
    ASSERT_EQ(parsed->tools->size(), 1u);
    EXPECT_EQ((*parsed->tools)[0].name, "f");
    EXPECT_EQ((*parsed->tools)[0].parameters_json.value_or(""), R"({"type":"object"})");
    ASSERT_TRUE(parsed->tool_choice.has_value());
    EXPECT_EQ(parsed->tool_choice->mode, ToolChoice::Mode::Function);
    EXPECT_EQ(parsed->tool_choice->function_name, "f");

    auto none =
        parse_chat_completion_request(with({{"functions", {{{"name", "f"}}}}, {"function_call", "none"}}));
    ASSERT_TRUE(none.ok());
    EXPECT_EQ(none->tool_choice->mode, ToolChoice::Mode::None);
}

TEST(ChatRequestCodec, ToolChoiceForms) {
    const json tools = {{{"type", "function"}, {"function", {{"name", "a"}}}},
                        {{"type", "function"}, {"function", {{"name", "b"}}}}};
    struct Form {
        json choice;
        ToolChoice::Mode mode;
        ToolChoice::Form form;
    };
    const Form forms[] = {
        {"none", ToolChoice::Mode::None, ToolChoice::Form::String},
        {"auto", ToolChoice::Mode::Auto, ToolChoice::Form::String},
        {"required", ToolChoice::Mode::Required, ToolChoice::Form::String},
        {{{"type", "function"}, {"function", {{"name", "b"}}}},
         ToolChoice::Mode::Function,
         ToolChoice::Form::Function},
        {{{"type", "function"}, {"name", "b"}}, ToolChoice::Mode::Function, ToolChoice::Form::FlatFunction},
        {{{"type", "allowed_tools"},
          {"allowed_tools",
           {{"mode", "required"}, {"tools", {{{"type", "function"}, {"function", {{"name", "a"}}}}}}}}},
         ToolChoice::Mode::Required,
         ToolChoice::Form::AllowedTools},
        {{{"type", "allowed_tools"}, {"mode", "auto"}, {"tools", {{{"type", "function"}, {"name", "a"}}}}},
         ToolChoice::Mode::Auto,
         ToolChoice::Form::FlatAllowedTools},
    };
    for (const Form& f : forms) {
        SCOPED_TRACE(f.choice.dump());
        auto parsed = parse_chat_completion_request(with({{"tools", tools}, {"tool_choice", f.choice}}));
        ASSERT_TRUE(parsed.ok()) << parsed.error().message;
        EXPECT_EQ(parsed->tool_choice->mode, f.mode);
        EXPECT_EQ(parsed->tool_choice->form, f.form);
        // Written back in the same form.
        const json written = json::parse(to_json(*parsed));
        EXPECT_EQ(written["tool_choice"], f.choice);
    }
}

TEST(ChatRequestCodec, ExtrasMapOntoTheStruct) {
    auto parsed = parse_chat_completion_request(
        with({{"thinking", {{"type", "disabled"}}},
              {"json_schema", {{"type", "object"}}},
              {"reasoning", {{"effort", "low"}}},
              {"stop", "END"},
              {"cache_control", {{"type", "ephemeral"}}},
              {"chat_template_kwargs", {{"enable_thinking", false}, {"x", {1, 2}}}}}));
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(parsed->thinking, false);
    ASSERT_TRUE(parsed->response_format.has_value());
    EXPECT_EQ(parsed->response_format->type, ResponseFormat::Type::JsonSchema);
    EXPECT_EQ(parsed->response_format->schema_json.value_or(""), R"({"type":"object"})");
    EXPECT_EQ(parsed->reasoning_effort.value_or(""), "low");
    EXPECT_EQ(parsed->stop, std::vector<std::string>{"END"});
    EXPECT_EQ(parsed->cache_control.value_or(""), "ephemeral");
    ASSERT_EQ(parsed->chat_template_kwargs.size(), 2u);
    EXPECT_EQ(parsed->chat_template_kwargs[0],
              std::make_pair(std::string("enable_thinking"), std::string("false")));
    EXPECT_EQ(parsed->chat_template_kwargs[1], std::make_pair(std::string("x"), std::string("[1,2]")));

    auto raw = parse_chat_completion_request(R"({"model":"m","messages":"just text"})");
    ASSERT_TRUE(raw.ok());
    EXPECT_EQ(raw->raw_prompt.value_or(""), "just text");
}

TEST(ChatRequestCodec, ContentPartsAndToolHistory) {
    const char* body = R"({"model":"m","messages":[
        {"role":"developer","content":"be brief"},
        {"role":"user","content":[{"type":"text","text":"a"},{"type":"image_url","image_url":{"url":"data:x"}},{"type":"text","text":"b"}]},
        {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":{"x":1}}}]},
        {"role":"tool","tool_call_id":"call_1","content":[{"type":"text","text":"42"}]}]})";
    auto parsed = parse_chat_completion_request(body);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    const auto& m = parsed->messages;
    ASSERT_EQ(m.size(), 4u);
    EXPECT_EQ(m[0].role, Role::Developer);
    ASSERT_TRUE(m[1].content_parts.has_value());
    EXPECT_EQ(m[1].content_parts->size(), 3u);
    EXPECT_EQ(m[1].text(), "a\nb");
    EXPECT_EQ((*m[1].content_parts)[1].type, "image_url");
    EXPECT_FALSE(m[2].content.has_value());
    ASSERT_EQ(m[2].tool_calls.size(), 1u);
    EXPECT_EQ(m[2].tool_calls[0].arguments, R"({"x":1})");  // an object is kept as JSON text
    EXPECT_EQ(m[3].text(), "42");
}

ChatCompletionRequest full_request() {
    ChatCompletionRequest r;
    r.model = "qwen";
    r.messages = {ChatMessage::system("sys"), ChatMessage::user("hello")};
    ChatMessage parts;
    parts.role = Role::User;
    parts.content_parts = std::vector<ContentPart>{
        {"text", "one", ""}, {"image_url", "", R"({"type":"image_url","image_url":{"url":"u"}})"}};
    r.messages.push_back(parts);
    r.messages.push_back(ChatMessage::assistant_tool_calls({ToolCall{"call_1", "f", R"({"a": [1, 2]})"}}));
    r.messages.push_back(ChatMessage::tool("call_1", "done"));
    r.messages.back().name = "f";
    r.messages.push_back(ChatMessage::assistant("ok"));
    r.messages.back().reasoning_content = "because";
    r.temperature = 0.7f;
    r.top_p = 0.9f;
    r.top_k = 40;
    r.min_p = 0.05f;
    r.repetition_penalty = 1.1f;
    r.presence_penalty = 0.5f;
    r.frequency_penalty = -0.25f;
    r.repeat_last_n = 64;
    r.logit_bias = {{5, -100.0f}, {17, 3.5f}};
    r.seed = -42;
    r.n = 2;
    r.best_of = 2;
    r.use_beam_search = false;
    r.max_tokens = 100;
    r.max_completion_tokens = 90;
    r.stop = {"a", "b"};
    r.stop_token_ids = {7, 8};
    r.ignore_eos = true;
    r.skip_special_tokens = false;
    r.stream = true;
    r.stream_options = StreamOptions{true, false};
    r.logprobs = true;
    r.top_logprobs = 3;
    r.response_format = ResponseFormat{
        ResponseFormat::Type::JsonSchema, "answer", "d",
        R"({"type":"object","properties":{"b":{"type":"string"},"a":{"type":"integer"}}})", true};
    r.tools = std::vector<Tool>{Tool{"f", "does f", R"({"type":"object"})", true},
                                Tool{"g", std::nullopt, std::nullopt, std::nullopt}};
    r.tool_choice = ToolChoice{ToolChoice::Mode::Required, ToolChoice::Form::AllowedTools, "",
                               std::vector<std::string>{"g"}};
    r.parallel_tool_calls = false;
    r.thinking = true;
    r.chat_template_kwargs = {{"enable_thinking", "true"}, {"custom", R"({"k":"v"})"}};
    r.reasoning_effort = "high";
    r.chat_template = "{{ messages }}";
    r.user = "u";
    r.safety_identifier = "s";
    r.prompt_cache_key = "p";
    r.conversation_id = "conv";
    r.resource_id = "res";
    r.cache_control = "ephemeral";
    r.metadata_json = R"({"m":1})";
    r.store = false;
    r.service_tier = "default";
    return r;
}

TEST(ChatRequestCodec, RoundTripsEveryField) {
    const ChatCompletionRequest r = full_request();
    const std::string text = to_json(r);
    auto back = parse_chat_completion_request(text);
    ASSERT_TRUE(back.ok()) << back.error().message << "\n" << text;
    EXPECT_EQ(*back, r) << text;
    EXPECT_EQ(to_json(*back), text);
    // Key order of schemas survives (templates and grammars see them as sent).
    EXPECT_NE(text.find(R"("properties":{"b":{"type":"string"},"a":{"type":"integer"}})"), std::string::npos);
    EXPECT_NE(text.find(R"("temperature":0.7,)"), std::string::npos)
        << "floats are written in their shortest form";
}

TEST(CompletionRequestCodec, PromptFormsAndErrors) {
    struct PromptCase {
        json prompt;
        size_t n_prompts;
        bool tokens;
    };
    const PromptCase cases[] = {
        {"hello", 1, false}, {{"a", "b"}, 2, false}, {{1, 2, 3}, 1, true}, {{{1, 2}, {3}}, 2, true}};
    for (const PromptCase& c : cases) {
        auto parsed = parse_completion_request(json{{"model", "m"}, {"prompt", c.prompt}}.dump());
        ASSERT_TRUE(parsed.ok()) << parsed.error().message;
        ASSERT_EQ(parsed->prompts.size(), c.n_prompts);
        EXPECT_EQ(parsed->prompts[0].is_tokens, c.tokens);
        auto back = parse_completion_request(to_json(*parsed));
        ASSERT_TRUE(back.ok());
        EXPECT_EQ(*back, *parsed);
    }
    const std::pair<json, const char*> errors[] = {
        {json{{"model", "m"}}, "prompt"},
        {json{{"model", "m"}, {"prompt", "x"}, {"suffix", "y"}}, "suffix"},
        {json{{"model", "m"}, {"prompt", "x"}, {"logprobs", 21}}, "logprobs"},
        {json{{"model", "m"}, {"prompt", "x"}, {"best_of", 2}}, "best_of"},
        {json{{"model", "m"}, {"prompt", json::array()}}, "prompt"},
        {json{{"model", "m"}, {"prompt", {1, "a"}}}, "prompt"},
        {json{{"model", "m"}, {"prompt", "x"}, {"use_beam_search", true}}, "use_beam_search"},
    };
    for (const auto& [body, param] : errors) {
        SCOPED_TRACE(body.dump());
        auto parsed = parse_completion_request(body.dump());
        ASSERT_FALSE(parsed.ok());
        EXPECT_EQ(parsed.error().status, 400);
        EXPECT_EQ(parsed.error().param.value_or("<none>"), param);
    }
    auto suffix = parse_completion_request(json{{"model", "m"}, {"prompt", "x"}, {"suffix", "y"}}.dump());
    EXPECT_EQ(suffix.error().code.value_or(""), "unsupported_parameter");

    CompletionRequest r;
    r.model = "m";
    r.prompts = {CompletionPrompt{"a", {}, false}, CompletionPrompt{{}, {1, 2}, true}};
    r.max_tokens = 5;
    r.logprobs = 2;
    r.echo = true;
    r.n = 3;
    r.stop = {"x"};
    r.seed = 9;
    r.stream = true;
    r.stream_options = StreamOptions{true, std::nullopt};
    r.response_format =
        ResponseFormat{ResponseFormat::Type::JsonObject, "", std::nullopt, std::nullopt, std::nullopt};
    auto back = parse_completion_request(to_json(r));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, r);
}

}  // namespace
}  // namespace vela::openai
