// JsonScanner against nlohmann::json (an independent parser): random JSON texts with random whitespace,
// escapes and nesting, and random single-byte mutations of them, must get the same valid/invalid
// verdict; and a valid value followed by more text must be reported complete exactly where it ends.
#include "tool_parsers/json_scanner.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>

namespace vela::openai {
namespace {

// Random JSON text, written by hand (not dumped) so it has arbitrary spacing, escapes and numbers.
class RandomJson {
  public:
    explicit RandomJson(uint32_t seed) : rng_(seed) {}

    std::string value(int depth) {
        switch (pick(depth > 3 ? 5 : 7)) {
            case 0:
                return string();
            case 1:
                return number();
            case 2:
                return std::vector<std::string>{"true", "false", "null"}[pick(3)];
            case 3:
            case 4:
                return string();
            case 5:
                return object(depth + 1);
            default:
                return array(depth + 1);
        }
    }
    std::string object(int depth) {
        std::string s = "{" + space();
        const size_t n = pick(4);
        for (size_t i = 0; i < n; ++i) {
            if (i > 0) s += "," + space();
            s += string() + space() + ":" + space() + value(depth) + space();
        }
        return s + "}";
    }

  private:
    size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
    std::string space() {
        static const char* kSpaces[] = {"", "", "", " ", "\n", "\t", "  ", "\r\n"};
        return kSpaces[pick(8)];
    }
    std::string array(int depth) {
        std::string s = "[" + space();
        const size_t n = pick(4);
        for (size_t i = 0; i < n; ++i) {
            if (i > 0) s += "," + space();
            s += value(depth) + space();
        }
        return s + "]";
    }
    std::string number() {
        std::string s = pick(3) == 0 ? "-" : "";
        s += pick(4) == 0 ? "0" : std::to_string(1 + pick(99999));
        if (pick(3) == 0) s += "." + std::to_string(pick(1000));
        if (pick(4) == 0)
            s += std::string(pick(2) ? "e" : "E") + (pick(2) ? "+" : "-") + std::to_string(pick(30));
        return s;
    }
    std::string string() {
        static const char* kPieces[] = {"a",   "Z",    " ",       "{",
                                        "}",   "[",    "]",       ":",
                                        ",",   "\\\"", "\\\\",    "\\/",
                                        "\\n", "\\t",  "\\u00e9", "\\uD83D\\uDE00",
                                        "é",   "中",   "😀",       "</tool_call>",
                                        "\\b", "'",    "\\u0041"};
        std::string s = "\"";
        const size_t n = pick(8);
        for (size_t i = 0; i < n; ++i)
            s += kPieces[pick(std::size(kPieces))];
        return s + "\"";
    }

    std::mt19937 rng_;
};

// The scanner's verdict on a whole text: one complete value, then only whitespace.
bool scanner_accepts(const std::string& text) {
    JsonScanner scanner;
    bool done = false;
    for (char c : text) {
        if (done) {
            if (!is_json_space(c)) return false;
            continue;
        }
        const auto r = scanner.step(c);
        if (r == JsonScanner::Step::Error) return false;
        if (r == JsonScanner::Step::Done) done = true;
        if (r == JsonScanner::Step::DoneBefore) {
            done = true;
            if (!is_json_space(c)) return false;
        }
    }
    return done || scanner.complete_at_end();
}

TEST(JsonScanner, AgreesWithNlohmannOnRandomValidTexts) {
    RandomJson gen(7);
    for (int i = 0; i < 3000; ++i) {
        const std::string text = i % 2 ? gen.object(0) : gen.value(0);
        ASSERT_TRUE(nlohmann::json::accept(text)) << "generator made invalid JSON: " << text;
        EXPECT_TRUE(scanner_accepts(text)) << text;
    }
}

TEST(JsonScanner, AgreesWithNlohmannOnMutatedTexts) {
    RandomJson gen(11);
    std::mt19937 rng(5);
    const std::string kBytes = "{}[]\",:\\ 0123456789-+.eEtrufalsn\n\x01u";
    size_t n_invalid = 0;
    for (int i = 0; i < 20000; ++i) {
        std::string text = gen.object(0);
        const size_t pos = std::uniform_int_distribution<size_t>(0, text.size() - 1)(rng);
        const char byte = kBytes[std::uniform_int_distribution<size_t>(0, kBytes.size() - 1)(rng)];
        switch (i % 3) {
            case 0:
                text[pos] = byte;
                break;
            case 1:
                text.insert(text.begin() + static_cast<std::ptrdiff_t>(pos), byte);
                break;
            default:
                text.erase(pos, 1);
                break;
        }
        // Surrogate pairs, UTF-8 and number range are checked by nlohmann but are not grammar: skip texts
        // a mutation turned into a lone surrogate, cut inside a multi-byte character or made overflow.
        nlohmann::json parsed;
        bool reference = nlohmann::json::accept(text);
        if (!reference) {
            try {
                parsed = nlohmann::json::parse(text);
            } catch (const nlohmann::json::exception& e) {
                const std::string what = e.what();
                if (what.find("surrogate") != std::string::npos || what.find("UTF-8") != std::string::npos ||
                    what.find("utf-8") != std::string::npos ||
                    what.find("number overflow") != std::string::npos)
                    continue;
            }
        }
        n_invalid += reference ? 0 : 1;
        EXPECT_EQ(scanner_accepts(text), reference) << text;
    }
    EXPECT_GT(n_invalid, 5000u);  // the mutations really do produce invalid texts
}

TEST(JsonScanner, ReportsTheEndOfAValueFollowedByText) {
    RandomJson gen(3);
    for (int i = 0; i < 3000; ++i) {
        const std::string value = gen.value(0);
        const std::string text = value + "</tool_call>";
        JsonScanner scanner;
        size_t end = std::string::npos;
        for (size_t k = 0; k < text.size(); ++k) {
            const auto r = scanner.step(text[k]);
            ASSERT_NE(r, JsonScanner::Step::Error) << text << " at " << k;
            if (r == JsonScanner::Step::Done) end = k + 1;
            if (r == JsonScanner::Step::DoneBefore) end = k;
            if (end != std::string::npos) break;
        }
        EXPECT_EQ(end, value.size()) << text;
    }
}

TEST(JsonScanner, RejectsAtTheFirstBadByte) {
    struct Case {
        std::string text;
        size_t bad;  // index of the first byte that cannot continue a valid value
    };
    const Case cases[] = {
        {R"({"a": 1,})", 8},        {R"({"a" 1})", 5},      {R"({"a": tru})", 9},     {R"([1 2])", 3},
        {R"({"a": 01})", 7},        {R"({"a": "x\q"})", 9}, {"{\"a\": \"\x01\"}", 7}, {R"({'a': 1})", 1},
        {R"({"a": -})", 7},         {R"({"a": 1.})", 8},    {R"({"a": 1e})", 8},      {R"({"a": [}})", 7},
        {R"({"a": "\u12G4"})", 11},
    };
    for (const auto& c : cases) {
        JsonScanner scanner;
        size_t bad = std::string::npos;
        for (size_t k = 0; k < c.text.size() && bad == std::string::npos; ++k) {
            if (scanner.step(c.text[k]) == JsonScanner::Step::Error) bad = k;
        }
        EXPECT_EQ(bad, c.bad) << c.text;
    }
}

TEST(JsonScanner, ToleratesAfterAnErrorAndFindsTheEnd) {
    // After an error, brackets outside strings still delimit the value.
    const std::string text = R"({"a": tru, "b": "} ] \" {", "c": [1, {"d": }]} tail)";
    JsonScanner scanner;
    size_t end = std::string::npos;
    for (size_t k = 0; k < text.size() && end == std::string::npos; ++k) {
        auto r = scanner.step(text[k]);
        if (r == JsonScanner::Step::Error) {
            scanner.tolerate();
            r = scanner.step(text[k]);
        }
        if (r == JsonScanner::Step::Done) end = k + 1;
    }
    EXPECT_EQ(text.substr(0, end), R"({"a": tru, "b": "} ] \" {", "c": [1, {"d": }]})");
    EXPECT_FALSE(scanner.valid());
}

TEST(JsonScanner, LimitsNesting) {
    JsonScanner scanner;
    bool error = false;
    for (size_t k = 0; k < JsonScanner::kMaxDepth + 5 && !error; ++k) {
        error = scanner.step('[') == JsonScanner::Step::Error;
    }
    EXPECT_TRUE(error);
}

}  // namespace
}  // namespace vela::openai
