// Number ranges and multipleOf against brute force: every integer in a window, and every multiple of
// 0.01 in a window (exact arithmetic on hundredths), is accepted exactly when it satisfies the bounds.
#include "grammar/number_range.h"

#include <gtest/gtest.h>

#include <optional>
#include <random>
#include <string>

#include "unit/openai/grammar/grammar_test_util.h"

namespace vela::grammar {
namespace {

using testing::accepts;
using testing::compile_root;

Decimal dec(const std::string& text) {
    return *parse_decimal(text);
}

std::shared_ptr<const CompiledGrammar> number_grammar(const NumberConstraints& c) {
    GrammarBuilder b;
    auto e = constrained_number(b, c);
    EXPECT_TRUE(e.ok()) << (e.ok() ? "" : e.error().message());
    if (!e.ok()) return nullptr;
    GrammarBuilder& bb = b;
    if (bb.expr(*e).kind == ExprKind::Nothing) return nullptr;  // empty range
    return compile_root(b, *e);
}

// The shortest text of k / 100.
std::string hundredths(long k) {
    std::string sign = k < 0 ? "-" : "";
    long a = std::labs(k);
    std::string out = sign + std::to_string(a / 100);
    long f = a % 100;
    if (f != 0) {
        out += "." + std::string(f < 10 ? "0" : "") + std::to_string(f);
        if (out.back() == '0') out.pop_back();
    }
    return out == "-0" ? "0" : out;
}

TEST(NumberRange, ParsesDecimalsExactly) {
    EXPECT_EQ(dec("1e+30").text(), "1000000000000000000000000000000");
    EXPECT_EQ(dec("-2.50").text(), "-2.5");
    EXPECT_EQ(dec("0.0001").text(), "0.0001");
    EXPECT_EQ(dec("12.5e-3").text(), "0.0125");
    EXPECT_EQ(dec("-0").text(), "0");
    EXPECT_FALSE(dec("-0").negative);
    EXPECT_FALSE(parse_decimal("1.").ok());
    EXPECT_FALSE(parse_decimal("+1").ok());
    EXPECT_LT(compare(dec("-3"), dec("-2.5")), 0);
    EXPECT_GT(compare(dec("10"), dec("9.99")), 0);
}

TEST(NumberRange, IntegersMatchBruteForce) {
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> bound(-150, 150);
    std::uniform_int_distribution<int> coin(0, 3);
    for (int round = 0; round < 60; ++round) {
        NumberConstraints c;
        c.integer_only = true;
        std::optional<double> lo;
        std::optional<double> hi;
        if (coin(rng) != 0) {
            // Some bounds are not integers: 7.5 as a lower bound means 8.
            double v = bound(rng) + (coin(rng) == 0 ? 0.5 : 0.0);
            lo = v;
            c.lower = dec(std::to_string(v));
            c.lower_exclusive = coin(rng) < 2;
        }
        if (coin(rng) != 0) {
            double v = bound(rng) + (coin(rng) == 0 ? 0.5 : 0.0);
            hi = v;
            c.upper = dec(std::to_string(v));
            c.upper_exclusive = coin(rng) < 2;
        }
        int multiple = 0;
        if (coin(rng) == 0) {
            multiple = 1 + coin(rng) * 2;  // 1, 3, 5, 7
            c.multiple_of = dec(std::to_string(multiple));
        }
        auto g = number_grammar(c);
        for (int v = -400; v <= 400; ++v) {
            bool ok = true;
            if (lo) ok = ok && (c.lower_exclusive ? v > *lo : v >= *lo);
            if (hi) ok = ok && (c.upper_exclusive ? v < *hi : v <= *hi);
            if (multiple) ok = ok && v % multiple == 0;
            const bool got = g && accepts(g, std::to_string(v));
            ASSERT_EQ(got, ok) << "value " << v << " round " << round
                               << (lo ? " lo " + std::to_string(*lo) : "")
                               << (hi ? " hi " + std::to_string(*hi) : "") << " multiple " << multiple;
        }
        if (g) {
            EXPECT_FALSE(accepts(g, "1.5"));
            EXPECT_FALSE(accepts(g, "1e2"));
            EXPECT_FALSE(accepts(g, "007"));
        }
    }
}

TEST(NumberRange, DecimalsMatchBruteForce) {
    const char* bounds[] = {"0", "1.25", "-0.5", "3", "-10.05", "0.01", "99.9"};
    std::mt19937 rng(11);
    std::uniform_int_distribution<int> pick(0, 6);
    std::uniform_int_distribution<int> coin(0, 2);
    for (int round = 0; round < 40; ++round) {
        NumberConstraints c;
        std::optional<long> lo;  // in hundredths
        std::optional<long> hi;
        if (coin(rng) != 0) {
            std::string t = bounds[pick(rng)];
            c.lower = dec(t);
            c.lower_exclusive = coin(rng) == 0;
            lo = std::lround(std::stod(t) * 100);
        }
        if (coin(rng) != 0) {
            std::string t = bounds[pick(rng)];
            c.upper = dec(t);
            c.upper_exclusive = coin(rng) == 0;
            hi = std::lround(std::stod(t) * 100);
        }
        long step = 0;
        if (coin(rng) == 0) {
            step = 25;
            c.multiple_of = dec("0.25");
        }
        auto g = number_grammar(c);
        for (long k = -1500; k <= 1500; ++k) {
            bool ok = true;
            if (lo) ok = ok && (c.lower_exclusive ? k > *lo : k >= *lo);
            if (hi) ok = ok && (c.upper_exclusive ? k < *hi : k <= *hi);
            if (step) ok = ok && k % step == 0;
            const std::string text = hundredths(k);
            ASSERT_EQ(g && accepts(g, text), ok) << text << " round " << round;
            // Trailing zeros do not change the value (within multipleOf's fraction digits).
            if (k % 100 != 0 && k % 10 == 0 && g) {
                ASSERT_EQ(accepts(g, text + "0"), ok) << text << "0 round " << round;
            }
        }
        if (g && !step && (c.lower || c.upper)) {
            EXPECT_FALSE(accepts(g, "-0"));  // a bounded number is never written as -0
        }
    }
}

TEST(NumberRange, EmptyRangesAndBadMultiples) {
    GrammarBuilder b;
    NumberConstraints c{.lower = dec("5"), .lower_exclusive = true, .upper = dec("5")};
    auto e = constrained_number(b, c);
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(b.expr(*e).kind, ExprKind::Nothing);
    NumberConstraints bad{.multiple_of = dec("-2")};
    EXPECT_FALSE(constrained_number(b, bad).ok());
    NumberConstraints huge{.multiple_of = dec("0.123456789")};
    auto error = constrained_number(b, huge);
    ASSERT_FALSE(error.ok());
    EXPECT_NE(error.error().message().find("multipleOf"), std::string::npos);
}

TEST(NumberRange, MultiplesOfSmallDecimals) {
    auto g = number_grammar(NumberConstraints{.multiple_of = dec("0.0001")});
    ASSERT_TRUE(g);
    EXPECT_TRUE(accepts(g, "0.0075"));
    EXPECT_FALSE(accepts(g, "0.00751"));
    EXPECT_TRUE(accepts(g, "-12"));
    auto h = number_grammar(NumberConstraints{.multiple_of = dec("1.5")});
    ASSERT_TRUE(h);
    EXPECT_TRUE(accepts(h, "4.5"));
    EXPECT_TRUE(accepts(h, "0"));
    EXPECT_FALSE(accepts(h, "35"));
    EXPECT_TRUE(accepts(h, "-3"));
}

}  // namespace
}  // namespace vela::grammar
