// OutputParser behaviour that fixtures cannot show: what comes out *while* text streams in (held marker
// prefixes, arguments streamed byte by byte, nothing before a whole call commits), UTF-8 kept whole
// across feeds, and a randomized check that text with no parsed call comes back unchanged as content
// however it is split.
#include "tool_parsers/output_parser.h"
#include "unit/openai/tool_parsers/parse_event_printer.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace vela::openai {

namespace {

OutputParserOptions options_for(std::string_view format, bool stream_arguments = true) {
    OutputParserOptions options;
    options.tool_format = *find_tool_format(format);
    options.stream_arguments = stream_arguments;
    options.random = [rng = std::mt19937_64{1}]() mutable { return rng(); };
    return options;
}

ParsedOutput fold(const std::vector<ParseEvent>& events) {
    ParsedOutput out;
    for (const auto& e : events)
        apply_event(out, e);
    return out;
}

TEST(OutputParser, HoldsBackMarkerPrefixesUntilTheyResolve) {
    OutputParser parser(options_for("hermes"));
    EXPECT_EQ(parser.feed("Hello <tool"), (std::vector<ParseEvent>{ContentDelta{"Hello "}}));
    EXPECT_EQ(parser.feed("_ca"), std::vector<ParseEvent>{});
    EXPECT_EQ(parser.feed("b"), (std::vector<ParseEvent>{ContentDelta{"<tool_cab"}}));
    EXPECT_EQ(parser.feed(" <tool_call"), (std::vector<ParseEvent>{ContentDelta{" "}}));
    EXPECT_EQ(parser.finish(), (std::vector<ParseEvent>{ContentDelta{"<tool_call"}}));
}

TEST(OutputParser, StreamsArgumentsAsTheyArrive) {
    const std::string text =
        R"(Hi<tool_call>{"name": "get_weather", "arguments": {"city": "Paris", "n": [1, 2]}})"
        "</tool_call>";
    const size_t args_start = text.find("{\"city\"");
    const size_t args_end = text.find("]}") + 2;
    OutputParser parser(options_for("hermes"));
    ParsedOutput so_far;
    for (size_t k = 0; k < text.size(); ++k) {
        for (const auto& e : parser.feed(text.substr(k, 1)))
            apply_event(so_far, e);
        if (k < args_start) {
            EXPECT_TRUE(so_far.tool_calls.empty()) << "call began early, at byte " << k;
        } else {
            ASSERT_EQ(so_far.tool_calls.size(), 1u) << "no call at byte " << k;
            EXPECT_EQ(so_far.tool_calls[0].name, "get_weather");
            // Every argument byte is out as soon as it is fed.
            EXPECT_EQ(so_far.tool_calls[0].arguments,
                      text.substr(args_start, std::min(k + 1, args_end) - args_start));
        }
    }
    for (const auto& e : parser.finish())
        apply_event(so_far, e);
    EXPECT_EQ(so_far.content, "Hi");
}

TEST(OutputParser, WholeCallModeEmitsACallOnlyOnceComplete) {
    const std::string text = R"({"name": "f", "arguments": {"a": 1}} )";
    OutputParser parser(options_for("json", false));
    for (size_t k = 0; k < text.size(); ++k) {
        const auto events = parser.feed(text.substr(k, 1));
        if (k + 1 < text.find("}}") + 2) {
            EXPECT_TRUE(events.empty()) << "something came out at byte " << k << ": " << describe(events[0]);
        } else if (k + 1 == text.find("}}") + 2) {
            EXPECT_EQ(events.size(), 3u);
        }
    }
    const auto out = fold(merge_events(parser.finish()));
    EXPECT_EQ(out.content, " ");
}

TEST(OutputParser, EndsACutOffCallAsInvalidAndReleasesAnUncommittedOne) {
    {
        OutputParser parser(options_for("hermes"));
        auto events = parser.feed(R"(<tool_call>{"name": "f", "arguments": {"a": [1, )");
        auto tail = parser.finish();
        events.insert(events.end(), tail.begin(), tail.end());
        const auto out = fold(events);
        ASSERT_EQ(out.tool_calls.size(), 1u);
        EXPECT_EQ(out.tool_calls[0].arguments, R"({"a": [1, )");
        EXPECT_FALSE(out.tool_calls[0].arguments_valid);
        EXPECT_EQ(out.content, "");
    }
    {
        OutputParser parser(options_for("hermes", false));
        const std::string text = R"(<tool_call>{"name": "f", "arguments": {"a": [1, )";
        auto events = parser.feed(text);
        EXPECT_TRUE(events.empty());
        const auto out = fold(parser.finish());
        EXPECT_TRUE(out.tool_calls.empty());
        EXPECT_EQ(out.content, text);
    }
}

TEST(OutputParser, OutputCutOffInsideCallMarkupNeverBecomesContent) {
    for (const bool stream_arguments : {true, false}) {
        SCOPED_TRACE(stream_arguments ? "streamed arguments" : "whole calls");
        {  // the closing tag was cut: the call is complete and counts
            OutputParser parser(options_for("hermes", stream_arguments));
            auto events = parser.feed(R"(Hi<tool_call>{"name": "f", "arguments": {"a": 1}}</tool_)");
            auto tail = parser.finish(true);
            events.insert(events.end(), tail.begin(), tail.end());
            const auto out = fold(events);
            ASSERT_EQ(out.tool_calls.size(), 1u);
            EXPECT_EQ(out.tool_calls[0].name, "f");
            EXPECT_EQ(out.tool_calls[0].arguments, R"({"a": 1})");
            EXPECT_TRUE(out.tool_calls[0].arguments_valid);
            EXPECT_EQ(out.content, "Hi");
        }
        {  // cut before the name was complete: nothing of the markup is content
            OutputParser parser(options_for("hermes", stream_arguments));
            auto events = parser.feed("Hi<tool_call> {\n\"na");
            auto tail = parser.finish(true);
            events.insert(events.end(), tail.begin(), tail.end());
            const auto out = fold(events);
            EXPECT_TRUE(out.tool_calls.empty());
            EXPECT_EQ(out.content, "Hi");
        }
        {  // cut inside the start marker
            OutputParser parser(options_for("hermes", stream_arguments));
            auto events = parser.feed("Hi <tool_ca");
            auto tail = parser.finish(true);
            events.insert(events.end(), tail.begin(), tail.end());
            EXPECT_EQ(fold(events).content, "Hi ");
        }
        {  // the same text ending naturally is malformed markup and comes back whole
            OutputParser parser(options_for("hermes", stream_arguments));
            auto events = parser.feed("Hi <tool_ca");
            auto tail = parser.finish(false);
            events.insert(events.end(), tail.begin(), tail.end());
            EXPECT_EQ(fold(events).content, "Hi <tool_ca");
        }
    }
}

TEST(OutputParser, KeepsUtf8CharactersWholeAcrossFeeds) {
    OutputParser parser(options_for("hermes"));
    const std::string text = "é中😀";
    std::vector<ParseEvent> events;
    for (char c : text) {
        auto out = parser.feed(std::string(1, c));
        for (const auto& e : out) {
            const auto& t = std::get<ContentDelta>(e).text;
            EXPECT_EQ(incomplete_utf8_tail(t), 0u) << "a delta ends inside a character";
        }
        events.insert(events.end(), out.begin(), out.end());
    }
    auto tail = parser.finish();
    events.insert(events.end(), tail.begin(), tail.end());
    EXPECT_EQ(merge_events(events), (std::vector<ParseEvent>{ContentDelta{text}}));
    EXPECT_EQ(events.size(), 3u);  // one delta per completed character
}

TEST(OutputParser, FinishIsFinal) {
    OutputParser parser(options_for("hermes"));
    EXPECT_EQ(parser.feed("a"), (std::vector<ParseEvent>{ContentDelta{"a"}}));
    EXPECT_TRUE(parser.finish().empty());
    EXPECT_TRUE(parser.finish().empty());
    EXPECT_TRUE(parser.feed("b").empty());
}

TEST(OutputParser, ModelIdsAreKeptAndGeneratedIdsAvoidThem) {
    OutputParser parser(options_for("mistral"));
    auto events = parser.feed("[TOOL_CALLS]a[CALL_ID]abcDEF123[ARGS]{}[TOOL_CALLS]b[ARGS]{}");
    auto tail = parser.finish();
    events.insert(events.end(), tail.begin(), tail.end());
    const auto out = fold(events);
    ASSERT_EQ(out.tool_calls.size(), 2u);
    EXPECT_EQ(out.tool_calls[0].id, "abcDEF123");
    EXPECT_NE(out.tool_calls[1].id, "abcDEF123");
    EXPECT_EQ(out.tool_calls[1].id.size(), 9u);
}

TEST(OutputParser, NoFormatMeansNoParsing) {
    OutputParserOptions options;
    options.tool_format = *find_tool_format("none");
    OutputParser parser(std::move(options));
    const std::string text = R"(<tool_call>{"name": "f", "arguments": {}}</tool_call>)";
    auto events = parser.feed(text);
    auto tail = parser.finish();
    events.insert(events.end(), tail.begin(), tail.end());
    EXPECT_EQ(merge_events(events), (std::vector<ParseEvent>{ContentDelta{text}}));
}

TEST(OutputParser, SurvivesDeepNestingAndLongInput) {
    std::string deep = R"(<tool_call>{"name": "f", "arguments": )";
    deep += std::string(100000, '[');
    OutputParser parser(options_for("hermes", false));
    auto events = parser.feed(deep);
    auto tail = parser.finish();
    events.insert(events.end(), tail.begin(), tail.end());
    EXPECT_EQ(fold(events).content, deep);  // not a call (arguments must be an object): all text

    std::string text;
    for (int i = 0; i < 20000; ++i)
        text += "<tool_call><tool_call>{\"name\": 1}</tool_call> plain text ";
    OutputParser many(options_for("hermes"));
    std::vector<ParseEvent> all;
    for (size_t pos = 0; pos < text.size(); pos += 4096) {
        auto out = many.feed(std::string_view(text).substr(pos, 4096));
        all.insert(all.end(), out.begin(), out.end());
    }
    auto rest = many.finish();
    all.insert(all.end(), rest.begin(), rest.end());
    EXPECT_EQ(fold(all).content, text);
}

// Random texts built from markers, marker prefixes, JSON fragments and text: when no call is parsed,
// the content is exactly the input (nothing dropped, nothing duplicated), and every chunking agrees.
TEST(OutputParser, RandomTextsWithoutCallsComeBackUnchanged) {
    static const char* kPieces[] = {"<tool_call>",
                                    "</tool_call>",
                                    "<tool",
                                    "[TOOL_CALLS]",
                                    "[TOOL_",
                                    "[ARGS]",
                                    "[CALL_ID]",
                                    "<|python_tag|>",
                                    "<|eom_id|>",
                                    "<function=",
                                    "</function>",
                                    "✿FUNCTION✿",
                                    "✿ARGS✿",
                                    "✿",
                                    "{",
                                    "}",
                                    "[",
                                    "]",
                                    "\"",
                                    "\\",
                                    ":",
                                    ",",
                                    ";",
                                    "\"name\"",
                                    "\"arguments\"",
                                    "\"f\"",
                                    " ",
                                    "\n",
                                    "```",
                                    "text",
                                    "é",
                                    "😀",
                                    "{\"a\": 1}",
                                    ">",
                                    "f",
                                    "1",
                                    "<think>",
                                    "</think>"};
    std::mt19937 rng(77);
    size_t n_checked = 0;
    for (const auto& row : tool_formats()) {
        for (int i = 0; i < 3000; ++i) {
            std::string text;
            const size_t n = std::uniform_int_distribution<size_t>(1, 14)(rng);
            for (size_t k = 0; k < n; ++k) {
                text += kPieces[std::uniform_int_distribution<size_t>(0, std::size(kPieces) - 1)(rng)];
            }
            for (bool stream : {true, false}) {
                auto run = [&](size_t max_chunk) {
                    OutputParserOptions options = options_for(row.name, stream);
                    OutputParser parser(std::move(options));
                    std::vector<ParseEvent> events;
                    std::uniform_int_distribution<size_t> size(1, max_chunk);
                    for (size_t pos = 0; pos < text.size();) {
                        const size_t len = std::min(size(rng), text.size() - pos);
                        auto out = parser.feed(std::string_view(text).substr(pos, len));
                        events.insert(events.end(), out.begin(), out.end());
                        pos += len;
                    }
                    auto out = parser.finish();
                    events.insert(events.end(), out.begin(), out.end());
                    return merge_events(events);
                };
                const auto one_shot = run(text.size());
                EXPECT_EQ(run(1), one_shot) << row.name << ": " << text;
                EXPECT_EQ(run(5), one_shot) << row.name << ": " << text;
                const auto out = fold(one_shot);
                if (out.tool_calls.empty()) {
                    ++n_checked;
                    EXPECT_EQ(out.content, text) << row.name << ": " << text;
                }
            }
        }
    }
    EXPECT_GT(n_checked, 20000u);
}

}  // namespace
}  // namespace vela::openai
