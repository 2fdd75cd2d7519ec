#include <vector>

#include "kernels/reference/reference.h"

namespace vela::kernels::reference {

void matmul(ThreadPool& /*pool*/, const float* x, int64_t n, const TensorView& w, float* y) {
    const int64_t m = w.n_rows();
    const int64_t k = w.row_length();
    std::vector<float> row(static_cast<size_t>(k));
    for (int64_t j = 0; j < m; ++j) {
        dequantize_row(w.dtype(), w.row(j), k, row.data());
        for (int64_t i = 0; i < n; ++i) {
            const float* xi = x + i * k;
            double sum = 0.0;
            for (int64_t e = 0; e < k; ++e)
                sum += static_cast<double>(xi[e]) * row[static_cast<size_t>(e)];
            y[i * m + j] = static_cast<float>(sum);
        }
    }
}

}  // namespace vela::kernels::reference
