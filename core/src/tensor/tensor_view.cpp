#include "tensor/tensor_view.h"

#include "vela/core/assert.h"

namespace vela {

TensorView::TensorView(DType dtype, std::span<const int64_t> shape, const void* data)
    : dtype_(dtype), rank_(static_cast<int>(shape.size())), data_(static_cast<const std::byte*>(data)) {
    VELA_ASSERT(shape.size() <= kMaxRank, "tensor rank exceeds kMaxRank");
    for (size_t i = 0; i < shape.size(); ++i)
        shape_[i] = shape[i];
}

int64_t TensorView::n_elements() const {
    if (rank_ == 0) return 0;
    int64_t n = 1;
    for (int i = 0; i < rank_; ++i)
        n *= shape_[static_cast<size_t>(i)];
    return n;
}

std::string TensorView::describe() const {
    std::string out(to_string(dtype_));
    out += " [";
    for (int i = 0; i < rank_; ++i) {
        if (i > 0) out += ", ";
        out += std::to_string(shape_[static_cast<size_t>(i)]);
    }
    out += "]";
    return out;
}

}  // namespace vela
