// String formats against naive reference checks written here: every date of a range of interesting
// years (leap-year rules included), times with offsets, UUIDs, IPv4 addresses, e-mail addresses.
#include "grammar/string_formats.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>

#include "unit/openai/grammar/grammar_test_util.h"

namespace vela::grammar {
namespace {

using testing::accepts;
using testing::compile_root;

std::shared_ptr<const CompiledGrammar> format_grammar(const std::string& format) {
    GrammarBuilder b;
    JsonGrammarBlocks json(b, 2);
    auto body = compile_format(json, format);
    EXPECT_TRUE(body.ok()) << format;
    return body.ok() ? compile_root(b, json.quoted(*body)) : nullptr;
}

bool leap(int y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool valid_date(int y, int m, int d) {
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1) return false;
    return d <= days[m - 1] + (m == 2 && leap(y) ? 1 : 0);
}

std::string quoted(const std::string& s) {
    return "\"" + s + "\"";
}

TEST(StringFormats, DatesMatchTheCalendar) {
    auto g = format_grammar("date");
    ASSERT_TRUE(g);
    for (int y : {0, 4, 100, 400, 1900, 1996, 2000, 2023, 2024, 2100, 2400, 9999}) {
        for (int m = 0; m <= 13; ++m) {
            for (int d = 0; d <= 32; ++d) {
                char text[32];
                std::snprintf(text, sizeof(text), "%04d-%02d-%02d", y, m, d);
                ASSERT_EQ(accepts(g, quoted(text)), valid_date(y, m, d)) << text;
            }
        }
    }
    EXPECT_FALSE(accepts(g, quoted("2024-1-01")));
    EXPECT_FALSE(accepts(g, quoted("20240101")));
}

TEST(StringFormats, TimesAndDateTimes) {
    auto time = format_grammar("time");
    auto date_time = format_grammar("date-time");
    ASSERT_TRUE(time && date_time);
    std::mt19937 rng(3);
    std::uniform_int_distribution<int> hour(0, 25), minute(0, 61), second(0, 61), zone(0, 4), off_h(0, 25);
    for (int i = 0; i < 3000; ++i) {
        int h = hour(rng), mi = minute(rng), s = second(rng), z = zone(rng), oh = off_h(rng),
            om = minute(rng);
        char text[64];
        std::string suffix = z == 0 ? "Z" : z == 1 ? "z" : "";
        if (z >= 2) {
            char off[16];
            std::snprintf(off, sizeof(off), "%c%02d:%02d", z == 2 ? '+' : '-', oh, om);
            suffix = off;
        }
        std::snprintf(text, sizeof(text), "%02d:%02d:%02d%s%s", h, mi, s, i % 3 == 0 ? ".25" : "",
                      suffix.c_str());
        bool ok = h <= 23 && mi <= 59 && s <= 60 && (z < 2 || (oh <= 23 && om <= 59)) && z != 4;
        if (z == 4) {  // no zone at all
            std::snprintf(text, sizeof(text), "%02d:%02d:%02d", h, mi, s);
        }
        ASSERT_EQ(accepts(time, quoted(text)), ok) << text;
        ASSERT_EQ(accepts(date_time, quoted(std::string("2024-02-29") + (i % 2 ? "T" : "t") + text)), ok)
            << text;
    }
    EXPECT_FALSE(accepts(date_time, quoted("2023-02-29T10:00:00Z")));
    EXPECT_FALSE(accepts(date_time, quoted("2024-02-29 10:00:00Z")));
}

TEST(StringFormats, UuidIpv4Email) {
    auto uuid = format_grammar("uuid");
    auto ipv4 = format_grammar("ipv4");
    auto email = format_grammar("email");
    ASSERT_TRUE(uuid && ipv4 && email);
    EXPECT_TRUE(accepts(uuid, quoted("123e4567-e89b-12d3-A456-426614174000")));
    EXPECT_FALSE(accepts(uuid, quoted("123e4567-e89b-12d3-a456-42661417400")));
    EXPECT_FALSE(accepts(uuid, quoted("123e4567e89b12d3a456426614174000")));
    for (int a : {0, 1, 9, 10, 99, 100, 199, 200, 249, 250, 255, 256, 300, 999}) {
        const std::string text = "10." + std::to_string(a) + ".0.1";
        EXPECT_EQ(accepts(ipv4, quoted(text)), a <= 255) << text;
    }
    EXPECT_FALSE(accepts(ipv4, quoted("01.2.3.4")));
    EXPECT_FALSE(accepts(ipv4, quoted("1.2.3")));
    EXPECT_TRUE(accepts(email, quoted("joe.bloggs+tag@example.co.uk")));
    EXPECT_FALSE(accepts(email, quoted("joe..bloggs@example.com")));
    EXPECT_FALSE(accepts(email, quoted("2962")));
    EXPECT_FALSE(accepts(email, quoted("a@-example.com")));
}

TEST(StringFormats, UnknownFormatsAreErrorsListingTheSupportedOnes) {
    GrammarBuilder b;
    JsonGrammarBlocks json(b, 2);
    auto e = compile_format(json, "uri");
    ASSERT_FALSE(e.ok());
    EXPECT_NE(e.error().message().find("format 'uri'"), std::string::npos);
    for (const std::string& name : supported_formats())
        EXPECT_NE(e.error().message().find(name), std::string::npos);
}

}  // namespace
}  // namespace vela::grammar
