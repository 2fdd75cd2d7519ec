// SafetensorsSet over model folders: single file, sharded with an index, and broken folders. Index
// files are written by hand here; shards by SafetensorsWriter (tested against the spec separately).
#include "loader/safetensors_set.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "loader/safetensors_writer.h"

namespace vela {
namespace {

class SafetensorsSetTest : public testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::path(testing::TempDir()) /
               ("safetensors_set_test_" +
                std::string(testing::UnitTest::GetInstance()->current_test_info()->name()));
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    // Writes a shard `name` holding F32 [2] tensors `names` (each filled with its index + 1).
    void shard(const std::string& name, const std::vector<std::string>& names) {
        SafetensorsWriter w;
        for (size_t i = 0; i < names.size(); ++i) {
            const float v[2] = {static_cast<float>(i + 1), static_cast<float>(i + 1)};
            std::vector<std::byte> bytes(8);
            std::memcpy(bytes.data(), v, 8);
            w.add_tensor(names[i], DType::F32, {2}, bytes);
        }
        ASSERT_TRUE(w.write(dir_ / name).ok());
    }
    void index(const std::string& text) { std::ofstream(dir_ / "model.safetensors.index.json") << text; }
    std::string open_error(Errc code) {
        Result<SafetensorsSet> set = SafetensorsSet::open(dir_);
        EXPECT_FALSE(set.ok());
        if (set.ok()) return {};
        EXPECT_EQ(set.error().code(), code) << set.error().message();
        return set.error().message();
    }
    std::string index_path() const { return (dir_ / "model.safetensors.index.json").string(); }
    std::filesystem::path dir_;
};

TEST_F(SafetensorsSetTest, SingleFileFolder) {
    shard("model.safetensors", {"a", "b"});
    Result<SafetensorsSet> set = SafetensorsSet::open(dir_);
    ASSERT_TRUE(set.ok()) << set.error().message();
    EXPECT_EQ(set->tensor_names(), (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(set->size(), 2u);
    EXPECT_EQ(set->tensor_view("b")->f32()[0], 2.0f);
    EXPECT_EQ(set->find("a")->dtype, DType::F32);
    EXPECT_EQ(set->find("zzz"), nullptr);
    Result<TensorView> missing = set->tensor_view("zzz");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code(), Errc::NotFound);
    EXPECT_EQ(missing.error().message(), (dir_ / "model.safetensors").string() +
                                             ": no tensor named 'zzz' (the model has 2 tensors in 1 files)");
    // The file itself opens too.
    Result<SafetensorsSet> direct = SafetensorsSet::open(dir_ / "model.safetensors");
    ASSERT_TRUE(direct.ok());
    EXPECT_EQ(direct->size(), 2u);
}

TEST_F(SafetensorsSetTest, ShardedFolder) {
    shard("model-00001-of-00002.safetensors", {"x", "y"});
    shard("model-00002-of-00002.safetensors", {"z", "extra"});
    index(R"({"metadata":{"total_size":32},"weight_map":{"x":"model-00001-of-00002.safetensors",)"
          R"("y":"model-00001-of-00002.safetensors","z":"model-00002-of-00002.safetensors"}})");
    Result<SafetensorsSet> set = SafetensorsSet::open(dir_);
    ASSERT_TRUE(set.ok()) << set.error().message();
    EXPECT_EQ(set->shards().size(), 2u);
    EXPECT_EQ(set->tensor_names(), (std::vector<std::string>{"extra", "x", "y", "z"}));
    EXPECT_EQ(set->tensor_view("y")->f32()[1], 2.0f);
    EXPECT_EQ(set->tensor_view("z")->f32()[0], 1.0f);
    EXPECT_EQ(set->shard_of("z")->path(), dir_ / "model-00002-of-00002.safetensors");
    // Opening the index file directly gives the same set.
    Result<SafetensorsSet> direct = SafetensorsSet::open(dir_ / "model.safetensors.index.json");
    ASSERT_TRUE(direct.ok());
    EXPECT_EQ(direct->size(), 4u);
}

TEST_F(SafetensorsSetTest, EmptyFolder) {
    EXPECT_EQ(open_error(Errc::NotFound),
              dir_.string() + ": no model.safetensors.index.json or model.safetensors in this folder");
}

TEST_F(SafetensorsSetTest, MissingShard) {
    shard("model-00001-of-00002.safetensors", {"x"});
    index(
        R"({"weight_map":{"x":"model-00001-of-00002.safetensors","lm_head.weight":"model-00002-of-00002.safetensors"}})");
    EXPECT_EQ(open_error(Errc::NotFound),
              index_path() +
                  ": shard 'model-00002-of-00002.safetensors' (listed for 1 tensors, e.g. "
                  "'lm_head.weight') is missing from " +
                  dir_.string() + " (incomplete download?)");
}

TEST_F(SafetensorsSetTest, IndexPointsAtAMissingTensor) {
    shard("model-00001-of-00001.safetensors", {"x"});
    index(
        R"({"weight_map":{"x":"model-00001-of-00001.safetensors","y":"model-00001-of-00001.safetensors"}})");
    EXPECT_EQ(open_error(Errc::Corrupt), index_path() +
                                             ": weight_map puts tensor 'y' in "
                                             "'model-00001-of-00001.safetensors', but that shard has no "
                                             "such tensor");
}

TEST_F(SafetensorsSetTest, TensorInTwoShards) {
    shard("a.safetensors", {"x"});
    shard("b.safetensors", {"x", "y"});
    index(R"({"weight_map":{"x":"a.safetensors","y":"b.safetensors"}})");
    EXPECT_EQ(open_error(Errc::Corrupt), (dir_ / "b.safetensors").string() + ": tensor 'x' is also in " +
                                             (dir_ / "a.safetensors").string());
}

TEST_F(SafetensorsSetTest, BadIndexFiles) {
    index(R"({"weight_map": [1]})");
    EXPECT_EQ(open_error(Errc::Corrupt),
              index_path() + ": expected an object with a \"weight_map\" object (tensor name -> shard file)");
    index(R"({"weight_map": {"x": 3}})");
    EXPECT_EQ(open_error(Errc::Corrupt),
              index_path() + ": weight_map entry 'x' must be a shard file name (a string), found number");
    index(R"({"weight_map": {"x": "../../etc/passwd"}})");
    EXPECT_EQ(open_error(Errc::Corrupt), index_path() +
                                             ": weight_map entry 'x' names shard '../../etc/passwd', "
                                             "which is outside the model folder");
    index(R"({"weight_map": {}})");
    EXPECT_EQ(open_error(Errc::Corrupt), index_path() + ": weight_map is empty");
    index(R"({"weight_map": {)");
    EXPECT_EQ(open_error(Errc::Corrupt),
              index_path() +
                  ": invalid JSON: parse error at line 1, column 17: syntax error while parsing object "
                  "key - unexpected end of input; expected string literal");
}

TEST_F(SafetensorsSetTest, BrokenShardReportsTheShardPath) {
    std::ofstream(dir_ / "s.safetensors") << "garbage!";
    index(R"({"weight_map":{"x":"s.safetensors"}})");
    uint64_t n_header = 0;  // "garbage!" read as the little-endian header length
    std::memcpy(&n_header, "garbage!", 8);
    EXPECT_EQ(open_error(Errc::Corrupt),
              (dir_ / "s.safetensors").string() + ": the header length " + std::to_string(n_header) +
                  " runs past the end of the file (8 bytes; truncated download, or not "
                  "a safetensors file?)");
}

}  // namespace
}  // namespace vela
