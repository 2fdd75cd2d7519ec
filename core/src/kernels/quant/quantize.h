// Activation quantizers of the quantized matmuls (private to kernels/).
//
// Every backend quantizes activations with these same scalar-defined rules, and SIMD versions must
// reproduce them bit for bit (multiply by the f32 reciprocal of d, round half to even), so all backends
// see identical activation blocks and differ only in summation order.
#pragma once

#include <cstdint>

#include "kernels/quant/block_formats.h"

namespace vela::kernels {

/// Quantizes k floats (a multiple of 32) to ActBlockQ8 blocks: q = round_half_even(x * (127 / max|x|)),
/// d = max|x| / 127 rounded to F16 and ds = (max|x| / 127) * sum(q) rounded to F16 (as llama.cpp's
/// Q8_0 and Q8_1 activation blocks store them).
void quantize_act_q8(const float* x, int64_t k, ActBlockQ8* out);

/// Quantizes k floats (a multiple of 256) to Q8_K blocks: q = round_half_even(x * (127 / max|x|)),
/// d = 1 / (127 / max|x|) in f32, bsums = sums of 16. (llama.cpp's Q8_K negates q and d when the
/// extreme element is positive; d * q is the same.)
void quantize_act_q8k(const float* x, int64_t k, BlockQ8_K* out);

}  // namespace vela::kernels
