// GgufFile against hand-built byte sequences: valid files, and each kind of bad input with the exact
// error. The files are assembled byte by byte here (independently of GgufWriter) from the spec layout.
#include "loader/gguf_file.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <random>
#include <string>

namespace vela {
namespace {

// A GGUF file assembled byte by byte, little-endian.
struct Bytes {
    std::string b;
    Bytes& u8(uint8_t v) { return raw(&v, 1); }
    Bytes& u32(uint32_t v) { return raw(&v, 4); }
    Bytes& u64(uint64_t v) { return raw(&v, 8); }
    Bytes& f32(float v) { return raw(&v, 4); }
    Bytes& str(std::string_view s) {
        u64(s.size());
        b.append(s);
        return *this;
    }
    Bytes& raw(const void* p, size_t n) {
        b.append(static_cast<const char*>(p), n);
        return *this;
    }
    Bytes& header(uint32_t version, uint64_t n_tensors, uint64_t n_kv) {
        b.append("GGUF");
        return u32(version).u64(n_tensors).u64(n_kv);
    }
    Bytes& kv_u32(std::string_view key, uint32_t v) { return str(key).u32(4).u32(v); }
    Bytes& kv_str(std::string_view key, std::string_view v) { return str(key).u32(8).str(v); }
    Bytes& tensor(std::string_view name, std::initializer_list<uint64_t> dims_innermost_first, uint32_t type,
                  uint64_t offset) {
        str(name).u32(static_cast<uint32_t>(dims_innermost_first.size()));
        for (uint64_t d : dims_innermost_first)
            u64(d);
        return u32(type).u64(offset);
    }
    Bytes& pad(size_t align) {
        while (b.size() % align != 0)
            b.push_back('\0');
        return *this;
    }
    Bytes& fill(size_t n, char c) {
        b.append(n, c);
        return *this;
    }
};

class GgufFileTest : public testing::Test {
  protected:
    void SetUp() override {
        dir_ =
            std::filesystem::path(testing::TempDir()) /
            ("gguf_file_test_" + std::string(testing::UnitTest::GetInstance()->current_test_info()->name()));
        std::filesystem::create_directories(dir_);
        path_ = dir_ / "model.gguf";
    }
    void TearDown() override {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    // Writes `bytes` to path_ (the same path for every file of a test, so messages are predictable).
    std::filesystem::path write(const Bytes& bytes) {
        std::ofstream(path_, std::ios::binary | std::ios::trunc)
            .write(bytes.b.data(), static_cast<std::streamsize>(bytes.b.size()));
        return path_;
    }
    // The error message of opening `bytes`, which must fail with `code`.
    std::string open_error(const Bytes& bytes, Errc code) {
        write(bytes);
        Result<GgufFile> f = GgufFile::open(path_);
        EXPECT_FALSE(f.ok());
        if (f.ok()) return {};
        EXPECT_EQ(f.error().code(), code) << f.error().message();
        return f.error().message();
    }
    std::filesystem::path dir_;
    std::filesystem::path path_;
};

// A valid v3 file: two keys, one q8_0 tensor of shape {2, 32} and one f32 tensor of shape {3}.
// Returns the byte positions of interesting points through the out-parameters.
Bytes valid_file(size_t* metadata_at = nullptr, size_t* infos_at = nullptr, size_t* data_at = nullptr) {
    Bytes b;
    b.header(3, 2, 2);
    if (metadata_at) *metadata_at = b.b.size();
    b.kv_str("general.architecture", "llama").kv_u32("llama.block_count", 7);
    if (infos_at) *infos_at = b.b.size();
    b.tensor("w", {32, 2}, 8, 0).tensor("b", {3}, 0, 96);
    b.pad(32);
    if (data_at) *data_at = b.b.size();
    b.fill(68, 'q').pad(32);            // q8_0: 2 rows x 34 bytes, then padding to 96
    b.f32(1.5f).f32(-2.0f).f32(3.25f);  // f32 tensor at offset 96
    return b;
}

TEST_F(GgufFileTest, OpensAValidFile) {
    size_t data_at = 0;
    const auto path = write(valid_file(nullptr, nullptr, &data_at));
    Result<GgufFile> f = GgufFile::open(path);
    ASSERT_TRUE(f.ok()) << f.error().message();
    EXPECT_EQ(f->version(), 3u);
    EXPECT_EQ(f->alignment(), 32u);
    EXPECT_EQ(f->data_offset(), data_at);
    EXPECT_EQ(f->path(), path);
    EXPECT_EQ(f->keys(), (std::vector<std::string>{"general.architecture", "llama.block_count"}));
    EXPECT_EQ(f->get_string("general.architecture"), "llama");
    EXPECT_EQ(f->get_int("llama.block_count"), 7);
    EXPECT_EQ(f->get_float("llama.block_count"), 7.0);
    EXPECT_EQ(f->get_string("llama.block_count"), std::nullopt);
    EXPECT_EQ(f->get_int("missing"), std::nullopt);
    EXPECT_EQ(f->find("missing"), nullptr);

    ASSERT_EQ(f->tensors().size(), 2u);
    const GgufTensorInfo& w = f->tensors()[0];
    EXPECT_EQ(w.name, "w");
    EXPECT_EQ(w.ggml_type, 8u);
    EXPECT_EQ(w.dtype, DType::Q8_0);
    EXPECT_EQ(w.shape, (std::vector<int64_t>{2, 32}));
    EXPECT_EQ(w.offset, 0u);
    EXPECT_EQ(w.n_bytes, 68u);

    Result<TensorView> wv = f->tensor_view("w");
    ASSERT_TRUE(wv.ok());
    EXPECT_EQ(wv->describe(), "q8_0 [2, 32]");
    EXPECT_EQ(static_cast<char>(wv->data()[0]), 'q');
    Result<TensorView> bv = f->tensor_view("b");
    ASSERT_TRUE(bv.ok());
    EXPECT_EQ(bv->describe(), "f32 [3]");
    EXPECT_EQ(bv->f32()[0], 1.5f);
    EXPECT_EQ(bv->f32()[2], 3.25f);
    EXPECT_EQ(bv->data(), f->tensor_bytes(f->tensors()[1]).data());

    // Views stay valid when the file object moves (the map does not move).
    GgufFile moved = std::move(*f);
    EXPECT_EQ(moved.tensor_view("b")->data(), bv->data());
    EXPECT_EQ(moved.tensor_view("b")->f32()[1], -2.0f);
}

TEST_F(GgufFileTest, ReadsVersion2) {
    Bytes b;
    b.header(2, 0, 1).kv_u32("k", 1);
    const auto path = write(b);
    Result<GgufFile> f = GgufFile::open(path);
    ASSERT_TRUE(f.ok()) << f.error().message();
    EXPECT_EQ(f->version(), 2u);
    EXPECT_TRUE(f->tensors().empty());
}

TEST_F(GgufFileTest, MissingTensorIsNotFound) {
    const auto path = write(valid_file());
    Result<GgufFile> f = GgufFile::open(path);
    ASSERT_TRUE(f.ok());
    Result<TensorView> v = f->tensor_view("output.weight");
    ASSERT_FALSE(v.ok());
    EXPECT_EQ(v.error().code(), Errc::NotFound);
    EXPECT_EQ(v.error().message(),
              path.string() + ": no tensor named 'output.weight' (the file has 2 tensors)");
}

TEST_F(GgufFileTest, MissingFileIsNotFound) {
    const auto path = std::filesystem::path(testing::TempDir()) / "gguf_file_test_no_such.gguf";
    Result<GgufFile> f = GgufFile::open(path);
    ASSERT_FALSE(f.ok());
    EXPECT_EQ(f.error().code(), Errc::NotFound);
    EXPECT_EQ(f.error().message(), path.string() + ": no such file (check the path)");
}

TEST_F(GgufFileTest, TruncatedInsideHeader) {
    Bytes b = valid_file();
    b.b.resize(10);
    EXPECT_EQ(open_error(b, Errc::Corrupt),
              path_.string() +
                  ": truncated file: tensor count at byte 8 needs 8 bytes but the file ends at byte 10 "
                  "(incomplete download?)");
}

TEST_F(GgufFileTest, TruncatedInsideMetadata) {
    // Header (24 bytes), then key 'general.architecture' (bytes 24-51), its type (52-55), the string
    // length (56-63) and "llama" (64-68); then key 'llama.block_count' (69-93), type (94-97), value (98-101).
    Bytes b;
    b.header(3, 0, 2).kv_str("general.architecture", "llama").kv_u32("llama.block_count", 7);
    ASSERT_EQ(b.b.size(), 102u);
    Bytes cut = b;
    cut.b.resize(30);
    EXPECT_EQ(open_error(cut, Errc::Corrupt),
              path_.string() +
                  ": the header claims 2 metadata entries, but the remaining 6 bytes cannot hold "
                  "that many");
    cut = b;
    cut.b.resize(66);
    EXPECT_EQ(open_error(cut, Errc::Corrupt),
              path_.string() +
                  ": value of metadata key 'general.architecture' at byte 56 claims 5 bytes but only "
                  "2 bytes remain in the file (truncated or corrupt file)");
    cut = b;
    cut.b.resize(100);
    EXPECT_EQ(open_error(cut, Errc::Corrupt),
              path_.string() +
                  ": truncated file: value of metadata key 'llama.block_count' at byte 98 needs 4 "
                  "bytes but the file ends at byte 100 (incomplete download?)");
}

TEST_F(GgufFileTest, TruncatedInsideTensorInfos) {
    size_t infos_at = 0;
    Bytes b = valid_file(nullptr, &infos_at);
    b.b.resize(infos_at + 8 + 1 + 4 + 8 + 3);  // inside the second dim of tensor 'w'
    EXPECT_EQ(open_error(b, Errc::Corrupt),
              path_.string() + ": truncated file: dimension 1 of tensor 'w' at byte " +
                  std::to_string(infos_at + 21) + " needs 8 bytes but the file ends at byte " +
                  std::to_string(infos_at + 24) + " (incomplete download?)");
}

TEST_F(GgufFileTest, TruncatedInsideTensorData) {
    size_t data_at = 0;
    Bytes b = valid_file(nullptr, nullptr, &data_at);
    b.b.resize(data_at + 100);
    EXPECT_EQ(open_error(b, Errc::Corrupt),
              path_.string() + ": tensor 'b' data ends at byte " + std::to_string(data_at + 108) +
                  " but the file has " + std::to_string(data_at + 100) + " bytes (truncated download?)");
}

TEST_F(GgufFileTest, EveryPrefixFailsCleanly) {
    const Bytes full = valid_file();
    for (size_t n = 0; n < full.b.size(); ++n) {
        Bytes b;
        b.b = full.b.substr(0, n);
        write(b);
        Result<GgufFile> f = GgufFile::open(path_);
        EXPECT_FALSE(f.ok()) << "prefix of " << n << " bytes opened";
        if (!f.ok()) {
            EXPECT_EQ(f.error().message().rfind(path_.string() + ": ", 0), 0u);
        }
    }
}

TEST_F(GgufFileTest, RandomCorruptionNeverCrashes) {
    const Bytes full = valid_file();
    std::mt19937 rng(1234);
    for (int i = 0; i < 500; ++i) {
        Bytes b = full;
        const int n_flips = 1 + static_cast<int>(rng() % 4);
        for (int k = 0; k < n_flips; ++k)
            b.b[rng() % b.b.size()] = static_cast<char>(rng());
        write(b);
        Result<GgufFile> f = GgufFile::open(path_);
        if (!f.ok()) continue;
        for (const GgufTensorInfo& t : f->tensors()) {
            std::span<const std::byte> bytes = f->tensor_bytes(t);
            ASSERT_LE(f->data_offset() + t.offset + bytes.size(), f->file_size());
        }
    }
}

TEST_F(GgufFileTest, WrongMagic) {
    Bytes b = valid_file();
    b.b.replace(0, 4, "GGML");
    EXPECT_EQ(open_error(b, Errc::InvalidArgument),
              path_.string() +
                  ": not a GGUF file: expected the magic \"GGUF\" (47 47 55 46) at byte 0, found "
                  "47 47 4d 4c");
    Bytes empty;
    EXPECT_EQ(open_error(empty, Errc::InvalidArgument),
              path_.string() +
                  ": not a GGUF file: expected the magic \"GGUF\" (47 47 55 46) at byte 0, found an "
                  "empty file");
}

TEST_F(GgufFileTest, UnsupportedVersions) {
    Bytes v1;
    v1.header(1, 0, 0);
    EXPECT_EQ(open_error(v1, Errc::Unsupported),
              path_.string() +
                  ": GGUF version 1 is not supported (vela reads versions 2 and 3); re-convert the "
                  "model with a current llama.cpp");
    Bytes v4;
    v4.header(4, 0, 0);
    EXPECT_EQ(open_error(v4, Errc::Unsupported),
              path_.string() + ": GGUF version 4 is not supported (vela reads versions 2 and 3)");
    Bytes big_endian;
    big_endian.header(0x03000000, 0, 0);
    EXPECT_EQ(open_error(big_endian, Errc::Unsupported),
              path_.string() +
                  ": big-endian GGUF files are not supported (version field 50331648); use a "
                  "little-endian conversion");
}

TEST_F(GgufFileTest, MisalignedTensorOffset) {
    Bytes b;
    b.header(3, 1, 0).tensor("t", {4}, 0, 8).pad(32).fill(64, 'x');
    EXPECT_EQ(open_error(b, Errc::Corrupt),
              path_.string() + ": tensor 't' has data offset 8, which is not a multiple of the alignment 32");
}

TEST_F(GgufFileTest, TooManyDimensions) {
    Bytes b;
    b.header(3, 1, 0).tensor("t", {1, 1, 1, 1, 1}, 0, 0).pad(32).fill(32, 'x');
    EXPECT_EQ(open_error(b, Errc::Corrupt),
              path_.string() + ": tensor 't' has 5 dimensions, expected 1 to 4");
}

TEST_F(GgufFileTest, NonPositiveDimension) {
    Bytes b;
    b.header(3, 1, 0).tensor("t", {4, 0}, 0, 0).pad(32).fill(32, 'x');
    EXPECT_EQ(open_error(b, Errc::Corrupt),
              path_.string() + ": tensor 't' has dimension 1 of size 0, expected a positive size");
    Bytes neg;
    neg.header(3, 1, 0).tensor("t", {static_cast<uint64_t>(-3)}, 0, 0).pad(32).fill(32, 'x');
    EXPECT_EQ(open_error(neg, Errc::Corrupt),
              path_.string() + ": tensor 't' has dimension 0 of size -3, expected a positive size");
}

TEST_F(GgufFileTest, ElementCountOverflow) {
    Bytes b;
    b.header(3, 1, 0).tensor("t", {uint64_t{1} << 40, uint64_t{1} << 40}, 0, 0).pad(32).fill(32, 'x');
    EXPECT_EQ(open_error(b, Errc::Corrupt),
              path_.string() + ": tensor 't' has more elements than fit in 63 bits (corrupt dimensions)");
}

TEST_F(GgufFileTest, RowNotAWholeNumberOfBlocks) {
    Bytes b;
    b.header(3, 1, 0).tensor("blk.0.ffn_down.weight", {100, 2}, 12, 0).pad(32).fill(512, 'x');
    EXPECT_EQ(open_error(b, Errc::Corrupt),
              path_.string() +
                  ": tensor 'blk.0.ffn_down.weight' of type q4_k has rows of 100 elements, which is "
                  "not a multiple of the type's block size 256");
}

TEST_F(GgufFileTest, AbsurdArrayLengthFailsFast) {
    Bytes b;
    b.header(3, 0, 1).str("tokenizer.ggml.tokens").u32(9).u32(8).u64(uint64_t{1} << 60).fill(64, 'x');
    EXPECT_EQ(open_error(b, Errc::Corrupt),
              path_.string() + ": array of metadata key 'tokenizer.ggml.tokens' at byte 61 claims " +
                  std::to_string(uint64_t{1} << 60) +
                  " elements of type string (at least 8 bytes each) but only 64 bytes remain in the file");
}

TEST_F(GgufFileTest, AbsurdCountsFailFast) {
    Bytes b;
    b.header(3, uint64_t{1} << 62, 0).fill(100, 'x');
    EXPECT_EQ(open_error(b, Errc::Corrupt),
              path_.string() + ": the header claims " + std::to_string(uint64_t{1} << 62) +
                  " tensors, but the remaining 100 bytes cannot hold that many tensor infos");
}

TEST_F(GgufFileTest, HugeStringLength) {
    Bytes b;
    b.header(3, 0, 1).str("k").u32(8).u64(~uint64_t{0}).fill(16, 'x');
    EXPECT_EQ(open_error(b, Errc::Corrupt),
              path_.string() +
                  ": value of metadata key 'k' at byte 37 claims 18446744073709551615 bytes but only "
                  "16 bytes remain in the file (truncated or corrupt file)");
}

TEST_F(GgufFileTest, DuplicateKey) {
    Bytes b;
    b.header(3, 0, 3).kv_u32("a", 1).kv_u32("b", 2).kv_str("a", "x");
    EXPECT_EQ(open_error(b, Errc::Corrupt),
              path_.string() + ": metadata key 'a' appears twice (entries #0 and #2)");
}

TEST_F(GgufFileTest, DuplicateTensorName) {
    Bytes b;
    b.header(3, 2, 0).tensor("t", {8}, 0, 0).tensor("t", {8}, 0, 32).pad(32).fill(64, 'x');
    EXPECT_EQ(open_error(b, Errc::Corrupt), path_.string() + ": tensor 't' appears twice (tensor #0 and #1)");
}

TEST_F(GgufFileTest, BadValueTypes) {
    Bytes b;
    b.header(3, 0, 1).str("k").u32(13).u32(0);
    EXPECT_EQ(open_error(b, Errc::Corrupt),
              path_.string() + ": metadata key 'k' has value type 13, expected 0 to 12");
    Bytes a;
    a.header(3, 0, 1).str("k").u32(9).u32(77).u64(0);
    EXPECT_EQ(open_error(a, Errc::Corrupt),
              path_.string() + ": array of metadata key 'k' has element type 77, expected 0 to 12");
    Bytes flag;
    flag.header(3, 0, 1).str("k").u32(7).u8(2);
    EXPECT_EQ(open_error(flag, Errc::Corrupt),
              path_.string() + ": bool value of metadata key 'k' at byte 37 is 2, expected 0 or 1");
}

TEST_F(GgufFileTest, DeeplyNestedArraysAreRejected) {
    Bytes b;
    b.header(3, 0, 1).str("k").u32(9);
    for (int i = 0; i < 20; ++i)
        b.u32(9).u64(1);
    b.u32(0).u64(0);
    EXPECT_EQ(open_error(b, Errc::Unsupported),
              path_.string() + ": array of metadata key 'k' nests arrays more than 8 levels deep");
}

TEST_F(GgufFileTest, NestedArraysAndAllScalarTypes) {
    Bytes b;
    b.header(3, 0, 5);
    b.str("i8").u32(1).u8(0xfe);             // int8 -2
    b.str("u64").u32(10).u64(~uint64_t{0});  // beyond int64
    b.str("f64").u32(12);
    const double d = 0.125;
    b.raw(&d, 8);
    b.str("nested").u32(9).u32(9).u64(2);  // [[1, 2], []] of uint16
    b.u32(2).u64(2).raw("\x01\x00\x02\x00", 4).u32(2).u64(0);
    b.str("strings").u32(9).u32(8).u64(2).str("a").str("");
    const auto path = write(b);
    Result<GgufFile> f = GgufFile::open(path);
    ASSERT_TRUE(f.ok()) << f.error().message();
    EXPECT_EQ(f->get_int("i8"), -2);
    EXPECT_EQ(f->get_int("u64"), std::nullopt);
    EXPECT_EQ(f->find("u64")->as_uint(), ~uint64_t{0});
    EXPECT_EQ(f->get_float("f64"), 0.125);
    const GgufValue* nested = f->find("nested");
    ASSERT_NE(nested, nullptr);
    EXPECT_EQ(nested->array_type(), GgufType::Array);
    ASSERT_EQ(nested->array_size(), 2u);
    EXPECT_EQ(nested->at(0).array_type(), GgufType::UInt16);
    EXPECT_EQ(nested->at(0).as_int_array(), (std::vector<int64_t>{1, 2}));
    EXPECT_EQ(nested->at(1).array_size(), 0u);
    EXPECT_EQ(f->find("strings")->as_string_array(), (std::vector<std::string>{"a", ""}));
}

TEST_F(GgufFileTest, AlignmentKey) {
    Bytes b;
    b.header(3, 1, 1)
        .kv_u32("general.alignment", 64)
        .tensor("t", {4}, 0, 0)
        .pad(64)
        .f32(1)
        .f32(2)
        .f32(3)
        .f32(4);
    const auto path = write(b);
    Result<GgufFile> f = GgufFile::open(path);
    ASSERT_TRUE(f.ok()) << f.error().message();
    EXPECT_EQ(f->alignment(), 64u);
    EXPECT_EQ(f->data_offset() % 64, 0u);
    EXPECT_EQ(f->tensor_view("t")->f32()[3], 4.0f);

    Bytes bad;
    bad.header(3, 0, 1).kv_u32("general.alignment", 48);
    EXPECT_EQ(open_error(bad, Errc::Corrupt),
              path_.string() + ": general.alignment is 48, expected a power of two between 1 and 2^30");
    Bytes zero;
    zero.header(3, 0, 1).kv_u32("general.alignment", 0);
    EXPECT_EQ(open_error(zero, Errc::Corrupt),
              path_.string() + ": general.alignment is 0, expected a power of two between 1 and 2^30");
    Bytes str;
    str.header(3, 0, 1).kv_str("general.alignment", "32");
    EXPECT_EQ(open_error(str, Errc::Corrupt),
              path_.string() + ": general.alignment must be an unsigned integer, found string \"32\"");
}

TEST_F(GgufFileTest, UnsupportedTensorTypeOpensButCannotBeViewed) {
    Bytes b;
    // q2_K (type 10, 84 bytes per 256 elements), a type with an unknown layout (99), and an f32 tensor.
    b.header(3, 3, 0).tensor("q2", {256}, 10, 0).tensor("future", {7}, 99, 96).tensor("ok", {1}, 0, 128);
    b.pad(32).fill(128, 'x').f32(5.0f);
    const auto path = write(b);
    Result<GgufFile> f = GgufFile::open(path);
    ASSERT_TRUE(f.ok()) << f.error().message();
    EXPECT_EQ(f->find_tensor("q2")->dtype, std::nullopt);
    EXPECT_EQ(f->find_tensor("q2")->n_bytes, 84u);
    EXPECT_EQ(f->find_tensor("future")->n_bytes, 0u);
    EXPECT_EQ(f->tensor_view("ok")->f32()[0], 5.0f);

    Result<TensorView> q2 = f->tensor_view("q2");
    ASSERT_FALSE(q2.ok());
    EXPECT_EQ(q2.error().code(), Errc::Unsupported);
    EXPECT_EQ(q2.error().message(),
              path.string() +
                  ": tensor 'q2' has type q2_K, which vela does not support (supported: f32, f16, "
                  "bf16, q8_0, q4_0, q4_1, q5_0, q5_1, q4_k, q5_k, q6_k)");
    Result<TensorView> future = f->tensor_view("future");
    ASSERT_FALSE(future.ok());
    EXPECT_EQ(future.error().message(),
              path.string() +
                  ": tensor 'future' has an unknown ggml type 99, which vela does not support "
                  "(supported: f32, f16, bf16, q8_0, q4_0, q4_1, q5_0, q5_1, q4_k, q5_k, q6_k)");
}

}  // namespace
}  // namespace vela
