// get_rows dispatcher: checks every id against the table once, then runs the active backend.
#include "kernels/backend.h"
#include "vela/core/assert.h"

namespace vela::kernels {

void get_rows(const TensorView& table, std::span<const int32_t> ids, float* out) {
    VELA_ASSERT(table.rank() == 2, "get_rows: the table must be a matrix {n_rows, dim}");
    VELA_ASSERT(table.dtype() != DType::I32, "get_rows: the table dtype holds no weights");
    for (const int32_t id : ids)
        VELA_ASSERT(id >= 0 && id < table.n_rows(), "get_rows: row id out of range");
    active_kernels().get_rows(table, ids, out);
}

}  // namespace vela::kernels
