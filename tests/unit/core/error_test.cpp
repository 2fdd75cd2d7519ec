#include "vela/core/error.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace vela {
namespace {

Result<int> parse_positive(int x) {
    if (x <= 0) return Error{Errc::InvalidArgument, "expected a positive number, got " + std::to_string(x)};
    return x;
}

TEST(Result, HoldsValueOrError) {
    auto good = parse_positive(3);
    ASSERT_TRUE(good.ok());
    EXPECT_EQ(*good, 3);
    auto bad = parse_positive(-1);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code(), Errc::InvalidArgument);
    EXPECT_EQ(bad.error().message(), "expected a positive number, got -1");
}

TEST(Result, ConvertsBetweenCompatibleTypes) {
    struct Base {
        virtual ~Base() = default;
        virtual int id() const { return 1; }
    };
    struct Derived : Base {
        int id() const override { return 2; }
    };
    Result<std::unique_ptr<Derived>> derived = std::make_unique<Derived>();
    Result<std::unique_ptr<Base>> base = std::move(derived);
    ASSERT_TRUE(base.ok());
    EXPECT_EQ((*base)->id(), 2);
    Result<std::unique_ptr<Derived>> failed = Error{Errc::NotFound, "missing"};
    Result<std::unique_ptr<Base>> failed_base = std::move(failed);
    ASSERT_FALSE(failed_base.ok());
    EXPECT_EQ(failed_base.error().code(), Errc::NotFound);
}

TEST(Result, VoidCarriesOnlyErrors) {
    Result<void> ok;
    EXPECT_TRUE(ok.ok());
    Result<void> bad = Error{Errc::Io, "disk gone"};
    EXPECT_FALSE(bad.ok());
    EXPECT_EQ(to_string(bad.error().code()), "io");
}

}  // namespace
}  // namespace vela
