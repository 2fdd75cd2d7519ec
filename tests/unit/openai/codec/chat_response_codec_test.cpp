// Response, chunk, usage and error JSON: OpenAI's shapes key by key (the seed's T060 response shape and
// T064 chunk format checks), and round trips through the parse functions.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "vela/openai/codec.h"

namespace vela::openai {
namespace {

using nlohmann::json;

Usage sample_usage() {
    Usage u;
    u.prompt_tokens = 81;
    u.completion_tokens = 17;
    u.total_tokens = 98;
    u.cached_tokens = 64;
    u.reasoning_tokens = 5;
    u.request_id = "chatcmpl-1";
    u.created = 1735000000;
    u.prompt_time_costs = 12.5;
    u.completion_time_costs = 80.0;
    return u;
}

ChatCompletionResponse sample_response() {
    ChatCompletionResponse r;
    r.id = "chatcmpl-1";
    r.created = 1735000000;
    r.model = "qwen3-8b";
    r.system_fingerprint = "fp_0123456789abcdef";
    r.conversation_id = "conv";
    ChatChoice calls;
    calls.index = 0;
    calls.message.reasoning_content = "think";
    calls.message.tool_calls = {ToolCall{"call_abc", "get_weather", R"({"city":"Paris"})"}};
    calls.finish_reason = ChoiceFinishReason::ToolCalls;
    ChatChoice text;
    text.index = 1;
    text.message.content = "Bonjour é";
    text.logprobs = ChoiceLogprobs{{LogprobEntry{
        "Bon",
        -0.5,
        {66, 111, 110},
        {TopLogprobEntry{"Bon", -0.5, {66, 111, 110}}, TopLogprobEntry{"\xEF\xBF\xBD", -2.0, {0xC3}}}}}};
    text.finish_reason = ChoiceFinishReason::Length;
    r.choices = {calls, text};
    r.usage = sample_usage();
    return r;
}

TEST(ChatResponseCodec, ResponseHasOpenAIsShape) {
    const json j = json::parse(to_json(sample_response()));
    EXPECT_EQ(j["object"], "chat.completion");
    EXPECT_EQ(j["id"], "chatcmpl-1");
    EXPECT_TRUE(j["created"].is_number_integer());
    EXPECT_EQ(j["model"], "qwen3-8b");
    EXPECT_EQ(j["system_fingerprint"], "fp_0123456789abcdef");
    EXPECT_EQ(j["conversation_id"], "conv");
    EXPECT_FALSE(j.contains("resource_id"));
    ASSERT_EQ(j["choices"].size(), 2u);
    const json& m0 = j["choices"][0]["message"];
    EXPECT_EQ(m0["role"], "assistant");
    EXPECT_TRUE(m0.contains("content") && m0["content"].is_null()) << "content is null when only tool calls";
    EXPECT_TRUE(m0["refusal"].is_null());
    EXPECT_EQ(m0["reasoning_content"], "think");
    EXPECT_EQ(m0["reasoning"], "think");
    ASSERT_EQ(m0["tool_calls"].size(), 1u);
    const json& call = m0["tool_calls"][0];
    EXPECT_EQ(
        call,
        json::parse(
            R"({"id":"call_abc","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}})"));
    EXPECT_TRUE(call["function"]["arguments"].is_string()) << "arguments is a JSON string";
    EXPECT_EQ(j["choices"][0]["finish_reason"], "tool_calls");
    EXPECT_TRUE(j["choices"][0]["logprobs"].is_null());
    const json& c1 = j["choices"][1];
    EXPECT_EQ(c1["message"]["content"], "Bonjour é");
    EXPECT_FALSE(c1["message"].contains("tool_calls"));
    EXPECT_FALSE(c1["message"].contains("reasoning_content"));
    EXPECT_EQ(c1["finish_reason"], "length");
    const json& lp = c1["logprobs"];
    EXPECT_TRUE(lp["refusal"].is_null());
    ASSERT_EQ(lp["content"].size(), 1u);
    EXPECT_EQ(lp["content"][0], json::parse(R"({"token":"Bon","logprob":-0.5,"bytes":[66,111,110],
        "top_logprobs":[{"token":"Bon","logprob":-0.5,"bytes":[66,111,110]},{"token":"\ufffd","logprob":-2.0,"bytes":[195]}]})"));
    const json& u = j["usage"];
    EXPECT_EQ(u["prompt_tokens"], 81);
    EXPECT_EQ(u["completion_tokens"], 17);
    EXPECT_EQ(u["total_tokens"], 98);
    EXPECT_EQ(u["prompt_tokens_details"]["cached_tokens"], 64);
    EXPECT_EQ(u["completion_tokens_details"]["reasoning_tokens"], 5);
    EXPECT_EQ(u["request_id"], "chatcmpl-1");
    EXPECT_EQ(u["created"], 1735000000);
    EXPECT_EQ(u["prompt_time_costs"], 12.5);
    EXPECT_EQ(u["completion_time_costs"], 80.0);
}

TEST(ChatResponseCodec, ResponseRoundTrips) {
    const ChatCompletionResponse r = sample_response();
    auto back = parse_chat_completion_response(to_json(r));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, r);
}

ChatCompletionChunk chunk_base() {
    ChatCompletionChunk c;
    c.id = "chatcmpl-1";
    c.created = 1735000000;
    c.model = "m";
    c.include_usage = true;
    return c;
}

TEST(ChatResponseCodec, ChunksHaveOpenAIsShape) {
    // Role chunk.
    ChatCompletionChunk role = chunk_base();
    ChunkChoice rc;
    rc.delta.role = true;
    rc.delta.content = "";
    role.choices = {rc};
    role.resource_id = "r1";
    json j = json::parse(to_json(role));
    EXPECT_EQ(j["object"], "chat.completion.chunk");
    EXPECT_TRUE(j.contains("system_fingerprint") && j["system_fingerprint"].is_null());
    EXPECT_EQ(j["choices"][0]["delta"], json::parse(R"({"role":"assistant","content":""})"));
    EXPECT_TRUE(j["choices"][0]["finish_reason"].is_null());
    EXPECT_TRUE(j["choices"][0]["logprobs"].is_null());
    EXPECT_TRUE(j.contains("usage") && j["usage"].is_null()) << "include_usage: usage null on every chunk";
    EXPECT_EQ(j["resource_id"], "r1");

    // First tool-call delta: index, id, type, name and "" arguments; later deltas only fragments.
    ChatCompletionChunk first = chunk_base();
    ChunkChoice fc;
    fc.delta.tool_calls = {ToolCallDelta{1, "call_b", "get_time", ""}};
    first.choices = {fc};
    j = json::parse(to_json(first));
    EXPECT_EQ(
        j["choices"][0]["delta"]["tool_calls"][0],
        json::parse(
            R"({"index":1,"id":"call_b","type":"function","function":{"name":"get_time","arguments":""}})"));
    ChatCompletionChunk later = chunk_base();
    ChunkChoice lc;
    lc.delta.tool_calls = {ToolCallDelta{1, std::nullopt, std::nullopt, "{\"city\":"}};
    later.choices = {lc};
    j = json::parse(to_json(later));
    EXPECT_EQ(j["choices"][0]["delta"]["tool_calls"][0],
              json::parse(R"({"index":1,"function":{"arguments":"{\"city\":"}})"));

    // Reasoning delta under both names; finish chunk with an empty delta.
    ChatCompletionChunk reasoning = chunk_base();
    ChunkChoice reas;
    reas.delta.reasoning_content = "hmm";
    reasoning.choices = {reas};
    j = json::parse(to_json(reasoning));
    EXPECT_EQ(j["choices"][0]["delta"], json::parse(R"({"reasoning_content":"hmm","reasoning":"hmm"})"));
    ChatCompletionChunk finish = chunk_base();
    ChunkChoice fin;
    fin.finish_reason = ChoiceFinishReason::Stop;
    finish.choices = {fin};
    j = json::parse(to_json(finish));
    EXPECT_EQ(j["choices"][0]["delta"], json::object());
    EXPECT_EQ(j["choices"][0]["finish_reason"], "stop");

    // The usage chunk: no choices, the usage.
    ChatCompletionChunk usage = chunk_base();
    usage.usage = sample_usage();
    j = json::parse(to_json(usage));
    EXPECT_EQ(j["choices"], json::array());
    EXPECT_EQ(j["usage"]["total_tokens"], 98);

    // Without include_usage there is no usage key; candle_metadata is carried as given.
    ChatCompletionChunk plain = chunk_base();
    plain.include_usage = false;
    plain.candle_metadata_json = R"({"status":"queued","position":3})";
    j = json::parse(to_json(plain));
    EXPECT_FALSE(j.contains("usage"));
    EXPECT_EQ(j["candle_metadata"]["position"], 3);

    for (const ChatCompletionChunk& c : {role, first, later, reasoning, finish, usage, plain}) {
        auto back = parse_chat_completion_chunk(to_json(c));
        ASSERT_TRUE(back.ok()) << back.error().message;
        EXPECT_EQ(*back, c) << to_json(c);
    }
}

TEST(ChatResponseCodec, ErrorObject) {
    const OpenAIError e =
        OpenAIError::invalid_request("'messages' must contain at least one item", "messages");
    EXPECT_EQ(
        json::parse(to_json(e)),
        json::parse(
            R"({"error":{"message":"'messages' must contain at least one item","type":"invalid_request_error","param":"messages","code":null}})"));
    auto back = parse_error(to_json(e), 400);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, e);
    EXPECT_FALSE(parse_error("{\"id\":1}", 400).has_value());

    const OpenAIError ctx = OpenAIError::context_length_exceeded(2048, 2000, 100);
    EXPECT_EQ(ctx.code.value_or(""), "context_length_exceeded");
    EXPECT_NE(ctx.message.find("maximum context length is 2048 tokens"), std::string::npos);
    EXPECT_NE(ctx.message.find("you requested 2100 tokens (2000 in the messages, 100 in the completion)"),
              std::string::npos);
    EXPECT_EQ(OpenAIError::rate_limited("full").status, 429);
    EXPECT_EQ(OpenAIError::unavailable("loading").status, 503);
    EXPECT_EQ(OpenAIError::from_error(Error{Errc::InvalidArgument, "x"}).status, 400);
    EXPECT_EQ(OpenAIError::from_error(Error{Errc::ResourceExhausted, "x"}).status, 429);
    EXPECT_EQ(OpenAIError::from_error(Error{Errc::Internal, "x"}).status, 500);
}

TEST(CompletionResponseCodec, ShapeAndRoundTrip) {
    CompletionResponse r;
    r.id = "cmpl-1";
    r.created = 5;
    r.model = "m";
    CompletionChoice c;
    c.index = 0;
    c.text = "abc";
    c.finish_reason = ChoiceFinishReason::Stop;
    c.logprobs = CompletionLogprobs{{"a", "bc"},
                                    {-0.1, -0.2},
                                    {std::vector<std::pair<std::string, double>>{{"a", -0.1}}, std::nullopt},
                                    {0, 1}};
    r.choices = {c};
    r.usage.prompt_tokens = 2;
    r.usage.completion_tokens = 2;
    r.usage.total_tokens = 4;
    const json j = json::parse(to_json(r));
    EXPECT_EQ(j["object"], "text_completion");
    EXPECT_EQ(j["choices"][0]["text"], "abc");
    EXPECT_EQ(j["choices"][0]["logprobs"]["tokens"], json::parse(R"(["a","bc"])"));
    EXPECT_EQ(j["choices"][0]["logprobs"]["top_logprobs"][0]["a"], -0.1);
    EXPECT_TRUE(j["choices"][0]["logprobs"]["top_logprobs"][1].is_null());
    EXPECT_EQ(j["choices"][0]["logprobs"]["text_offset"], json::parse("[0,1]"));
    auto back = parse_completion_response(to_json(r));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, r);

    CompletionChunk chunk;
    chunk.id = "cmpl-1";
    chunk.model = "m";
    chunk.include_usage = true;
    CompletionChoice piece;
    piece.text = "x";
    chunk.choices = {piece};
    const json cj = json::parse(to_json(chunk));
    EXPECT_EQ(cj["object"], "text_completion");
    EXPECT_TRUE(cj["choices"][0]["finish_reason"].is_null());
    EXPECT_TRUE(cj["usage"].is_null());
    auto chunk_back = parse_completion_chunk(to_json(chunk));
    ASSERT_TRUE(chunk_back.ok());
    EXPECT_EQ(*chunk_back, chunk);
}

}  // namespace
}  // namespace vela::openai
