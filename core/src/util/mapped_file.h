// MappedFile: a read-only memory map of a whole file (RAII, move-only).
//
// Weight files are used in place: GGUF and safetensors tensor views point into this map, so nothing
// copies tensor data and the kernel pages in only what is touched. The map is private and read-only;
// the file descriptor is closed right after mapping (the map keeps the file alive). We do not ask the
// kernel to prefetch (no MADV_WILLNEED: loading must not fault in the whole file), and we exclude the
// map from core dumps (MADV_DONTDUMP) so a crash does not write gigabytes of weights. Moving a
// MappedFile keeps the mapped address, so pointers into it stay valid across moves.
#pragma once

#include <cstddef>
#include <filesystem>
#include <utility>

#include "vela/core/error.h"

namespace vela {

/// A read-only memory map of a whole file.
class MappedFile {
  public:
    /// Maps the file at `path`; NotFound if it does not exist, InvalidArgument if it is not a regular file,
    /// Io if it cannot be opened or mapped. An empty file maps to size 0 and a null data pointer.
    static Result<MappedFile> open(const std::filesystem::path& path);

    MappedFile() = default;
    MappedFile(MappedFile&& other) noexcept;
    MappedFile& operator=(MappedFile&& other) noexcept;
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    ~MappedFile();

    /// The first byte of the file (null when the file is empty).
    const std::byte* data() const { return data_; }
    /// The file size in bytes.
    size_t size() const { return size_; }
    /// The path the file was opened with.
    const std::filesystem::path& path() const { return path_; }

  private:
    MappedFile(std::filesystem::path path, const std::byte* data, size_t size)
        : path_(std::move(path)), data_(data), size_(size) {}
    void unmap();

    std::filesystem::path path_;
    const std::byte* data_ = nullptr;
    size_t size_ = 0;
};

}  // namespace vela
