// GgufWriter: exact bytes of a small file against a hand-assembled layout, round trips of every value
// type and tensor dtype through GgufFile, and validation errors.
#include "loader/gguf_writer.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "loader/gguf_file.h"

namespace vela {
namespace {

class GgufWriterTest : public testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::path(testing::TempDir()) /
               ("gguf_writer_test_" +
                std::string(testing::UnitTest::GetInstance()->current_test_info()->name()));
        std::filesystem::create_directories(dir_);
        path_ = dir_ / "out.gguf";
    }
    void TearDown() override {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    std::string read_all() {
        std::ifstream in(path_, std::ios::binary);
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }
    std::string write_error(const GgufWriter& w) {
        Result<void> r = w.write(path_);
        EXPECT_FALSE(r.ok());
        if (r.ok()) return {};
        EXPECT_EQ(r.error().code(), Errc::InvalidArgument);
        return r.error().message();
    }
    std::filesystem::path dir_;
    std::filesystem::path path_;
};

std::vector<std::byte> pattern_bytes(size_t n, uint8_t seed) {
    std::vector<std::byte> out(n);
    for (size_t i = 0; i < n; ++i)
        out[i] = static_cast<std::byte>((i * 31 + seed) & 0xff);
    return out;
}

template <class T>
void append(std::string& s, T v) {
    s.append(reinterpret_cast<const char*>(&v), sizeof(T));
}

TEST_F(GgufWriterTest, WritesTheSpecLayout) {
    GgufWriter w;
    w.set_u32("n", 5);
    w.add_tensor("t", DType::F32, {2, 1}, pattern_bytes(8, 1));
    ASSERT_TRUE(w.write(path_).ok());

    std::string want = "GGUF";
    append<uint32_t>(want, 3);  // version
    append<uint64_t>(want, 1);  // tensors
    append<uint64_t>(want, 1);  // metadata entries
    append<uint64_t>(want, 1);  // key length
    want += "n";
    append<uint32_t>(want, 4);  // uint32
    append<uint32_t>(want, 5);
    append<uint64_t>(want, 1);  // name length
    want += "t";
    append<uint32_t>(want, 2);  // n_dims
    append<uint64_t>(want, 1);  // innermost dimension first
    append<uint64_t>(want, 2);
    append<uint32_t>(want, 0);  // f32
    append<uint64_t>(want, 0);  // offset
    want.append(32 - want.size() % 32, '\0');
    for (std::byte b : pattern_bytes(8, 1))
        want.push_back(static_cast<char>(b));
    want.append(24, '\0');  // the data section is padded to the alignment too
    EXPECT_EQ(read_all(), want);
}

TEST_F(GgufWriterTest, RoundTripsEveryValueType) {
    GgufWriter w;
    std::vector<std::pair<std::string, GgufValue>> values = {
        {"u8", GgufValue::uint8(255)},
        {"i8", GgufValue::int8(-128)},
        {"u16", GgufValue::uint16(65535)},
        {"i16", GgufValue::int16(-32768)},
        {"u32", GgufValue::uint32(4294967295u)},
        {"i32", GgufValue::int32(-2147483647 - 1)},
        {"f32", GgufValue::float32(-0.1f)},
        {"bool.t", GgufValue::boolean(true)},
        {"bool.f", GgufValue::boolean(false)},
        {"str", GgufValue::string("h\xc3\xa9llo \n\t\"quoted\"")},
        {"str.empty", GgufValue::string("")},
        {"u64", GgufValue::uint64(~uint64_t{0})},
        {"i64", GgufValue::int64(-(int64_t{1} << 62))},
        {"f64", GgufValue::float64(3.141592653589793)},
        {"arr.str", GgufValue::string_array(std::vector<std::string>{"<s>", "", "\xe2\x96\x81the"})},
        {"arr.i32", GgufValue::int32_array(std::vector<int32_t>{-1, 0, 7})},
        {"arr.f32", GgufValue::float32_array(std::vector<float>{0.5f, -1e-8f})},
        {"arr.empty", GgufValue::array(GgufType::UInt8, {})},
        {"arr.bool", GgufValue::array(GgufType::Bool, {GgufValue::boolean(true), GgufValue::boolean(false)})},
        {"arr.u64",
         GgufValue::array(GgufType::UInt64, {GgufValue::uint64(1), GgufValue::uint64(~uint64_t{0})})},
        {"arr.f64", GgufValue::array(GgufType::Float64, {GgufValue::float64(1e-300)})},
        {"arr.nested",
         GgufValue::array(
             GgufType::Array,
             {GgufValue::int32_array(std::vector<int32_t>{1, 2}),
              GgufValue::array(GgufType::Array, {GgufValue::string_array(std::vector<std::string>{"x"})})})},
    };
    for (const auto& [k, v] : values)
        w.set(k, v);
    w.set_string("str.replaced", "old");
    w.set_string("str.replaced", "new");  // replaces in place, keeping the first position
    ASSERT_TRUE(w.write(path_).ok());

    Result<GgufFile> f = GgufFile::open(path_);
    ASSERT_TRUE(f.ok()) << f.error().message();
    ASSERT_EQ(f->keys().size(), values.size() + 1);
    for (size_t i = 0; i < values.size(); ++i) {
        EXPECT_EQ(f->keys()[i], values[i].first);
        const GgufValue* got = f->find(values[i].first);
        ASSERT_NE(got, nullptr);
        EXPECT_TRUE(*got == values[i].second) << values[i].first << ": " << got->describe();
    }
    EXPECT_EQ(f->get_string("str.replaced"), "new");
    EXPECT_EQ(f->keys().back(), "str.replaced");
    EXPECT_TRUE(f->tensors().empty());
}

TEST_F(GgufWriterTest, RoundTripsEveryTensorDType) {
    GgufWriter w;
    struct Case {
        DType dtype;
        std::vector<int64_t> shape;
    };
    const std::vector<Case> cases = {
        {DType::F32, {3, 5}},      {DType::F16, {7}},       {DType::BF16, {2, 3, 4}},
        {DType::Q8_0, {2, 64}},    {DType::Q4_0, {1, 32}},  {DType::Q4_1, {3, 32}},
        {DType::Q5_0, {2, 2, 32}}, {DType::Q5_1, {32}},     {DType::Q4_K, {2, 256}},
        {DType::Q5_K, {1, 512}},   {DType::Q6_K, {3, 256}}, {DType::I32, {1, 1, 1, 9}},
    };
    for (size_t i = 0; i < cases.size(); ++i) {
        const Case& c = cases[i];
        int64_t n = 1;
        for (int64_t d : c.shape)
            n *= d;
        w.add_tensor("t" + std::to_string(i), c.dtype, c.shape,
                     pattern_bytes(static_cast<size_t>(row_bytes(c.dtype, n)), static_cast<uint8_t>(i)));
    }
    ASSERT_TRUE(w.write(path_).ok());
    Result<GgufFile> f = GgufFile::open(path_);
    ASSERT_TRUE(f.ok()) << f.error().message();
    ASSERT_EQ(f->tensors().size(), cases.size());
    for (size_t i = 0; i < cases.size(); ++i) {
        const GgufTensorInfo& t = f->tensors()[i];
        EXPECT_EQ(t.name, "t" + std::to_string(i));
        EXPECT_EQ(t.dtype, cases[i].dtype);
        EXPECT_EQ(t.ggml_type, traits(cases[i].dtype).ggml_id);
        EXPECT_EQ(t.shape, cases[i].shape);
        EXPECT_EQ(t.offset % 32, 0u);
        Result<TensorView> v = f->tensor_view(t.name);
        ASSERT_TRUE(v.ok()) << v.error().message();
        EXPECT_EQ(v->dtype(), cases[i].dtype);
        EXPECT_EQ(std::vector<int64_t>(v->shape().begin(), v->shape().end()), cases[i].shape);
        const auto want = pattern_bytes(static_cast<size_t>(v->n_bytes()), static_cast<uint8_t>(i));
        EXPECT_EQ(static_cast<uint64_t>(v->n_bytes()), t.n_bytes);
        EXPECT_TRUE(std::equal(want.begin(), want.end(), v->data())) << t.name;
    }
}

TEST_F(GgufWriterTest, HonoursGeneralAlignment) {
    GgufWriter w;
    w.set_u32("general.alignment", 256);
    w.add_tensor("a", DType::F32, {3}, pattern_bytes(12, 0));
    w.add_tensor("b", DType::F16, {5}, pattern_bytes(10, 1));
    ASSERT_TRUE(w.write(path_).ok());
    Result<GgufFile> f = GgufFile::open(path_);
    ASSERT_TRUE(f.ok()) << f.error().message();
    EXPECT_EQ(f->alignment(), 256u);
    EXPECT_EQ(f->data_offset() % 256, 0u);
    EXPECT_EQ(f->find_tensor("b")->offset, 256u);
    EXPECT_EQ(f->file_size() % 256, 0u);
}

TEST_F(GgufWriterTest, RejectsBadAlignment) {
    GgufWriter w;
    w.set_u32("general.alignment", 24);
    EXPECT_EQ(
        write_error(w),
        path_.string() + ": general.alignment must be an unsigned power of two up to 2^30, found uint32 24");
    w.set_i32("general.alignment", 32);
    EXPECT_EQ(
        write_error(w),
        path_.string() + ": general.alignment must be an unsigned power of two up to 2^30, found int32 32");
    EXPECT_FALSE(std::filesystem::exists(path_));
}

TEST_F(GgufWriterTest, RejectsBadTensors) {
    GgufWriter size;
    size.add_tensor("w", DType::Q8_0, {2, 32}, pattern_bytes(67, 0));
    EXPECT_EQ(write_error(size), path_.string() + ": tensor 'w' needs 68 bytes of data, got 67");

    GgufWriter block;
    block.add_tensor("w", DType::Q4_K, {2, 100}, pattern_bytes(1, 0));
    EXPECT_EQ(write_error(block), path_.string() +
                                      ": tensor 'w' of type q4_k has rows of 100 elements, not a "
                                      "multiple of the block size 256");

    GgufWriter twice;
    twice.add_tensor("w", DType::F32, {1}, pattern_bytes(4, 0));
    twice.add_tensor("w", DType::F32, {1}, pattern_bytes(4, 0));
    EXPECT_EQ(write_error(twice), path_.string() + ": tensor 'w' is added twice");

    GgufWriter rank;
    rank.add_tensor("w", DType::F32, {1, 1, 1, 1, 1}, pattern_bytes(4, 0));
    EXPECT_EQ(write_error(rank), path_.string() + ": tensor 'w' has rank 5, expected 1 to 4");

    GgufWriter dim;
    dim.add_tensor("w", DType::F32, {2, 0}, {});
    EXPECT_EQ(write_error(dim), path_.string() +
                                    ": tensor 'w' has a dimension of 0 or too many elements; "
                                    "dimensions must be positive");
    EXPECT_FALSE(std::filesystem::exists(path_));
}

TEST_F(GgufWriterTest, UnwritablePath) {
    GgufWriter w;
    const auto bad = dir_ / "no_such_dir" / "x.gguf";
    Result<void> r = w.write(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), Errc::Io);
    EXPECT_EQ(r.error().message(),
              bad.string() + ": cannot create the file (check the folder exists and is writable)");
}

}  // namespace
}  // namespace vela
