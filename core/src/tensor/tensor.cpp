#include "tensor/tensor.h"

#include <cstdlib>
#include <new>

namespace vela {

void Tensor::FreeDeleter::operator()(std::byte* p) const {
    std::free(p);
}

Tensor::Tensor(DType dtype, std::span<const int64_t> shape) {
    TensorView probe(dtype, shape, nullptr);
    // Round up so aligned_alloc's size is a multiple of the alignment; never allocate 0 bytes.
    const auto n_bytes = static_cast<size_t>(probe.n_bytes());
    const size_t padded = (n_bytes + 63) / 64 * 64 + 64;
    auto* p = static_cast<std::byte*>(std::aligned_alloc(64, padded));
    if (p == nullptr) throw std::bad_alloc();
    storage_.reset(p);
    view_ = TensorView(dtype, shape, p);
}

}  // namespace vela
