#include "util/mapped_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

namespace vela {
namespace {

class MappedFileTest : public testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::path(testing::TempDir()) /
               ("mapped_file_test_" +
                std::string(testing::UnitTest::GetInstance()->current_test_info()->name()));
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    std::filesystem::path write(const std::string& name, const std::string& content) {
        const auto path = dir_ / name;
        std::ofstream(path, std::ios::binary)
            .write(content.data(), static_cast<std::streamsize>(content.size()));
        return path;
    }
    std::filesystem::path dir_;
};

TEST_F(MappedFileTest, MapsTheWholeFile) {
    const auto path = write("a.bin", std::string("hello\0world", 11));
    Result<MappedFile> f = MappedFile::open(path);
    ASSERT_TRUE(f.ok()) << f.error().message();
    EXPECT_EQ(f->size(), 11u);
    EXPECT_EQ(f->path(), path);
    EXPECT_EQ(std::memcmp(f->data(), "hello\0world", 11), 0);

    const std::byte* data = f->data();
    MappedFile moved = std::move(*f);
    EXPECT_EQ(moved.data(), data);
    EXPECT_EQ(f->data(), nullptr);
    EXPECT_EQ(f->size(), 0u);
    MappedFile assigned;
    assigned = std::move(moved);
    EXPECT_EQ(assigned.data(), data);
    EXPECT_EQ(std::memcmp(assigned.data(), "hello", 5), 0);
}

TEST_F(MappedFileTest, EmptyFileHasNoMap) {
    const auto path = write("empty.bin", "");
    Result<MappedFile> f = MappedFile::open(path);
    ASSERT_TRUE(f.ok()) << f.error().message();
    EXPECT_EQ(f->size(), 0u);
    EXPECT_EQ(f->data(), nullptr);
}

TEST_F(MappedFileTest, MissingFile) {
    const auto path = dir_ / "nope.gguf";
    Result<MappedFile> f = MappedFile::open(path);
    ASSERT_FALSE(f.ok());
    EXPECT_EQ(f.error().code(), Errc::NotFound);
    EXPECT_EQ(f.error().message(), path.string() + ": no such file (check the path)");
}

TEST_F(MappedFileTest, Directory) {
    Result<MappedFile> f = MappedFile::open(dir_);
    ASSERT_FALSE(f.ok());
    EXPECT_EQ(f.error().code(), Errc::InvalidArgument);
    EXPECT_EQ(f.error().message(), dir_.string() + ": is a directory, expected a file");
}

TEST_F(MappedFileTest, PermissionDenied) {
    if (::geteuid() == 0) GTEST_SKIP() << "root reads files regardless of permissions";
    const auto path = write("secret.bin", "x");
    ASSERT_EQ(::chmod(path.c_str(), 0), 0);
    Result<MappedFile> f = MappedFile::open(path);
    ASSERT_FALSE(f.ok());
    EXPECT_EQ(f.error().code(), Errc::Io);
    EXPECT_EQ(f.error().message(),
              path.string() + ": permission denied (the file must be readable by this user)");
}

TEST_F(MappedFileTest, NotARegularFile) {
    Result<MappedFile> f = MappedFile::open("/dev/null");
    ASSERT_FALSE(f.ok());
    EXPECT_EQ(f.error().code(), Errc::InvalidArgument);
    EXPECT_EQ(f.error().message(), "/dev/null: is not a regular file (a device, pipe or socket)");
}

}  // namespace
}  // namespace vela
