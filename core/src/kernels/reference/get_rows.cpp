#include "kernels/reference/reference.h"

namespace vela::kernels::reference {

void get_rows(const TensorView& table, std::span<const int32_t> ids, float* out) {
    const int64_t dim = table.row_length();
    for (size_t i = 0; i < ids.size(); ++i) {
        dequantize_row(table.dtype(), table.row(ids[i]), dim, out + static_cast<int64_t>(i) * dim);
    }
}

}  // namespace vela::kernels::reference
