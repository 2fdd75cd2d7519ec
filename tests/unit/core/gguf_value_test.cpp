#include "loader/gguf_value.h"

#include <gtest/gtest.h>

#include <limits>

namespace vela {
namespace {

TEST(GgufValue, IntegerAccessorsCoverEveryIntegerType) {
    EXPECT_EQ(GgufValue::uint8(200).as_int(), 200);
    EXPECT_EQ(GgufValue::int8(-5).as_int(), -5);
    EXPECT_EQ(GgufValue::uint16(65535).as_int(), 65535);
    EXPECT_EQ(GgufValue::int16(-32768).as_int(), -32768);
    EXPECT_EQ(GgufValue::uint32(4000000000u).as_int(), 4000000000);
    EXPECT_EQ(GgufValue::int32(-7).as_int(), -7);
    EXPECT_EQ(GgufValue::int64(std::numeric_limits<int64_t>::min()).as_int(),
              std::numeric_limits<int64_t>::min());
    EXPECT_EQ(GgufValue::uint64(uint64_t{1} << 63).as_int(), std::nullopt);
    EXPECT_EQ(GgufValue::uint64(uint64_t{1} << 63).as_uint(), uint64_t{1} << 63);
    EXPECT_EQ(GgufValue::int32(3).as_uint(), std::nullopt);
    EXPECT_EQ(GgufValue::float32(1.0f).as_int(), std::nullopt);
    EXPECT_EQ(GgufValue::boolean(true).as_int(), std::nullopt);
    EXPECT_EQ(GgufValue::string("1").as_int(), std::nullopt);
}

TEST(GgufValue, FloatBoolAndStringAccessors) {
    EXPECT_EQ(GgufValue::float32(0.5f).as_float(), 0.5);
    EXPECT_EQ(GgufValue::float64(1e300).as_float(), 1e300);
    EXPECT_EQ(GgufValue::int16(-3).as_float(), -3.0);
    EXPECT_EQ(GgufValue::string("x").as_float(), std::nullopt);
    EXPECT_EQ(GgufValue::boolean(false).as_bool(), false);
    EXPECT_EQ(GgufValue::uint8(1).as_bool(), std::nullopt);
    ASSERT_NE(GgufValue::string("hello").as_string(), nullptr);
    EXPECT_EQ(*GgufValue::string("hello").as_string(), "hello");
    EXPECT_EQ(GgufValue::uint8(1).as_string(), nullptr);
    EXPECT_EQ(GgufValue::float32(2.0f).type(), GgufType::Float32);
}

TEST(GgufValue, TypedArrays) {
    const std::vector<std::string> words = {"a", "bb", ""};
    GgufValue s = GgufValue::string_array(words);
    EXPECT_EQ(s.type(), GgufType::Array);
    EXPECT_EQ(s.array_type(), GgufType::String);
    EXPECT_EQ(s.array_size(), 3u);
    EXPECT_EQ(s.as_string_array(), words);
    EXPECT_EQ(s.as_string_views(), (std::vector<std::string_view>{"a", "bb", ""}));
    EXPECT_EQ(*s.elements()[1].as_string(), "bb");
    EXPECT_EQ(s.as_int_array(), std::nullopt);
    EXPECT_EQ(s.as_float_array(), std::nullopt);

    const std::vector<int32_t> ints = {1, -2, 3};
    GgufValue i = GgufValue::int32_array(ints);
    EXPECT_EQ(i.as_int_array(), (std::vector<int64_t>{1, -2, 3}));
    EXPECT_EQ(i.as_float_array(), (std::vector<float>{1.0f, -2.0f, 3.0f}));
    EXPECT_EQ(i.as_string_array(), std::nullopt);
    EXPECT_EQ(i.at(1).as_int(), -2);

    const std::vector<float> floats = {0.25f, -1.0f};
    GgufValue f = GgufValue::float32_array(floats);
    EXPECT_EQ(f.as_float_array(), floats);
    EXPECT_EQ(f.as_int_array(), std::nullopt);

    GgufValue big =
        GgufValue::array(GgufType::UInt64, {GgufValue::uint64(1), GgufValue::uint64(~uint64_t{0})});
    EXPECT_EQ(big.as_int_array(), std::nullopt);

    // Non-arrays have no elements.
    EXPECT_EQ(GgufValue::uint8(1).array_size(), 0u);
    EXPECT_TRUE(GgufValue::uint8(1).elements().empty());
    EXPECT_EQ(GgufValue::uint8(1).as_string_array(), std::nullopt);
}

TEST(GgufValue, NestedArraysAndEquality) {
    GgufValue inner1 = GgufValue::int32_array(std::vector<int32_t>{1, 2});
    GgufValue inner2 = GgufValue::array(GgufType::Int32, {});
    GgufValue outer = GgufValue::array(GgufType::Array, {inner1, inner2});
    EXPECT_EQ(outer.array_type(), GgufType::Array);
    EXPECT_EQ(outer.at(0), inner1);
    EXPECT_EQ(outer.at(1).array_size(), 0u);
    EXPECT_EQ(outer.at(1).array_type(), GgufType::Int32);
    EXPECT_FALSE(inner1 == inner2);
    EXPECT_FALSE(GgufValue::int32(1) == GgufValue::uint32(1));
    EXPECT_EQ(outer.describe(), "array[2] of array");
    EXPECT_EQ(GgufValue::uint32(4096).describe(), "uint32 4096");
    EXPECT_EQ(GgufValue::string("llama").describe(), "string \"llama\"");
}

TEST(GgufValue, TypeNamesAndSizes) {
    EXPECT_EQ(to_string(GgufType::UInt8), "uint8");
    EXPECT_EQ(to_string(GgufType::Float64), "float64");
    EXPECT_EQ(gguf_scalar_size(GgufType::Int16), 2u);
    EXPECT_EQ(gguf_scalar_size(GgufType::Bool), 1u);
    EXPECT_EQ(gguf_scalar_size(GgufType::String), 0u);
    EXPECT_TRUE(gguf_is_integer(GgufType::UInt64));
    EXPECT_FALSE(gguf_is_integer(GgufType::Bool));
    EXPECT_FALSE(gguf_is_integer(GgufType::Float32));
}

TEST(GgufValueDeathTest, ArrayOfMixedTypesIsABug) {
    EXPECT_DEATH(GgufValue::array(GgufType::Int32, {GgufValue::uint8(1)}), "element type differs");
}

}  // namespace
}  // namespace vela
