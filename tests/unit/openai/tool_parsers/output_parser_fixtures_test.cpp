// Every tool-call fixture (tests/fixtures/tool_calls/<format>.json: model output + hand-written expected
// events) is parsed in one piece, split at every byte boundary, and in 200 random chunkings (1-byte
// feeds included), in both argument-streaming modes. The merged events must equal the fixture's
// expectation in one piece and be identical, ids included, under every split; no emitted delta may be
// invalid UTF-8; content may never carry a call marker when a call was parsed; ids are 9 alphanumerics
// (or the model's own) and unique.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "tool_parsers/output_parser.h"
#include "unit/openai/tool_parsers/parse_event_printer.h"

namespace vela::openai {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Fixture {
    std::string file;
    std::string format;
    json cases;
};

std::vector<Fixture> load_fixtures() {
    std::vector<Fixture> fixtures;
    const fs::path dir = fs::path(VELA_SOURCE_DIR) / "tests" / "fixtures" / "tool_calls";
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() != ".json") continue;
        std::ifstream in(entry.path());
        json doc = json::parse(in);
        fixtures.push_back(
            {entry.path().filename().string(), doc.at("format").get<std::string>(), doc.at("cases")});
    }
    std::sort(fixtures.begin(), fixtures.end(), [](const auto& a, const auto& b) { return a.file < b.file; });
    return fixtures;
}

// Expands a fixture's expectation into merged events; call ids are filled in from `actual` when the
// fixture does not pin them (they are random), and checked separately.
std::vector<ParseEvent> expected_events(const json& expect, const std::vector<ParseEvent>& actual) {
    std::vector<ParseEvent> events;
    int32_t index = 0;
    for (const auto& item : expect) {
        if (item.contains("content")) {
            events.push_back(ContentDelta{item["content"].get<std::string>()});
        } else if (item.contains("reasoning")) {
            events.push_back(ReasoningDelta{item["reasoning"].get<std::string>()});
        } else {
            const json& call = item.at("call");
            std::string id = call.value("id", "");
            if (id.empty()) {
                for (const auto& e : actual) {
                    if (auto* b = std::get_if<ToolCallBegin>(&e); b != nullptr && b->index == index)
                        id = b->id;
                }
            }
            events.push_back(ToolCallBegin{index, id, call.at("name").get<std::string>()});
            events.push_back(ToolArgsDelta{index, call.at("arguments").get<std::string>()});
            events.push_back(ToolCallEnd{index, call.value("valid", true)});
            ++index;
        }
    }
    return merge_events(events);
}

std::string describe_all(const std::vector<ParseEvent>& events) {
    std::string out;
    for (const auto& e : events)
        out += "  " + describe(e) + "\n";
    return out;
}

bool is_valid_utf8(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
        const auto b = static_cast<unsigned char>(s[i]);
        size_t n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
        if (n == 0 || i + n > s.size()) return false;
        for (size_t k = 1; k < n; ++k) {
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        }
        i += n;
    }
    return true;
}

class FixtureRun {
  public:
    FixtureRun(const Fixture& fixture, const json& c, bool stream_arguments)
        : format_(fixture.format == "none" ? nullptr : *find_tool_format(fixture.format)), case_(c) {
        options_.tool_format = format_;
        options_.stream_arguments = stream_arguments;
        if (c.contains("reasoning"))
            options_.reasoning = *find_reasoning_format(c["reasoning"].get<std::string>());
        options_.starts_in_reasoning = c.value("starts_in_reasoning", false);
        if (c.contains("known_tools"))
            options_.known_tools = c["known_tools"].get<std::vector<std::string>>();
    }

    // Feeds `chunks` (with a fixed id seed) and returns every event as it came out.
    std::vector<ParseEvent> run(const std::vector<std::string_view>& chunks) const {
        OutputParserOptions options = options_;
        options.random = [rng = std::mt19937_64{42}]() mutable { return rng(); };
        OutputParser parser(std::move(options));
        std::vector<ParseEvent> events;
        for (std::string_view chunk : chunks) {
            auto out = parser.feed(chunk);
            events.insert(events.end(), out.begin(), out.end());
        }
        auto out = parser.finish();
        events.insert(events.end(), out.begin(), out.end());
        return events;
    }

    const ToolFormatInfo* format() const { return format_; }

  private:
    const ToolFormatInfo* format_;
    const json& case_;
    OutputParserOptions options_;
};

void check_deltas_utf8(const std::vector<ParseEvent>& events, const std::string& where) {
    for (const auto& e : events) {
        std::string_view text;
        if (auto* c = std::get_if<ContentDelta>(&e)) text = c->text;
        if (auto* r = std::get_if<ReasoningDelta>(&e)) text = r->text;
        if (auto* a = std::get_if<ToolArgsDelta>(&e)) text = a->fragment;
        EXPECT_TRUE(is_valid_utf8(text)) << where << ": delta is not valid UTF-8: " << describe(e);
    }
}

TEST(OutputParserFixtures, EveryFormatHasFixtures) {
    std::set<std::string> covered;
    for (const auto& f : load_fixtures())
        covered.insert(f.format);
    for (const auto& row : tool_formats())
        EXPECT_TRUE(covered.count(std::string(row.name))) << row.name;
}

TEST(OutputParserFixtures, OneShotSplitsAndRandomChunkingsAgree) {
    size_t n_cases = 0;
    for (const auto& fixture : load_fixtures()) {
        for (const auto& c : fixture.cases) {
            for (bool stream_arguments : {true, false}) {
                ++n_cases;
                const std::string output = c.at("output").get<std::string>();
                const std::string where = fixture.file + " / " + c.at("name").get<std::string>() +
                                          (stream_arguments ? " (streamed arguments)" : " (whole calls)");
                ASSERT_TRUE(is_valid_utf8(output)) << where;
                FixtureRun run(fixture, c, stream_arguments);

                // One piece, against the hand-written expectation.
                const auto raw_one_shot = run.run({output});
                const auto one_shot = merge_events(raw_one_shot);
                const json& expect = !stream_arguments && c.contains("expect_whole_calls")
                                         ? c["expect_whole_calls"]
                                         : c["expect"];
                const auto expected = expected_events(expect, one_shot);
                EXPECT_EQ(one_shot, expected) << where << "\nexpected:\n"
                                              << describe_all(expected) << "got:\n"
                                              << describe_all(one_shot);

                // Ids: model ids as given, ours 9 alphanumerics, all unique.
                std::set<std::string> ids;
                bool any_call = false;
                for (const auto& e : one_shot) {
                    auto* b = std::get_if<ToolCallBegin>(&e);
                    if (b == nullptr) continue;
                    any_call = true;
                    EXPECT_TRUE(ids.insert(b->id).second) << where << ": duplicate id " << b->id;
                    EXPECT_EQ(b->id.size(), 9u) << where;
                    for (char ch : b->id)
                        EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(ch))) << where;
                }

                // Content never carries a marker of a parsed call.
                if (any_call && !c.value("markers_in_content", false) && run.format() != nullptr) {
                    ParsedOutput folded;
                    for (const auto& e : one_shot)
                        apply_event(folded, e);
                    for (auto markers : {run.format()->start_markers, run.format()->end_markers}) {
                        for (std::string_view m : markers) {
                            EXPECT_EQ(folded.content.find(m), std::string::npos)
                                << where << ": content holds marker " << m << ": " << folded.content;
                        }
                    }
                }

                // Two feeds, split at every byte.
                for (size_t cut = 0; cut <= output.size(); ++cut) {
                    const std::string_view text = output;
                    const auto events = run.run({text.substr(0, cut), text.substr(cut)});
                    check_deltas_utf8(events, where + " split at " + std::to_string(cut));
                    ASSERT_EQ(merge_events(events), one_shot)
                        << where << " split at " << cut << "\ngot:\n"
                        << describe_all(merge_events(events)) << "one piece:\n"
                        << describe_all(one_shot);
                }

                // 200 random chunkings; the first feeds one byte at a time.
                std::mt19937 rng(1234);
                for (int trial = 0; trial < 200; ++trial) {
                    std::vector<std::string_view> chunks;
                    std::uniform_int_distribution<size_t> size(1, trial % 4 == 0 ? 3 : 12);
                    for (size_t pos = 0; pos < output.size();) {
                        const size_t n = trial == 0 ? 1 : std::min(size(rng), output.size() - pos);
                        chunks.push_back(std::string_view(output).substr(pos, n));
                        pos += n;
                    }
                    const auto events = run.run(chunks);
                    check_deltas_utf8(events, where + " trial " + std::to_string(trial));
                    ASSERT_EQ(merge_events(events), one_shot) << where << " random chunking " << trial;
                }
            }
        }
    }
    EXPECT_GT(n_cases, 200u);
}

}  // namespace
}  // namespace vela::openai
