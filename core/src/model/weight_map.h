// WeightMap: canonical tensor name -> read-only view, the meeting point of the GGUF and safetensors
// loaders. Views usually point into file maps that the map keeps alive; tensors made at load time
// (converted small vectors, in-situ quantized matrices) are owned by the map itself.
#pragma once

#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tensor/tensor.h"
#include "tensor/tensor_view.h"
#include "vela/core/error.h"

namespace vela {

/// Named weights of one model, independent of the file format they came from.
class WeightMap {
  public:
    /// An empty map whose errors name `source` (a file or folder path).
    explicit WeightMap(std::string source) : source_(std::move(source)) {}

    /// Adds a view of memory that a holder passed to keep_alive() owns.
    void add(std::string name, TensorView view);
    /// Adds (or replaces) a tensor the map owns.
    void add_owned(std::string name, Tensor tensor);
    /// Keeps `holder` (e.g. a file map) alive as long as the map.
    void keep_alive(std::shared_ptr<const void> holder) { holders_.push_back(std::move(holder)); }

    /// The tensor `name`, or nullptr.
    const TensorView* find(std::string_view name) const;
    /// The tensor `name` with exactly `shape`; NotFound or Corrupt errors name the source and tensor.
    Result<TensorView> require(std::string_view name, std::initializer_list<int64_t> shape) const;
    /// Like require(), but a missing tensor is nullopt instead of an error.
    Result<std::optional<TensorView>> optional(std::string_view name,
                                               std::initializer_list<int64_t> shape) const;
    /// Every tensor name, sorted.
    std::vector<std::string> names() const;
    /// The file or folder the weights came from.
    const std::string& source() const { return source_; }

  private:
    std::string source_;
    std::map<std::string, TensorView, std::less<>> views_;
    std::map<std::string, Tensor, std::less<>> owned_;
    std::vector<std::shared_ptr<const void>> holders_;
};

}  // namespace vela
