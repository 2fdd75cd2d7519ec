// SafetensorsFile against hand-built files (header JSON written here by hand, independent of the
// writer): valid files, and each kind of bad input with the exact error.
#include "loader/safetensors_file.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <random>

namespace vela {
namespace {

// A safetensors file: the 8-byte header length, `header` verbatim, then `data`.
std::string st_file(const std::string& header, const std::string& data) {
    std::string out(8, '\0');
    const uint64_t n = header.size();
    std::memcpy(out.data(), &n, 8);
    return out + header + data;
}

std::string floats(std::initializer_list<float> values) {
    std::string out;
    for (float v : values)
        out.append(reinterpret_cast<const char*>(&v), 4);
    return out;
}

class SafetensorsFileTest : public testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::path(testing::TempDir()) /
               ("safetensors_file_test_" +
                std::string(testing::UnitTest::GetInstance()->current_test_info()->name()));
        std::filesystem::create_directories(dir_);
        path_ = dir_ / "model.safetensors";
    }
    void TearDown() override {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    void write(const std::string& bytes) {
        std::ofstream(path_, std::ios::binary | std::ios::trunc)
            .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    }
    std::string open_error(const std::string& bytes, Errc code = Errc::Corrupt) {
        write(bytes);
        Result<SafetensorsFile> f = SafetensorsFile::open(path_);
        EXPECT_FALSE(f.ok());
        if (f.ok()) return {};
        EXPECT_EQ(f.error().code(), code) << f.error().message();
        return f.error().message();
    }
    std::string p() const { return path_.string(); }
    std::filesystem::path dir_;
    std::filesystem::path path_;
};

// Header padded to 8 bytes: "w" F32 [2, 3] at 0-24, "n" BF16 [4] at 24-32, "q" I8 [3] at 32-35,
// "s" F32 scalar at 36-40, "e" F16 [0, 5] empty at 40-40.
std::string valid_file() {
    std::string header = R"({"__metadata__":{"format":"pt","note":"hi"},)"
                         R"("w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},)"
                         R"("q":{"dtype":"I8","shape":[3],"data_offsets":[32,35]},)"
                         R"("n":{"dtype":"BF16","shape":[4],"data_offsets":[24,32]},)"
                         R"("s":{"dtype":"F32","shape":[],"data_offsets":[36,40]},)"
                         R"("e":{"dtype":"F16","shape":[0,5],"data_offsets":[40,40]}})";
    header.append((8 - header.size() % 8) % 8, ' ');
    std::string data = floats({1, 2, 3, 4, 5, 6}) + std::string("\x80\x3f\x00\x40\x40\x40\x80\x40", 8) +
                       std::string("\x01\xff\x7f\x00", 4) + floats({-7.5f});
    return st_file(header, data);
}

TEST_F(SafetensorsFileTest, OpensAValidFile) {
    write(valid_file());
    Result<SafetensorsFile> f = SafetensorsFile::open(path_);
    ASSERT_TRUE(f.ok()) << f.error().message();
    EXPECT_EQ(f->data_offset() % 8, 0u);
    EXPECT_EQ(f->metadata().at("format"), "pt");
    EXPECT_EQ(f->metadata().at("note"), "hi");
    ASSERT_EQ(f->tensors().size(), 5u);
    // Data order.
    EXPECT_EQ(f->tensors()[0].name, "w");
    EXPECT_EQ(f->tensors()[1].name, "n");
    EXPECT_EQ(f->tensors()[2].name, "q");

    Result<TensorView> w = f->tensor_view("w");
    ASSERT_TRUE(w.ok()) << w.error().message();
    EXPECT_EQ(w->describe(), "f32 [2, 3]");
    EXPECT_EQ(w->f32()[5], 6.0f);
    Result<TensorView> n = f->tensor_view("n");
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(n->describe(), "bf16 [4]");
    EXPECT_EQ(static_cast<uint8_t>(n->data()[1]), 0x3f);
    Result<TensorView> s = f->tensor_view("s");
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->describe(), "f32 [1]");
    EXPECT_EQ(s->f32()[0], -7.5f);
    EXPECT_TRUE(f->find_tensor("s")->shape.empty());
    Result<TensorView> e = f->tensor_view("e");
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(e->n_elements(), 0);

    const SafetensorsTensorInfo* q = f->find_tensor("q");
    ASSERT_NE(q, nullptr);
    EXPECT_EQ(q->dtype_name, "I8");
    EXPECT_EQ(q->dtype, std::nullopt);
    EXPECT_EQ(f->tensor_bytes(*q).size(), 3u);

    // Views survive moving the file object.
    SafetensorsFile moved = std::move(*f);
    EXPECT_EQ(moved.tensor_view("w")->data(), w->data());
}

TEST_F(SafetensorsFileTest, UnsupportedDTypeOpensButCannotBeViewed) {
    write(valid_file());
    Result<SafetensorsFile> f = SafetensorsFile::open(path_);
    ASSERT_TRUE(f.ok());
    Result<TensorView> q = f->tensor_view("q");
    ASSERT_FALSE(q.ok());
    EXPECT_EQ(q.error().code(), Errc::Unsupported);
    EXPECT_EQ(
        q.error().message(),
        p() + ": tensor 'q' has dtype I8, which vela does not support (supported: F32, F16, BF16, I32)");
    Result<TensorView> missing = f->tensor_view("lm_head.weight");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code(), Errc::NotFound);
    EXPECT_EQ(missing.error().message(), p() + ": no tensor named 'lm_head.weight' (the file has 5 tensors)");
}

TEST_F(SafetensorsFileTest, UnknownDTypeIsRangeCheckedOnly) {
    write(st_file(R"({"x":{"dtype":"F4","shape":[3],"data_offsets":[0,2]}})", "ab"));
    Result<SafetensorsFile> f = SafetensorsFile::open(path_);
    ASSERT_TRUE(f.ok()) << f.error().message();
    EXPECT_EQ(
        f->tensor_view("x").error().message(),
        p() + ": tensor 'x' has dtype F4, which vela does not support (supported: F32, F16, BF16, I32)");
}

TEST_F(SafetensorsFileTest, TooShort) {
    EXPECT_EQ(open_error("abc"), p() +
                                     ": the file has 3 bytes, too few for a safetensors file (it starts with "
                                     "an 8-byte header length)");
}

TEST_F(SafetensorsFileTest, HeaderLengthPastEndOfFile) {
    std::string bytes = st_file(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", "abcd");
    bytes.resize(30);
    EXPECT_EQ(open_error(bytes),
              p() +
                  ": the header length 54 runs past the end of the file (30 bytes; truncated "
                  "download, or not a safetensors file?)");
}

TEST_F(SafetensorsFileTest, BadJson) {
    EXPECT_EQ(open_error(st_file(R"({"a": })", "")), p() +
                                                         " (JSON header): invalid JSON: parse error at line "
                                                         "1, column 7: syntax error while parsing value - "
                                                         "unexpected '}'; expected '[', '{', or a literal");
    EXPECT_EQ(open_error(st_file(R"([1, 2])", "")), p() + ": the JSON header must be an object, found array");
    EXPECT_EQ(open_error(st_file(R"({"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"a":{}})", "")),
              p() + " (JSON header): invalid JSON: the key 'a' appears twice in one object");
    EXPECT_EQ(open_error(st_file(R"({"__metadata__":{"format":1}})", "")),
              p() + ": __metadata__ entry 'format' must be a string, found 1");
}

TEST_F(SafetensorsFileTest, MalformedTensorEntries) {
    EXPECT_EQ(open_error(st_file(R"({"a":{"shape":[1],"data_offsets":[0,4]}})", "abcd")),
              p() + ": tensor 'a' needs a string \"dtype\", found none");
    EXPECT_EQ(open_error(st_file(R"({"a":{"dtype":"F32","shape":[2,-1],"data_offsets":[0,4]}})", "abcd")),
              p() + ": tensor 'a' has shape [2,-1], expected non-negative integers");
    EXPECT_EQ(open_error(st_file(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0]}})", "abcd")),
              p() + ": tensor 'a' needs \"data_offsets\" [begin, end] of non-negative integers, found [0]");
    EXPECT_EQ(open_error(st_file(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}})", "abcd")),
              p() + ": tensor 'a' has data_offsets [4, 0], end before begin");
    EXPECT_EQ(open_error(st_file(
                  R"({"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}})", "abcd")),
              p() + ": tensor 'a' has shape [4294967296,4294967296], more elements than fit in 64 bits");
}

TEST_F(SafetensorsFileTest, OffsetsOutOfRange) {
    EXPECT_EQ(open_error(st_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", "abcd")),
              p() +
                  ": tensor 'a' has data_offsets [0, 8] past the end of the data section (4 bytes; truncated "
                  "download?)");
}

TEST_F(SafetensorsFileTest, SizeMismatch) {
    EXPECT_EQ(open_error(st_file(R"({"a":{"dtype":"BF16","shape":[2,3],"data_offsets":[0,8]}})", "abcdefgh")),
              p() + ": tensor 'a' (BF16 [2, 3]) needs 6 x 2 bytes, but its data_offsets [0, 8] span 8 bytes");
}

TEST_F(SafetensorsFileTest, Overlap) {
    EXPECT_EQ(open_error(st_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                                 R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                                 std::string(12, 'x'))),
              p() + ": tensors 'a' (bytes 0 to 8) and 'b' (bytes 4 to 12) overlap");
}

TEST_F(SafetensorsFileTest, MisalignedAndHighRankViewsAreRefused) {
    // A 6-byte header (not padded) puts the data at file byte 14: an F32 there is misaligned.
    const std::string header = R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                               R"("r":{"dtype":"F32","shape":[1,1,1,1,1],"data_offsets":[4,8]}})";
    std::string padded = header;
    padded.append((8 - padded.size() % 8) % 8 + 2, ' ');  // 2 bytes off an 8-byte boundary
    write(st_file(padded, floats({1, 2})));
    Result<SafetensorsFile> f = SafetensorsFile::open(path_);
    ASSERT_TRUE(f.ok()) << f.error().message();
    Result<TensorView> a = f->tensor_view("a");
    ASSERT_FALSE(a.ok());
    EXPECT_EQ(a.error().message(), p() + ": tensor 'a' starts at file byte " +
                                       std::to_string(f->data_offset()) +
                                       ", not a multiple of its 4-byte elements (re-save the file with the "
                                       "safetensors library)");
    Result<TensorView> r = f->tensor_view("r");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message(), p() + ": tensor 'r' has 5 dimensions; vela supports at most 4");
}

TEST_F(SafetensorsFileTest, RandomCorruptionNeverCrashes) {
    const std::string full = valid_file();
    std::mt19937 rng(99);
    for (int i = 0; i < 500; ++i) {
        std::string bytes = full;
        if (i % 3 == 0) bytes.resize(rng() % bytes.size());
        const int n_flips = 1 + static_cast<int>(rng() % 3);
        for (int k = 0; k < n_flips && !bytes.empty(); ++k)
            bytes[rng() % bytes.size()] = static_cast<char>(rng());
        write(bytes);
        Result<SafetensorsFile> f = SafetensorsFile::open(path_);
        if (!f.ok()) continue;
        for (const SafetensorsTensorInfo& t : f->tensors()) {
            ASSERT_LE(f->data_offset() + t.end, f->file_size());
            (void)f->tensor_view(t.name);
        }
    }
}

}  // namespace
}  // namespace vela
