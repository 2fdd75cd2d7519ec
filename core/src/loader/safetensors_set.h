// SafetensorsSet: the weights of a Hugging Face model folder as one name -> tensor lookup across shards.
//
// A folder holds either `model.safetensors.index.json` (its weight_map names the shard of every
// tensor) or a single `model.safetensors`. `open` maps every shard, checks that each shard the index
// names exists and that each tensor the index lists is really in its shard, and rejects a tensor
// name found in two shards. Tensors present in a shard but missing from the index are still served.
// Views point into the shard maps and stay valid while the set (or whatever it is moved into) lives.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "loader/safetensors_file.h"
#include "tensor/tensor_view.h"
#include "vela/core/error.h"

namespace vela {

/// The file name of a sharded model's index.
inline constexpr std::string_view kSafetensorsIndexName = "model.safetensors.index.json";
/// The file name of a single-file model.
inline constexpr std::string_view kSafetensorsSingleName = "model.safetensors";

/// All safetensors shards of one model (move-only).
class SafetensorsSet {
  public:
    /// Opens a model folder (index or single file), an index .json file, or one .safetensors file.
    static Result<SafetensorsSet> open(const std::filesystem::path& path);

    /// The shards, in index order (one for a single file).
    const std::vector<SafetensorsFile>& shards() const { return shards_; }
    /// The names of all tensors, sorted.
    std::vector<std::string> tensor_names() const;
    /// The number of tensors.
    size_t size() const { return index_.size(); }
    /// The info of tensor `name`, or nullptr.
    const SafetensorsTensorInfo* find(std::string_view name) const;
    /// The shard holding tensor `name`, or nullptr.
    const SafetensorsFile* shard_of(std::string_view name) const;
    /// A view of tensor `name` into its shard's map (no copy); NotFound or Unsupported name the tensor.
    Result<TensorView> tensor_view(std::string_view name) const;

    SafetensorsSet(SafetensorsSet&&) noexcept = default;
    SafetensorsSet& operator=(SafetensorsSet&&) noexcept = default;
    SafetensorsSet(const SafetensorsSet&) = delete;
    SafetensorsSet& operator=(const SafetensorsSet&) = delete;

  private:
    SafetensorsSet() = default;
    static Result<SafetensorsSet> open_index(const std::filesystem::path& index_path);
    static Result<SafetensorsSet> open_single(const std::filesystem::path& file);
    Result<void> add_shard(SafetensorsFile shard);

    std::filesystem::path source_;  // the folder or file the set was opened from, for messages
    std::vector<SafetensorsFile> shards_;
    // name -> (index in shards_, index in that shard's tensors())
    std::map<std::string, std::pair<size_t, size_t>, std::less<>> index_;
};

}  // namespace vela
