// SafetensorsWriter: writes tensors as one .safetensors file, or as shards with an index (used by the
// test-model generator to produce Hugging Face style folders).
//
// Tensors are stored back to back, larger element types first (otherwise in the order they were
// added), and the JSON header is padded with spaces to a multiple of 8 bytes, as the safetensors library
// does, so every tensor starts at a multiple of its element size in the file. `write_sharded` splits the
// tensors greedily into shards of at most `max_shard_bytes` of data (a larger tensor gets a shard of its
// own), names them model-00001-of-0000N.safetensors and writes model.safetensors.index.json with
// metadata.total_size and the weight_map.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "tensor/dtype.h"
#include "vela/core/error.h"

namespace vela {

/// Collects tensors and writes them in the safetensors format.
class SafetensorsWriter {
  public:
    /// Sets a `__metadata__` entry (replacing an earlier value of the same key), e.g. {"format", "pt"}.
    void set_metadata(std::string key, std::string value);
    /// Adds tensor `name` of `dtype` (F32, F16, BF16 or I32) and `shape` (outermost first) holding `data`.
    void add_tensor(std::string name, DType dtype, std::vector<int64_t> shape, std::vector<std::byte> data);

    /// Validates and writes everything into the single file `path`.
    Result<void> write(const std::filesystem::path& path) const;
    /// Validates and writes shards of at most `max_shard_bytes` of tensor data plus the index into `folder`.
    Result<void> write_sharded(const std::filesystem::path& folder, uint64_t max_shard_bytes) const;

  private:
    struct PendingTensor {
        std::string name;
        DType dtype;
        std::vector<int64_t> shape;
        std::vector<std::byte> data;
    };
    Result<void> validate(const std::filesystem::path& target) const;
    Result<void> write_file(const std::filesystem::path& path,
                            const std::vector<size_t>& tensor_indices) const;

    std::vector<std::pair<std::string, std::string>> metadata_;
    std::vector<PendingTensor> tensors_;
};

}  // namespace vela
