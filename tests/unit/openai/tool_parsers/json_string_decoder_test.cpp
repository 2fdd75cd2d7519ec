// JsonStringDecoder against nlohmann::json: random string bodies (escapes, \u with surrogate pairs,
// UTF-8) decode to the same bytes, and broken bodies are rejected where nlohmann rejects them.
#include "tool_parsers/json_string_decoder.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>

namespace vela::openai {
namespace {

// Decodes `body` followed by its closing quote; nullopt when the decoder rejects it.
std::optional<std::string> decode(const std::string& body) {
    JsonStringDecoder decoder;
    std::string out;
    const std::string text = body + "\"";
    for (size_t k = 0; k < text.size(); ++k) {
        const auto r = decoder.step(text[k], out);
        if (r == JsonStringDecoder::Step::Error) return std::nullopt;
        if (r == JsonStringDecoder::Step::Done)
            return k + 1 == text.size() ? std::optional(out) : std::nullopt;
    }
    return std::nullopt;
}

std::optional<std::string> reference(const std::string& body) {
    try {
        return nlohmann::json::parse("\"" + body + "\"").get<std::string>();
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

TEST(JsonStringDecoder, MatchesNlohmannOnRandomBodies) {
    static const char* kPieces[] = {"a",
                                    "\\\"",
                                    "\\\\",
                                    "\\/",
                                    "\\b",
                                    "\\f",
                                    "\\n",
                                    "\\r",
                                    "\\t",
                                    "\\u0041",
                                    "\\u00e9",
                                    "\\u4E2D",
                                    "\\uD83D\\uDE00",
                                    "\\uDBFF\\uDFFF",
                                    "é",
                                    "中",
                                    "😀",
                                    " ",
                                    "{",
                                    "}",
                                    "\\u0000",
                                    "\\uD800",
                                    "\\uDC00",
                                    "\\uD83Dx",
                                    "\\x",
                                    "\x01",
                                    "\\u12",
                                    "\\uD83D\\n"};
    std::mt19937 rng(9);
    size_t n_rejected = 0;
    for (int i = 0; i < 20000; ++i) {
        std::string body;
        const size_t n = std::uniform_int_distribution<size_t>(0, 6)(rng);
        for (size_t k = 0; k < n; ++k)
            body += kPieces[std::uniform_int_distribution<size_t>(0, std::size(kPieces) - 1)(rng)];
        const auto expected = reference(body);
        n_rejected += expected ? 0 : 1;
        EXPECT_EQ(decode(body), expected) << body;
    }
    EXPECT_GT(n_rejected, 1000u);
}

TEST(JsonStringDecoder, LenientModeFindsTheEndAndKeepsEverything) {
    const std::string text = R"(a\qb\uD83Dc\uZZ"rest)";
    JsonStringDecoder decoder;
    std::string out;
    size_t end = 0;
    for (size_t k = 0; k < text.size(); ++k) {
        auto r = decoder.step(text[k], out);
        if (r == JsonStringDecoder::Step::Error) {
            decoder.tolerate();
            r = decoder.step(text[k], out);
        }
        if (r == JsonStringDecoder::Step::Done) {
            end = k;
            break;
        }
    }
    EXPECT_EQ(end, text.find('"'));
    EXPECT_EQ(out,
              "a\\qb\xEF\xBF\xBD"
              "c\\uZZ");
    EXPECT_FALSE(decoder.valid());
}

TEST(JsonStringDecoder, EncodesUtf8) {
    std::string out;
    append_utf8(out, 0x41);
    append_utf8(out, 0xE9);
    append_utf8(out, 0x4E2D);
    append_utf8(out, 0x1F600);
    EXPECT_EQ(out, "A\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80");
}

}  // namespace
}  // namespace vela::openai
