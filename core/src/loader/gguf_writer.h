// GgufWriter: builds a GGUF v3 file from metadata and tensors (used by the test-model generator).
//
// Metadata keeps insertion order (setting a key again replaces its value in place). Tensors are laid
// out in the order they were added, each at an offset that is a multiple of the alignment (32, or the
// `general.alignment` value when set). `write` validates everything before creating the file, then
// streams header, metadata, tensor infos and tensor data through one buffered stream; it holds no
// copy of the file in memory beyond the tensors the caller handed over.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "loader/gguf_value.h"
#include "tensor/dtype.h"
#include "vela/core/error.h"

namespace vela {

/// Collects metadata and tensors and writes them as a GGUF v3 file.
class GgufWriter {
  public:
    /// Sets metadata `key` to `value` (replacing an earlier value of the same key).
    void set(std::string key, GgufValue value);
    /// Sets a string value.
    void set_string(std::string key, std::string value) {
        set(std::move(key), GgufValue::string(std::move(value)));
    }
    /// Sets a uint32 value.
    void set_u32(std::string key, uint32_t value) { set(std::move(key), GgufValue::uint32(value)); }
    /// Sets an int32 value.
    void set_i32(std::string key, int32_t value) { set(std::move(key), GgufValue::int32(value)); }
    /// Sets a uint64 value.
    void set_u64(std::string key, uint64_t value) { set(std::move(key), GgufValue::uint64(value)); }
    /// Sets a float32 value.
    void set_f32(std::string key, float value) { set(std::move(key), GgufValue::float32(value)); }
    /// Sets a bool value.
    void set_bool(std::string key, bool value) { set(std::move(key), GgufValue::boolean(value)); }
    /// Sets an array of strings.
    void set_string_array(std::string key, std::span<const std::string> values) {
        set(std::move(key), GgufValue::string_array(values));
    }
    /// Sets an array of int32.
    void set_i32_array(std::string key, std::span<const int32_t> values) {
        set(std::move(key), GgufValue::int32_array(values));
    }
    /// Sets an array of float32.
    void set_f32_array(std::string key, std::span<const float> values) {
        set(std::move(key), GgufValue::float32_array(values));
    }

    /// Adds tensor `name` of `dtype` and `shape` (outermost first) holding `data` (row-major, ggml blocks).
    void add_tensor(std::string name, DType dtype, std::vector<int64_t> shape, std::vector<std::byte> data);

    /// The metadata in insertion order.
    const std::vector<std::pair<std::string, GgufValue>>& metadata() const { return metadata_; }

    /// Validates and writes the file; InvalidArgument names the bad key or tensor, Io the failed write.
    Result<void> write(const std::filesystem::path& path) const;

  private:
    struct PendingTensor {
        std::string name;
        DType dtype;
        std::vector<int64_t> shape;  // outermost first
        std::vector<std::byte> data;
    };
    Result<size_t> validate(const std::filesystem::path& path) const;

    std::vector<std::pair<std::string, GgufValue>> metadata_;
    std::vector<PendingTensor> tensors_;
};

}  // namespace vela
