// The CPU compute ops of the transformer decoder: matmul over every weight dtype, embedding lookup,
// RMSNorm, rotary embedding, SwiGLU, residual adds, KV-cache writes and causal paged attention, plus
// the quantizers the test-model generator uses.
//
// Each op has a naive scalar reference (kernels/reference/) and optional SIMD versions (kernels/cpu/);
// its dispatcher (kernels/<op>.cpp) checks the arguments once and calls the backend chosen at start-up
// from CPU detection (kernels/backend.h; VELA_KERNELS=reference|avx2|avx512 forces one).
//
// Numerics of matmul (what a logits tolerance against llama.cpp has to budget for):
//  - F32 weights: f32 products, f32 accumulation.
//  - F16 / BF16 weights: each activation is first rounded to F16 / BF16 (llama.cpp's vec_dot_type for
//    these weights), then products and sums are in f32.
//  - Q8_0, Q4_0, Q5_0 weights: each activation row is quantized once per call to 8-bit blocks of 32:
//    d = max|x| / 127 rounded to F16 (as a Q8_0 scale is stored), q = round_half_even(x * 127 / max|x|).
//    Each block's integer dot product with the weight codes is exact, is scaled by d_w * d_x in f32,
//    and the block results are summed in f32 (in SIMD lanes, then across lanes).
//  - Q4_1, Q5_1 weights: as above, plus (max|x| / 127) * sum(q_x), rounded to F16, times the weight
//    block's min.
//  - Q4_K, Q5_K, Q6_K weights: each activation row is quantized to Q8_K blocks of 256:
//    q = round_half_even(x * 127 / max|x|), f32 d = 1 / (127 / max|x|), int16 sums of each 16 codes. Per
//    super-block the integer dot products of each sub-block are multiplied by its 6-bit (Q4_K/Q5_K) or
//    int8 (Q6_K) scale and summed exactly in int32, then scaled by d_w * d_x in f32; the mins use
//    dmin_w * d_x * sum_j m_j * bsum_j (Q6_K's code offset 32 likewise goes through the block sums).
//  Per element the activation error is at most d_x / 2 (+ the F16 rounding of d_x for the 32-blocks),
//  so |y - exact| <= sum_i |w_i| * d_x(i) / 2 plus f32 rounding (~1e-6 relative). These activation
//  blocks are those llama.cpp's x86 build makes (its Q8_K flips the signs of q and d together), so
//  the two differ by summation order only.
//  The reference backend instead dequantizes the weights to f32 and uses the f32 activations in double
//  sums, so it is the more exact of the two; conformance tests bound the difference as above.
//
// Attention: SIMD backends compute q.k in f32 from the cache values (F16 entries converted exactly),
// a max-subtracted softmax with an exp accurate to a few ulp, and an f32 weighted sum of V rows.
// Queries are not rounded to F16 (llama.cpp does round them for an F16 cache), so vela is the more
// exact there.
#pragma once

#include <cstdint>
#include <span>

#include "cache/kv_cache.h"
#include "model/forward_batch.h"
#include "tensor/dtype.h"
#include "tensor/tensor_view.h"

namespace vela {
class ThreadPool;
}  // namespace vela

namespace vela::kernels {

/// How a rotary embedding pairs the dimensions of a head.
enum class RopeStyle {
    Interleaved,  // rotate pairs (2i, 2i+1): GGUF llama/mistral
    Neox,         // rotate pairs (i, i + rot_dim/2): HF layout, GGUF qwen2/qwen3
};

/// Parameters of a rotary embedding.
struct RopeParams {
    std::span<const float> inv_freq;  // rot_dim/2 effective inverse frequencies (llama3 scaling,
                                      // rope_freqs factors and YaRN interpolation already folded in)
    float mscale = 1.0f;              // multiplies cos and sin (YaRN attention factor)
    int32_t rot_dim = 0;              // rotated dimensions per head (<= head_dim; the rest pass through)
    RopeStyle style = RopeStyle::Neox;
};

/// Shape and scaling of an attention layer.
struct AttentionParams {
    int32_t n_heads = 0;         // query heads
    int32_t n_kv_heads = 0;      // key/value heads (n_heads is a multiple of it)
    int32_t head_dim = 0;        // elements per head
    int32_t block_size = 0;      // KV token slots per block (as in the block tables)
    float scale = 1.0f;          // multiplies q.k before the softmax
    int32_t sliding_window = 0;  // 0 = off; else keys with pos_q - pos_k < sliding_window
};

/// y[n, m] = x[n, k] * w^T for a weight `w` of shape {m, k} in any weight dtype; f32 accumulation.
void matmul(ThreadPool& pool, const float* x, int64_t n, const TensorView& w, float* y);

/// out[i, :] = row ids[i] of `table` (shape {n_rows, dim}, any weight dtype) as f32.
void get_rows(const TensorView& table, std::span<const int32_t> ids, float* out);

/// RMSNorm of each row of length dim: y = x / sqrt(mean(x^2) + eps) * weight; y may alias x.
void rms_norm(const float* x, const float* weight, int64_t n_rows, int64_t dim, float eps, float* y);

/// In-place rotary embedding of x[n_tokens][n_heads][head_dim] at positions[n_tokens].
void rope(float* x, int64_t n_tokens, int64_t n_heads, int64_t head_dim, std::span<const int32_t> positions,
          const RopeParams& params);

/// y = silu(gate) * up elementwise over n values; y may alias gate.
void silu_mul(const float* gate, const float* up, int64_t n, float* y);

/// y = a + b elementwise over n values; y may alias a.
void add(const float* a, const float* b, int64_t n, float* y);

/// y[i, :] += bias for each of n_rows rows of length m.
void add_rows(float* y, const float* bias, int64_t n_rows, int64_t m);

/// Writes k, v [n_tokens][n_kv_heads][head_dim] (f32) to `cache` at slot_mapping[i], converting to the
/// cache dtype; a slot < 0 is skipped.
void store_kv(const float* k, const float* v, std::span<const int32_t> slot_mapping, KvLayerView cache);

/// Causal paged attention for `batch`: token t of sequence s at position p attends to s's cached
/// positions [0, p] (this step's K/V already stored) through s.block_table. q and out are
/// [n_tokens][n_heads][head_dim] f32; query head h reads kv head h / (n_heads / n_kv_heads).
/// With an F16 cache the products are F16 x F16 with f32 sums: Q is rounded to F16 before the dot
/// products with K, and the softmax probabilities (normalized in f32) are rounded to F16 before they
/// weight V. That is llama.cpp's arithmetic around its F16 cache, so both engines agree to summation
/// order; an F32 cache keeps everything in f32.
void paged_attention(ThreadPool& pool, const float* q, const ForwardBatch& batch, const KvLayerView& cache,
                     const AttentionParams& params, float* out);

/// Quantizes n floats (a multiple of the block size) to `dtype`: F32 (copy), F16, BF16, Q8_0, Q4_0,
/// Q4_1, Q5_0, Q5_1, Q4_K, Q5_K, Q6_K, Q8_K.
void quantize_row(DType dtype, const float* src, int64_t n, void* dst);

/// Converts n elements of `dtype` (every dtype but I32) at `src` to f32.
void dequantize_row(DType dtype, const void* src, int64_t n, float* dst);

}  // namespace vela::kernels
