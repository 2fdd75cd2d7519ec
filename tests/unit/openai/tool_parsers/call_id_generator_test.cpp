// CallIdGenerator: 9 characters of [A-Za-z0-9], unique within a response (also against model ids),
// reproducible from a seed, uniformly distributed, and unbiased (draws above the last whole multiple of
// 62^9 are rejected).
#include "tool_parsers/call_id_generator.h"

#include <gtest/gtest.h>

#include <cctype>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <vector>

namespace vela::openai {
namespace {

RandomSource sequence(std::vector<uint64_t> values) {
    return [values = std::move(values), i = size_t{0}]() mutable {
        return values[std::min(i++, values.size() - 1)];
    };
}

TEST(CallIdGenerator, IssuesUniqueNineCharacterAlphanumericIds) {
    CallIdGenerator ids([rng = std::mt19937_64{3}]() mutable { return rng(); });
    std::set<std::string> seen;
    for (int i = 0; i < 5000; ++i) {
        const std::string id = ids.next();
        ASSERT_EQ(id.size(), 9u);
        for (char c : id)
            ASSERT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << id;
        ASSERT_TRUE(seen.insert(id).second) << id;
    }
}

TEST(CallIdGenerator, IsReproducibleFromASeed) {
    CallIdGenerator a([rng = std::mt19937_64{9}]() mutable { return rng(); });
    CallIdGenerator b([rng = std::mt19937_64{9}]() mutable { return rng(); });
    for (int i = 0; i < 10; ++i)
        EXPECT_EQ(a.next(), b.next());
}

TEST(CallIdGenerator, UsesEverySymbolEvenly) {
    CallIdGenerator ids([rng = std::mt19937_64{5}]() mutable { return rng(); });
    std::map<char, int> counts;
    const int n_ids = 20000;
    for (int i = 0; i < n_ids; ++i) {
        for (char c : ids.next())
            ++counts[c];
    }
    EXPECT_EQ(counts.size(), 62u);
    const double expected = n_ids * 9.0 / 62.0;
    for (const auto& [c, n] : counts) {
        EXPECT_NEAR(n, expected, expected * 0.15) << c;
    }
}

TEST(CallIdGenerator, SkipsRepeatsAndReservedIds) {
    const std::string from5 = CallIdGenerator(sequence({5})).next();
    const std::string from7 = CallIdGenerator(sequence({7})).next();
    ASSERT_NE(from5, from7);

    CallIdGenerator repeats(sequence({5, 5, 5, 7}));
    EXPECT_EQ(repeats.next(), from5);
    EXPECT_EQ(repeats.next(), from7);

    CallIdGenerator reserved(sequence({5, 7}));
    reserved.reserve(from5);
    EXPECT_EQ(reserved.next(), from7);
}

TEST(CallIdGenerator, RejectsBiasedDraws) {
    const std::string from5 = CallIdGenerator(sequence({5})).next();
    CallIdGenerator ids(sequence({std::numeric_limits<uint64_t>::max(), 5}));
    EXPECT_EQ(ids.next(), from5);
}

TEST(CallIdGenerator, WorksWithoutAnInjectedSource) {
    CallIdGenerator ids(nullptr);
    EXPECT_NE(ids.next(), ids.next());
}

}  // namespace
}  // namespace vela::openai
