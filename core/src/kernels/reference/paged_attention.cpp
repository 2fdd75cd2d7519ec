#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/reference/reference.h"
#include "tensor/fp16.h"

namespace vela::kernels::reference {

void paged_attention(ThreadPool& /*pool*/, const float* q, const ForwardBatch& batch,
                     const KvLayerView& cache, const AttentionParams& params, float* out) {
    const int64_t head_dim = params.head_dim;
    const int32_t group = params.n_heads / params.n_kv_heads;
    const int64_t kv_row_bytes = row_bytes(cache.dtype, head_dim);
    std::vector<float> key(static_cast<size_t>(head_dim));
    std::vector<float> value(static_cast<size_t>(head_dim));
    std::vector<double> scores;
    std::vector<double> acc(static_cast<size_t>(head_dim));
    for (const SequenceSlice& seq : batch.seqs) {
        for (int32_t t = seq.token_begin; t < seq.token_begin + seq.n_tokens; ++t) {
            const int32_t pos = batch.positions[static_cast<size_t>(t)];
            const int32_t first =
                params.sliding_window > 0 ? std::max(0, pos - params.sliding_window + 1) : 0;
            for (int32_t h = 0; h < params.n_heads; ++h) {
                const int32_t kv_head = h / group;
                const float* q_raw = q + (int64_t{t} * params.n_heads + h) * head_dim;
                // F16 caches: Q and the probabilities are rounded to F16 (see ops.h).
                const bool f16_cache = cache.dtype == DType::F16;
                std::vector<float> qh(q_raw, q_raw + head_dim);
                if (f16_cache) {
                    for (float& x : qh)
                        x = round_to_fp16(x);
                }
                // The byte offset of position p's row for this kv head, through the block table.
                auto offset = [&](int32_t p) {
                    const int64_t slot =
                        int64_t{seq.block_table[static_cast<size_t>(p / params.block_size)]} *
                            params.block_size +
                        p % params.block_size;
                    return (slot * cache.n_kv_heads + kv_head) * kv_row_bytes;
                };
                scores.assign(static_cast<size_t>(pos - first + 1), 0.0);
                for (int32_t p = first; p <= pos; ++p) {
                    dequantize_row(cache.dtype, cache.k + offset(p), head_dim, key.data());
                    double dot = 0.0;
                    for (int64_t e = 0; e < head_dim; ++e)
                        dot += static_cast<double>(qh[e]) * key[static_cast<size_t>(e)];
                    scores[static_cast<size_t>(p - first)] = dot * params.scale;
                }
                const double max_score = *std::max_element(scores.begin(), scores.end());
                double total = 0.0;
                for (double& s : scores) {
                    s = std::exp(s - max_score);
                    total += s;
                }
                std::fill(acc.begin(), acc.end(), 0.0);
                for (int32_t p = first; p <= pos; ++p) {
                    dequantize_row(cache.dtype, cache.v + offset(p), head_dim, value.data());
                    double w = scores[static_cast<size_t>(p - first)] / total;
                    if (f16_cache) w = round_to_fp16(static_cast<float>(w));
                    for (int64_t e = 0; e < head_dim; ++e)
                        acc[static_cast<size_t>(e)] += w * value[static_cast<size_t>(e)];
                }
                float* oh = out + (int64_t{t} * params.n_heads + h) * head_dim;
                for (int64_t e = 0; e < head_dim; ++e)
                    oh[e] = static_cast<float>(acc[static_cast<size_t>(e)]);
            }
        }
    }
}

}  // namespace vela::kernels::reference
