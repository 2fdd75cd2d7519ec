// TensorView: a non-owning, read-only view of a contiguous tensor (weights in a file map, or a Tensor).
//
// Shapes are in row-major order, outermost first, as PyTorch and safetensors write them: a weight
// matrix with `out` rows of `in` elements has shape {out, in}. (GGUF lists dimensions innermost first;
// the GGUF reader reverses them.) Rows are contiguous and quantized rows are whole blocks.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>

#include "tensor/dtype.h"

namespace vela {

/// The largest rank a tensor may have.
inline constexpr int kMaxRank = 4;

/// A read-only view of contiguous tensor data that someone else owns.
class TensorView {
  public:
    TensorView() = default;
    /// Views `data` as a tensor of `dtype` and `shape` (outermost first).
    TensorView(DType dtype, std::span<const int64_t> shape, const void* data);
    /// Views `data` as a tensor of `dtype` and `shape` (outermost first).
    TensorView(DType dtype, std::initializer_list<int64_t> shape, const void* data)
        : TensorView(dtype, std::span<const int64_t>(shape.begin(), shape.size()), data) {}

    /// The element type.
    DType dtype() const { return dtype_; }
    /// The number of dimensions (0 for an empty view).
    int rank() const { return rank_; }
    /// The size of dimension `i` (0 = outermost).
    int64_t dim(int i) const { return shape_[static_cast<size_t>(i)]; }
    /// The shape, outermost first.
    std::span<const int64_t> shape() const { return {shape_.data(), static_cast<size_t>(rank_)}; }
    /// The total number of elements.
    int64_t n_elements() const;
    /// The length of one row (the innermost dimension).
    int64_t row_length() const { return rank_ == 0 ? 0 : shape_[static_cast<size_t>(rank_ - 1)]; }
    /// The number of rows (the product of all dimensions but the innermost).
    int64_t n_rows() const { return row_length() == 0 ? 0 : n_elements() / row_length(); }
    /// The bytes of one row.
    int64_t row_bytes() const { return vela::row_bytes(dtype_, row_length()); }
    /// The bytes of the whole tensor.
    int64_t n_bytes() const { return n_rows() * row_bytes(); }
    /// The first byte of the data.
    const std::byte* data() const { return data_; }
    /// The first byte of row `i`.
    const std::byte* row(int64_t i) const { return data_ + i * row_bytes(); }
    /// The data as floats; only valid for F32 views.
    const float* f32() const { return reinterpret_cast<const float*>(data_); }
    /// "q8_0 [896, 4864]", for messages.
    std::string describe() const;

  private:
    DType dtype_ = DType::F32;
    int rank_ = 0;
    std::array<int64_t, kMaxRank> shape_{};
    const std::byte* data_ = nullptr;
};

}  // namespace vela
