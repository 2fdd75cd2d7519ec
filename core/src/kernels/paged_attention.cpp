// paged_attention dispatcher: checks the batch against the cache once (every position is covered by
// its block table and every block lies inside the cache), then runs the active backend.
#include "kernels/backend.h"
#include "vela/core/assert.h"

namespace vela::kernels {

void paged_attention(ThreadPool& pool, const float* q, const ForwardBatch& batch, const KvLayerView& cache,
                     const AttentionParams& params, float* out) {
    VELA_ASSERT(cache.dtype == DType::F16 || cache.dtype == DType::F32,
                "paged_attention: the KV cache must be F16 or F32");
    VELA_ASSERT(params.n_kv_heads > 0 && params.n_heads % params.n_kv_heads == 0,
                "paged_attention: n_heads must be a multiple of n_kv_heads");
    VELA_ASSERT(params.n_kv_heads == cache.n_kv_heads && params.head_dim == cache.head_dim,
                "paged_attention: params disagree with the cache shape");
    VELA_ASSERT(params.block_size > 0 && params.sliding_window >= 0,
                "paged_attention: bad block size or window");
    VELA_ASSERT(batch.positions.size() >= batch.tokens.size(), "paged_attention: one position per token");
    const int64_t n_blocks = cache.n_slots / params.block_size;
    for (const SequenceSlice& seq : batch.seqs) {
        VELA_ASSERT(seq.token_begin >= 0 &&
                        seq.token_begin + seq.n_tokens <= static_cast<int64_t>(batch.positions.size()),
                    "paged_attention: sequence tokens outside the batch");
        for (int32_t t = seq.token_begin; t < seq.token_begin + seq.n_tokens; ++t) {
            const int32_t pos = batch.positions[static_cast<size_t>(t)];
            VELA_ASSERT(pos >= 0 && pos < seq.n_context,
                        "paged_attention: position outside the sequence's context");
            VELA_ASSERT(static_cast<int64_t>(seq.block_table.size()) * params.block_size > pos,
                        "paged_attention: block table too short for a position");
        }
        const auto n_used = static_cast<size_t>((seq.n_context + params.block_size - 1) / params.block_size);
        for (size_t b = 0; b < n_used && b < seq.block_table.size(); ++b) {
            VELA_ASSERT(seq.block_table[b] >= 0 && seq.block_table[b] < n_blocks,
                        "paged_attention: block id outside the cache");
        }
    }
    active_kernels().paged_attention(pool, q, batch, cache, params, out);
}

}  // namespace vela::kernels
