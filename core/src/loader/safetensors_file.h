// SafetensorsFile: a validated, memory-mapped .safetensors file with zero-copy tensor views.
//
// Layout: an 8-byte little-endian header length N, N bytes of JSON ({name: {dtype, shape,
// data_offsets: [begin, end]}, "__metadata__": {string: string}}), then the data section; offsets are
// relative to the data section. `open` checks the header length against the file, every tensor's
// range against the data section and against its shape times its dtype size, and that no two tensors
// overlap, so views never leave the map. Tensors of dtypes vela does not compute with (I8, F64,
// F8_E4M3, ...) still open; viewing one fails with Unsupported. Views stay valid while this object
// (or whatever it is moved into) lives. Every error message starts with the file path.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tensor/dtype.h"
#include "tensor/tensor_view.h"
#include "util/mapped_file.h"
#include "vela/core/error.h"

namespace vela {

/// Where one tensor lives in a safetensors file and what it holds.
struct SafetensorsTensorInfo {
    std::string name;            // e.g. "model.layers.0.self_attn.q_proj.weight"
    std::string dtype_name;      // as written in the file: "F32", "BF16", "I8", ...
    std::optional<DType> dtype;  // the vela dtype, unset when vela does not support dtype_name
    std::vector<int64_t> shape;  // outermost first; empty for a scalar
    uint64_t begin = 0;          // first byte, relative to the data section
    uint64_t end = 0;            // one past the last byte, relative to the data section
};

/// A validated, memory-mapped safetensors file (move-only).
class SafetensorsFile {
  public:
    /// Maps and validates the safetensors file at `path`.
    static Result<SafetensorsFile> open(const std::filesystem::path& path);

    /// The path the file was opened with.
    const std::filesystem::path& path() const { return file_.path(); }
    /// The file size in bytes.
    uint64_t file_size() const { return file_.size(); }
    /// The absolute file offset of the data section (8 + header length).
    uint64_t data_offset() const { return data_offset_; }
    /// The `__metadata__` entries (string to string).
    const std::map<std::string, std::string, std::less<>>& metadata() const { return metadata_; }
    /// The tensor infos in data order (by begin offset).
    const std::vector<SafetensorsTensorInfo>& tensors() const { return tensors_; }
    /// The info of tensor `name`, or nullptr.
    const SafetensorsTensorInfo* find_tensor(std::string_view name) const;
    /// A view of tensor `name` into the map (no copy); NotFound or Unsupported errors name the tensor.
    /// A scalar (shape []) is viewed as shape [1].
    Result<TensorView> tensor_view(std::string_view name) const;
    /// The raw bytes of `info` (a tensor of this file) in the map.
    std::span<const std::byte> tensor_bytes(const SafetensorsTensorInfo& info) const;

    SafetensorsFile(SafetensorsFile&&) noexcept = default;
    SafetensorsFile& operator=(SafetensorsFile&&) noexcept = default;
    SafetensorsFile(const SafetensorsFile&) = delete;
    SafetensorsFile& operator=(const SafetensorsFile&) = delete;

  private:
    friend class SafetensorsParser;
    explicit SafetensorsFile(MappedFile file) : file_(std::move(file)) {}

    MappedFile file_;
    uint64_t data_offset_ = 0;
    std::map<std::string, std::string, std::less<>> metadata_;
    std::vector<SafetensorsTensorInfo> tensors_;
    std::map<std::string, size_t, std::less<>> tensor_index_;  // name -> index in tensors_
};

/// The size in bytes of one element of safetensors dtype `name` ("F32" -> 4), if known.
std::optional<uint32_t> safetensors_dtype_size(std::string_view name);

/// The safetensors dtype name of `dtype` ("F32", "F16", "BF16", "I32"), if safetensors has one.
std::optional<std::string_view> safetensors_dtype_name(DType dtype);

}  // namespace vela
