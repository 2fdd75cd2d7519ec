// ChoiceParser: reasoning, content and Hermes tool calls from a choice's text fed in pieces as the
// engine delivers them. Every split of the text into two pieces, and the text one byte at a time,
// must give the same message as feeding it whole (markers split across tokens included), no marker may
// reach content or reasoning, and reasoning tokens are counted by the rule in choice_parser.h.
#include "adapter/choice_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

#include "reasoning/reasoning_format.h"
#include "tool_parsers/tool_format_registry.h"

namespace vela::openai {
namespace {

struct Message {
    std::string content;
    std::string reasoning;
    std::vector<std::pair<std::string, std::string>> calls;  // name, arguments
    int32_t reasoning_tokens = 0;
};

ChoiceParserOptions options(bool tools, bool starts_in_reasoning = false, bool parallel = true) {
    ChoiceParserOptions o;
    o.reasoning = *find_reasoning_format("think");
    if (tools) o.tool_format = *find_tool_format("hermes");
    o.starts_in_reasoning = starts_in_reasoning;
    o.parallel_tool_calls = parallel;
    uint64_t state = 1;
    o.random = [state]() mutable { return state += 0x9E3779B97F4A7C15ull; };
    return o;
}

void apply_events(Message& m, const std::vector<ParseEvent>& events) {
    for (const ParseEvent& e : events) {
        if (const auto* c = std::get_if<ContentDelta>(&e)) m.content += c->text;
        if (const auto* r = std::get_if<ReasoningDelta>(&e)) m.reasoning += r->text;
        if (const auto* b = std::get_if<ToolCallBegin>(&e)) {
            ASSERT_EQ(static_cast<size_t>(b->index), m.calls.size());
            m.calls.emplace_back(b->name, "");
        }
        if (const auto* a = std::get_if<ToolArgsDelta>(&e)) {
            ASSERT_FALSE(m.calls.empty());
            m.calls.back().second += a->fragment;
        }
    }
}

// Feeds `tokens` (one engine event each) and finishes.
Message run(const ChoiceParserOptions& o, const std::vector<std::string>& tokens) {
    ChoiceParser p(o);
    Message m;
    for (const std::string& t : tokens)
        apply_events(m, p.feed(t, 1));
    apply_events(m, p.finish());
    m.reasoning_tokens = p.reasoning_tokens();
    return m;
}

std::string join(const std::vector<std::string>& tokens) {
    std::string out;
    for (const std::string& t : tokens)
        out += t;
    return out;
}

// The same message for every two-piece split and for single bytes (token counts aside).
void expect_split_invariant(const ChoiceParserOptions& o, const std::string& text, const Message& want) {
    for (size_t cut = 0; cut <= text.size(); ++cut) {
        const Message m = run(o, {text.substr(0, cut), text.substr(cut)});
        EXPECT_EQ(m.content, want.content) << "cut " << cut;
        EXPECT_EQ(m.reasoning, want.reasoning) << "cut " << cut;
        EXPECT_EQ(m.calls, want.calls) << "cut " << cut;
    }
    std::vector<std::string> bytes;
    for (const char c : text)
        bytes.emplace_back(1, c);
    const Message m = run(o, bytes);
    EXPECT_EQ(m.content, want.content);
    EXPECT_EQ(m.reasoning, want.reasoning);
    EXPECT_EQ(m.calls, want.calls);
}

TEST(ChoiceParser, ThinkBlockGoesToReasoningWithTheEndMarkerSplitAcrossTokens) {
    const std::vector<std::string> tokens = {"<think>", "\nLet", " me", " think.", "\n</",
                                             "think>",  "\n\n",  "The", " answer."};
    const Message m = run(options(false), tokens);
    EXPECT_EQ(m.reasoning, "Let me think.");
    EXPECT_EQ(m.content, "The answer.");
    // <think>, the three reasoning tokens and the two pieces of </think>; the blank line after the
    // block is the answer's (trimmed) leading whitespace.
    EXPECT_EQ(m.reasoning_tokens, 6);
    expect_split_invariant(options(false), join(tokens), m);
}

TEST(ChoiceParser, StartMarkerSplitAcrossTokens) {
    const Message m = run(options(false), {"<th", "ink>", "deep", "</think>", "ok"});
    EXPECT_EQ(m.reasoning, "deep");
    EXPECT_EQ(m.content, "ok");
    EXPECT_EQ(m.reasoning_tokens, 4);
}

TEST(ChoiceParser, PromptThatOpensTheBlock) {
    const std::vector<std::string> tokens = {"plan", " it", "</th", "ink>", "done"};
    const Message m = run(options(false, true), tokens);
    EXPECT_EQ(m.reasoning, "plan it");
    EXPECT_EQ(m.content, "done");
    EXPECT_EQ(m.reasoning_tokens, 4);
    expect_split_invariant(options(false, true), join(tokens), m);
    // Cut off inside the reasoning: all of it is reasoning, nothing is content.
    const Message cut = run(options(false, true), {"plan", " it", "</th"});
    EXPECT_EQ(cut.content, "");
    EXPECT_EQ(cut.reasoning_tokens, 3);
}

TEST(ChoiceParser, MarkersOfAnEmptyBlockAreReasoningTokens) {
    const Message empty = run(options(false), {"<think>", "</think>", "answer"});
    EXPECT_EQ(empty.reasoning, "");
    EXPECT_EQ(empty.content, "answer");
    EXPECT_EQ(empty.reasoning_tokens, 2);
    // The prompt opened the block and the first token closes it.
    const Message closed = run(options(false, true), {"</think>"});
    EXPECT_EQ(closed.content, "");
    EXPECT_EQ(closed.reasoning_tokens, 1);
    const Message closed_then_text = run(options(false, true), {"</think>", "\n\n", "hi"});
    EXPECT_EQ(closed_then_text.content, "hi");
    EXPECT_EQ(closed_then_text.reasoning_tokens, 1);
}

TEST(ChoiceParser, TextThatOnlyLooksLikeAMarkerIsReleased) {
    const std::vector<std::string> tokens = {"a <th", "in", "g> b"};
    const Message m = run(options(false), tokens);
    EXPECT_EQ(m.content, "a <thing> b");
    EXPECT_EQ(m.reasoning, "");
    EXPECT_EQ(m.reasoning_tokens, 0);
    expect_split_invariant(options(false), join(tokens), m);
}

TEST(ChoiceParser, ReasoningThenHermesCalls) {
    const std::string text =
        "<think>\nweather?\n</think>\n\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": "
        "{\"city\": \"Oslo\"}}\n</tool_call>\n<tool_call>\n{\"name\": \"get_time\", \"arguments\": "
        "{\"tz\": \"CET\"}}\n</tool_call>";
    Message want;
    want.reasoning = "weather?";
    want.calls = {{"get_weather", "{\"city\": \"Oslo\"}"}, {"get_time", "{\"tz\": \"CET\"}"}};
    const Message whole = run(options(true), {text});
    EXPECT_EQ(whole.content, "");
    EXPECT_EQ(whole.reasoning, want.reasoning);
    EXPECT_EQ(whole.calls, want.calls);
    expect_split_invariant(options(true), text, want);
    // parallel_tool_calls false keeps only the first call.
    const Message one = run(options(true, false, false), {text});
    ASSERT_EQ(one.calls.size(), 1u);
    EXPECT_EQ(one.calls[0].first, "get_weather");
}

}  // namespace
}  // namespace vela::openai
