// GgufFile: a validated, memory-mapped GGUF (v2/v3) file: metadata, tensor infos and zero-copy views.
//
// `open` maps the file and parses the header, metadata and tensor infos once, checking every count,
// length and offset against the file size with overflow-safe arithmetic, so no later access can read
// outside the map. Tensor data is never copied or touched while opening: `tensor_view` returns a view
// into the map, valid as long as this GgufFile (or whatever it is moved into; moves keep the mapped
// address) lives. Callers that hand views to long-lived objects keep the file alive with a shared_ptr.
// Tensors of a type vela cannot compute with still open (vocab-only files, metadata readers); viewing
// one fails with Unsupported. Every error message starts with the file path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "loader/gguf_value.h"
#include "tensor/dtype.h"
#include "tensor/tensor_view.h"
#include "util/mapped_file.h"
#include "vela/core/error.h"

namespace vela {

/// The GGUF alignment of tensor data when `general.alignment` is absent.
inline constexpr size_t kGgufDefaultAlignment = 32;

/// Where one tensor lives in a GGUF file and what it holds.
struct GgufTensorInfo {
    std::string name;            // e.g. "blk.0.attn_q.weight"
    uint32_t ggml_type = 0;      // the GGUF/ggml type number as stored
    std::optional<DType> dtype;  // the vela dtype, unset when vela does not support ggml_type
    std::vector<int64_t> shape;  // outermost first (the GGUF dims reversed)
    uint64_t offset = 0;         // byte offset relative to the start of the tensor data section
    uint64_t n_bytes = 0;        // bytes of data; 0 when the layout of ggml_type is unknown
};

/// A validated, memory-mapped GGUF file (move-only).
class GgufFile {
  public:
    /// Maps and validates the GGUF file at `path`.
    static Result<GgufFile> open(const std::filesystem::path& path);

    /// The path the file was opened with.
    const std::filesystem::path& path() const { return file_.path(); }
    /// The GGUF format version (2 or 3).
    uint32_t version() const { return version_; }
    /// The alignment of tensor data in bytes (a power of two).
    size_t alignment() const { return alignment_; }
    /// The file size in bytes.
    uint64_t file_size() const { return file_.size(); }
    /// The absolute file offset of the tensor data section.
    uint64_t data_offset() const { return data_offset_; }

    /// The metadata value of `key`, or nullptr.
    const GgufValue* find(std::string_view key) const;
    /// The string value of `key` (nullopt if absent or not a string).
    std::optional<std::string> get_string(std::string_view key) const;
    /// The integer value of `key` (nullopt if absent or not an integer that fits int64).
    std::optional<int64_t> get_int(std::string_view key) const;
    /// The float or integer value of `key` as double.
    std::optional<double> get_float(std::string_view key) const;
    /// The bool value of `key`.
    std::optional<bool> get_bool(std::string_view key) const;
    /// The metadata keys in file order.
    const std::vector<std::string>& keys() const { return keys_; }

    /// The tensor infos in file order.
    const std::vector<GgufTensorInfo>& tensors() const { return tensors_; }
    /// The info of tensor `name`, or nullptr.
    const GgufTensorInfo* find_tensor(std::string_view name) const;
    /// A view of tensor `name` into the map (no copy); NotFound or Unsupported errors name the tensor.
    Result<TensorView> tensor_view(std::string_view name) const;
    /// The raw bytes of `info` (a tensor of this file) in the map; empty when its layout is unknown.
    std::span<const std::byte> tensor_bytes(const GgufTensorInfo& info) const;

    GgufFile(GgufFile&&) noexcept = default;
    GgufFile& operator=(GgufFile&&) noexcept = default;
    GgufFile(const GgufFile&) = delete;
    GgufFile& operator=(const GgufFile&) = delete;

  private:
    friend class GgufParser;
    explicit GgufFile(MappedFile file) : file_(std::move(file)) {}

    MappedFile file_;
    uint32_t version_ = 0;
    size_t alignment_ = kGgufDefaultAlignment;
    uint64_t data_offset_ = 0;
    std::vector<std::string> keys_;
    std::vector<GgufValue> values_;                         // parallel to keys_
    std::map<std::string, size_t, std::less<>> key_index_;  // key -> index in keys_
    std::vector<GgufTensorInfo> tensors_;
    std::map<std::string, size_t, std::less<>> tensor_index_;  // name -> index in tensors_
};

}  // namespace vela
