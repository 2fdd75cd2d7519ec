// SafetensorsWriter: the header parsed independently with nlohmann::json, round trips through
// SafetensorsFile, sharding, and validation errors.
#include "loader/safetensors_writer.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstring>
#include <fstream>
#include <iterator>

#include "loader/safetensors_file.h"
#include "loader/safetensors_set.h"

namespace vela {
namespace {

class SafetensorsWriterTest : public testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::path(testing::TempDir()) /
               ("safetensors_writer_test_" +
                std::string(testing::UnitTest::GetInstance()->current_test_info()->name()));
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    static std::string read_all(const std::filesystem::path& path) {
        std::ifstream in(path, std::ios::binary);
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }
    std::filesystem::path dir_;
};

std::vector<std::byte> pattern_bytes(size_t n, uint8_t seed) {
    std::vector<std::byte> out(n);
    for (size_t i = 0; i < n; ++i)
        out[i] = static_cast<std::byte>((i * 13 + seed) & 0xff);
    return out;
}

TEST_F(SafetensorsWriterTest, WritesTheSpecLayout) {
    SafetensorsWriter w;
    w.set_metadata("format", "pt");
    w.add_tensor("b", DType::F16, {3}, pattern_bytes(6, 1));
    w.add_tensor("a", DType::F32, {2, 1}, pattern_bytes(8, 2));
    const auto path = dir_ / "x.safetensors";
    ASSERT_TRUE(w.write(path).ok());

    const std::string bytes = read_all(path);
    uint64_t n_header = 0;
    std::memcpy(&n_header, bytes.data(), 8);
    EXPECT_EQ(n_header % 8, 0u);
    const auto header = nlohmann::json::parse(bytes.substr(8, n_header));
    EXPECT_EQ(header["__metadata__"], (nlohmann::json{{"format", "pt"}}));
    // The F32 tensor goes first so that both stay aligned to their element size.
    EXPECT_EQ(header["a"], (nlohmann::json{{"dtype", "F32"}, {"shape", {2, 1}}, {"data_offsets", {0, 8}}}));
    EXPECT_EQ(header["b"], (nlohmann::json{{"dtype", "F16"}, {"shape", {3}}, {"data_offsets", {8, 14}}}));
    const std::string data = bytes.substr(8 + n_header);
    ASSERT_EQ(data.size(), 14u);
    const auto b = pattern_bytes(6, 1);
    const auto a = pattern_bytes(8, 2);
    EXPECT_EQ(std::memcmp(data.data(), a.data(), 8), 0);
    EXPECT_EQ(std::memcmp(data.data() + 8, b.data(), 6), 0);
}

TEST_F(SafetensorsWriterTest, RoundTripsEveryDType) {
    SafetensorsWriter w;
    w.add_tensor("f32", DType::F32, {2, 3}, pattern_bytes(24, 0));
    w.add_tensor("f16", DType::F16, {5}, pattern_bytes(10, 1));
    w.add_tensor("bf16", DType::BF16, {1, 2, 2, 2}, pattern_bytes(16, 2));
    w.add_tensor("i32", DType::I32, {3}, pattern_bytes(12, 3));
    w.add_tensor("scalar", DType::F32, {}, pattern_bytes(4, 4));
    const auto path = dir_ / "x.safetensors";
    ASSERT_TRUE(w.write(path).ok());
    Result<SafetensorsFile> f = SafetensorsFile::open(path);
    ASSERT_TRUE(f.ok()) << f.error().message();
    ASSERT_EQ(f->tensors().size(), 5u);
    const std::vector<std::pair<std::string, std::string>> want = {{"f32", "f32 [2, 3]"},
                                                                   {"f16", "f16 [5]"},
                                                                   {"bf16", "bf16 [1, 2, 2, 2]"},
                                                                   {"i32", "i32 [3]"},
                                                                   {"scalar", "f32 [1]"}};
    uint8_t seed = 0;
    for (const auto& [name, described] : want) {
        Result<TensorView> v = f->tensor_view(name);
        ASSERT_TRUE(v.ok()) << v.error().message();
        EXPECT_EQ(v->describe(), described);
        const auto bytes = pattern_bytes(static_cast<size_t>(v->n_bytes()), seed++);
        EXPECT_EQ(std::memcmp(v->data(), bytes.data(), bytes.size()), 0) << name;
    }
}

TEST_F(SafetensorsWriterTest, ShardsWithAnIndex) {
    SafetensorsWriter w;
    w.set_metadata("format", "pt");
    for (int i = 0; i < 5; ++i)
        w.add_tensor("layer." + std::to_string(i), DType::F32, {4},
                     pattern_bytes(16, static_cast<uint8_t>(i)));
    w.add_tensor("big", DType::F32, {20}, pattern_bytes(80, 9));  // larger than a shard: a shard of its own
    ASSERT_TRUE(w.write_sharded(dir_, 40).ok());

    const auto index = nlohmann::json::parse(read_all(dir_ / "model.safetensors.index.json"));
    EXPECT_EQ(index["metadata"]["total_size"], 160);
    EXPECT_EQ(index["weight_map"]["layer.0"], "model-00001-of-00004.safetensors");
    EXPECT_EQ(index["weight_map"]["layer.1"], "model-00001-of-00004.safetensors");
    EXPECT_EQ(index["weight_map"]["layer.2"], "model-00002-of-00004.safetensors");
    EXPECT_EQ(index["weight_map"]["layer.4"], "model-00003-of-00004.safetensors");
    EXPECT_EQ(index["weight_map"]["big"], "model-00004-of-00004.safetensors");

    Result<SafetensorsSet> set = SafetensorsSet::open(dir_);
    ASSERT_TRUE(set.ok()) << set.error().message();
    EXPECT_EQ(set->shards().size(), 4u);
    EXPECT_EQ(set->tensor_names(),
              (std::vector<std::string>{"big", "layer.0", "layer.1", "layer.2", "layer.3", "layer.4"}));
    Result<TensorView> big = set->tensor_view("big");
    ASSERT_TRUE(big.ok());
    const auto bytes = pattern_bytes(80, 9);
    EXPECT_EQ(std::memcmp(big->data(), bytes.data(), 80), 0);
    EXPECT_EQ(set->shards()[0].metadata().at("format"), "pt");
}

TEST_F(SafetensorsWriterTest, RejectsBadTensors) {
    const auto path = dir_ / "x.safetensors";
    auto error = [&](const SafetensorsWriter& w) {
        Result<void> r = w.write(path);
        EXPECT_FALSE(r.ok());
        return r.ok() ? std::string() : r.error().message();
    };
    SafetensorsWriter quant;
    quant.add_tensor("w", DType::Q8_0, {32}, pattern_bytes(34, 0));
    EXPECT_EQ(error(quant), path.string() +
                                ": tensor 'w' has dtype q8_0, which safetensors cannot store (use f32, "
                                "f16, bf16 or i32)");
    SafetensorsWriter size;
    size.add_tensor("w", DType::BF16, {3}, pattern_bytes(5, 0));
    EXPECT_EQ(error(size), path.string() + ": tensor 'w' needs 6 bytes of data, got 5");
    SafetensorsWriter twice;
    twice.add_tensor("w", DType::F32, {1}, pattern_bytes(4, 0));
    twice.add_tensor("w", DType::F32, {1}, pattern_bytes(4, 0));
    EXPECT_EQ(error(twice), path.string() + ": tensor 'w' is added twice");
    SafetensorsWriter reserved;
    reserved.add_tensor("__metadata__", DType::F32, {1}, pattern_bytes(4, 0));
    EXPECT_EQ(error(reserved), path.string() + ": tensor '__metadata__' has a reserved or empty name");
    EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace vela
