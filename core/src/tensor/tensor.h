// Tensor: an owning, 64-byte-aligned, contiguous buffer with a dtype and shape (move-only).
// Used for activations, converted weights and test data; kernels take TensorViews or raw pointers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>

#include "tensor/tensor_view.h"

namespace vela {

/// An owning, aligned tensor buffer.
class Tensor {
  public:
    Tensor() = default;
    /// Allocates an uninitialized tensor of `dtype` and `shape` (outermost first).
    Tensor(DType dtype, std::span<const int64_t> shape);
    /// Allocates an uninitialized tensor of `dtype` and `shape` (outermost first).
    Tensor(DType dtype, std::initializer_list<int64_t> shape)
        : Tensor(dtype, std::span<const int64_t>(shape.begin(), shape.size())) {}
    Tensor(Tensor&&) noexcept = default;
    Tensor& operator=(Tensor&&) noexcept = default;
    Tensor(const Tensor&) = delete;
    Tensor& operator=(const Tensor&) = delete;

    /// A read-only view of the whole tensor.
    const TensorView& view() const { return view_; }
    /// The element type.
    DType dtype() const { return view_.dtype(); }
    /// The shape, outermost first.
    std::span<const int64_t> shape() const { return view_.shape(); }
    /// The bytes of the whole tensor.
    int64_t n_bytes() const { return view_.n_bytes(); }
    /// The total number of elements.
    int64_t n_elements() const { return view_.n_elements(); }
    /// Mutable access to the bytes.
    std::byte* data() { return storage_.get(); }
    /// Mutable access as floats; only valid for F32 tensors.
    float* f32() { return reinterpret_cast<float*>(storage_.get()); }
    /// Read-only access as floats; only valid for F32 tensors.
    const float* f32() const { return reinterpret_cast<const float*>(storage_.get()); }

  private:
    struct FreeDeleter {
        void operator()(std::byte* p) const;
    };
    std::unique_ptr<std::byte[], FreeDeleter> storage_;
    TensorView view_;
};

}  // namespace vela
