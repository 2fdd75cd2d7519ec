#include "util/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

namespace vela {
namespace {

std::string errno_text(int err) {
    return std::strerror(err);
}

// Closes a file descriptor when the scope ends.
class FdGuard {
  public:
    explicit FdGuard(int fd) : fd_(fd) {}
    FdGuard(const FdGuard&) = delete;
    FdGuard& operator=(const FdGuard&) = delete;
    ~FdGuard() {
        if (fd_ >= 0) ::close(fd_);
    }
    int get() const { return fd_; }

  private:
    int fd_;
};

}  // namespace

Result<MappedFile> MappedFile::open(const std::filesystem::path& path) {
    const std::string name = path.string();
    int fd = ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        if (err == ENOENT || err == ENOTDIR)
            return Error{Errc::NotFound, name + ": no such file (check the path)"};
        if (err == EACCES || err == EPERM)
            return Error{Errc::Io, name + ": permission denied (the file must be readable by this user)"};
        return Error{Errc::Io, name + ": cannot open: " + errno_text(err)};
    }
    FdGuard guard(fd);

    struct stat st {};
    if (::fstat(fd, &st) != 0) return Error{Errc::Io, name + ": cannot stat: " + errno_text(errno)};
    if (S_ISDIR(st.st_mode)) return Error{Errc::InvalidArgument, name + ": is a directory, expected a file"};
    if (!S_ISREG(st.st_mode))
        return Error{Errc::InvalidArgument, name + ": is not a regular file (a device, pipe or socket)"};
    if (st.st_size == 0) return MappedFile(path, nullptr, 0);

    const auto size = static_cast<size_t>(st.st_size);
    void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED)
        return Error{Errc::Io,
                     name + ": cannot map " + std::to_string(size) + " bytes: " + errno_text(errno)};
    // Best effort: a failure only means a crash dump could include the weights.
    (void)::madvise(map, size, MADV_DONTDUMP);
    return MappedFile(path, static_cast<const std::byte*>(map), size);
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : path_(std::move(other.path_)),
      data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
    if (this != &other) {
        unmap();
        path_ = std::move(other.path_);
        data_ = std::exchange(other.data_, nullptr);
        size_ = std::exchange(other.size_, 0);
    }
    return *this;
}

MappedFile::~MappedFile() {
    unmap();
}

void MappedFile::unmap() {
    if (data_ != nullptr) ::munmap(const_cast<std::byte*>(data_), size_);
    data_ = nullptr;
    size_ = 0;
}

}  // namespace vela
