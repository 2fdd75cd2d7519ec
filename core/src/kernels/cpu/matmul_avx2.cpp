// AVX2 matmul kernels: per weight dtype, the dot products of one weight row with up to four prepared
// activation rows, plus the vectorized activation preparation. Numerics are those documented in
// kernels/ops.h: quantized weights meet 8-bit activation blocks in exact integer arithmetic (maddubs
// with the sign trick for signed x signed), each block's integer result is scaled in f32 and the
// blocks are summed in f32 lanes; F16/BF16/F32 weights use f32 FMAs on the (rounded) activations.
// The activation quantizers here reproduce quant/quantize.cpp's scalar rules bit for bit.
#include <immintrin.h>

#include "kernels/cpu/cpu_kernels.h"
#include "kernels/cpu/matmul_driver.h"
#include "kernels/cpu/simd_avx2.h"
#include "kernels/quant/block_formats.h"
#include "tensor/fp16.h"

namespace vela::kernels::avx2 {
namespace {

using cpu::kMaxActRows;
using namespace simd;

inline float f16(uint16_t h) {
    return _cvtsh_ss(h);
}

inline __m256i load256(const void* p) {
    return _mm256_loadu_si256(static_cast<const __m256i*>(p));
}

template <class T>
const T* act_row(const std::byte* act, int64_t stride, int r) {
    return reinterpret_cast<const T*>(act + r * stride);
}

// Calls Kernel::run<NR> for the actual number of activation rows.
template <class Kernel>
void row_dot(const std::byte* w, const std::byte* act, int64_t stride, int64_t k, int n_act, float* y,
             int64_t y_stride) {
    switch (n_act) {
        case 1:
            Kernel::template run<1>(w, act, stride, k, y, y_stride);
            break;
        case 2:
            Kernel::template run<2>(w, act, stride, k, y, y_stride);
            break;
        case 3:
            Kernel::template run<3>(w, act, stride, k, y, y_stride);
            break;
        default:
            Kernel::template run<4>(w, act, stride, k, y, y_stride);
            break;
    }
}

// ---- plain float weights: WLoad reads 8 weights as f32 ----

template <class WLoad>
struct DotFloat {
    template <int NR>
    static void run(const std::byte* w, const std::byte* act, int64_t stride, int64_t k, float* y,
                    int64_t ys) {
        const auto* wp = reinterpret_cast<const typename WLoad::Elem*>(w);
        const float* xr[NR];
        __m256 acc0[NR];
        __m256 acc1[NR];
        for (int r = 0; r < NR; ++r) {
            xr[r] = act_row<float>(act, stride, r);
            acc0[r] = _mm256_setzero_ps();
            acc1[r] = _mm256_setzero_ps();
        }
        int64_t e = 0;
        for (; e + 16 <= k; e += 16) {
            const __m256 w0 = WLoad::load(wp + e);
            const __m256 w1 = WLoad::load(wp + e + 8);
            for (int r = 0; r < NR; ++r) {
                acc0[r] = _mm256_fmadd_ps(w0, _mm256_loadu_ps(xr[r] + e), acc0[r]);
                acc1[r] = _mm256_fmadd_ps(w1, _mm256_loadu_ps(xr[r] + e + 8), acc1[r]);
            }
        }
        for (; e + 8 <= k; e += 8) {
            const __m256 w0 = WLoad::load(wp + e);
            for (int r = 0; r < NR; ++r)
                acc0[r] = _mm256_fmadd_ps(w0, _mm256_loadu_ps(xr[r] + e), acc0[r]);
        }
        for (int r = 0; r < NR; ++r) {
            float sum = hsum(_mm256_add_ps(acc0[r], acc1[r]));
            for (int64_t t = e; t < k; ++t)
                sum += WLoad::scalar(wp[t]) * xr[r][t];
            y[r * ys] = sum;
        }
    }
};

struct LoadF32 {
    using Elem = float;
    static __m256 load(const float* p) { return _mm256_loadu_ps(p); }
    static float scalar(float v) { return v; }
};
struct LoadF16 {
    using Elem = uint16_t;
    static __m256 load(const uint16_t* p) { return load_f16(p); }
    static float scalar(uint16_t v) { return f16(v); }
};
struct LoadBF16 {
    using Elem = uint16_t;
    static __m256 load(const uint16_t* p) { return load_bf16(p); }
    static float scalar(uint16_t v) { return bf16_to_fp32(v); }
};

// ---- 32-element formats against ActBlockQ8 ----

// Shared loop: Decode(block) gives the weight codes (signed when kSigned, else unsigned) and its
// scale; formats with a min also add m * ds per block.
template <class Format>
struct DotQ32 {
    template <int NR>
    static void run(const std::byte* w, const std::byte* act, int64_t stride, int64_t k, float* y,
                    int64_t ys) {
        const auto* wb = reinterpret_cast<const typename Format::Block*>(w);
        const ActBlockQ8* xb[NR];
        __m256 acc[NR];
        float acc_min[NR];
        for (int r = 0; r < NR; ++r) {
            xb[r] = act_row<ActBlockQ8>(act, stride, r);
            acc[r] = _mm256_setzero_ps();
            acc_min[r] = 0.0f;
        }
        const int64_t nb = k / kQk32;
        for (int64_t b = 0; b < nb; ++b) {
            const __m256i q = Format::codes(wb[b]);
            const float dw = f16(wb[b].d);
            if constexpr (Format::kSigned) {
                const __m256i q_abs = _mm256_sign_epi8(q, q);
                for (int r = 0; r < NR; ++r) {
                    const __m256i p = dot_u8_i8(q_abs, _mm256_sign_epi8(load256(xb[r][b].qs), q));
                    acc[r] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p), _mm256_set1_ps(dw * xb[r][b].d), acc[r]);
                }
            } else {
                const float mw = f16(wb[b].m);
                for (int r = 0; r < NR; ++r) {
                    const __m256i p = dot_u8_i8(q, load256(xb[r][b].qs));
                    acc[r] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p), _mm256_set1_ps(dw * xb[r][b].d), acc[r]);
                    acc_min[r] += mw * xb[r][b].ds;
                }
            }
        }
        for (int r = 0; r < NR; ++r)
            y[r * ys] = hsum(acc[r]) + acc_min[r];
    }
};

struct FormatQ8_0 {
    using Block = BlockQ8_0;
    static constexpr bool kSigned = true;
    static __m256i codes(const Block& b) { return load256(b.qs); }
};
struct FormatQ4_0 {
    using Block = BlockQ4_0;
    static constexpr bool kSigned = true;
    static __m256i codes(const Block& b) {
        return _mm256_sub_epi8(unpack_nibbles(b.qs), _mm256_set1_epi8(8));
    }
};
struct FormatQ4_1 {
    using Block = BlockQ4_1;
    static constexpr bool kSigned = false;
    static __m256i codes(const Block& b) { return unpack_nibbles(b.qs); }
};
struct FormatQ5_0 {
    using Block = BlockQ5_0;
    static constexpr bool kSigned = true;
    static __m256i codes(const Block& b) {
        const __m256i q = _mm256_or_si256(unpack_nibbles(b.qs), bits_to_bytes_0x10(b.qh));
        return _mm256_sub_epi8(q, _mm256_set1_epi8(16));
    }
};
struct FormatQ5_1 {
    using Block = BlockQ5_1;
    static constexpr bool kSigned = false;
    static __m256i codes(const Block& b) {
        return _mm256_or_si256(unpack_nibbles(b.qs), bits_to_bytes_0x10(b.qh));
    }
};

// ---- K formats against Q8_K ----

// Q4_K and Q5_K: sum_j sc_j * dot(q_j, x_j) scaled by d, minus dmin * sum_j m_j * bsum_j.
template <bool kHighBit>
struct DotQ45K {
    using Block = std::conditional_t<kHighBit, BlockQ5_K, BlockQ4_K>;
    template <int NR>
    static void run(const std::byte* w, const std::byte* act, int64_t stride, int64_t k, float* y,
                    int64_t ys) {
        const auto* wb = reinterpret_cast<const Block*>(w);
        const BlockQ8_K* xb[NR];
        __m256 acc[NR];
        float acc_min[NR];
        for (int r = 0; r < NR; ++r) {
            xb[r] = act_row<BlockQ8_K>(act, stride, r);
            acc[r] = _mm256_setzero_ps();
            acc_min[r] = 0.0f;
        }
        const __m256i low4 = _mm256_set1_epi8(0x0f);
        const int64_t nb = k / kQkK;
        for (int64_t b = 0; b < nb; ++b) {
            const Block& blk = wb[b];
            int sc[8];
            int mn[8];
            for (int j = 0; j < 8; ++j)
                unpack_k_scale_min(blk.scales, j, sc[j], mn[j]);
            __m256i sumi[NR];
            for (int r = 0; r < NR; ++r)
                sumi[r] = _mm256_setzero_si256();
            __m256i qh;
            if constexpr (kHighBit) qh = load256(blk.qh);
            for (int c = 0; c < 4; ++c) {
                const __m256i packed = load256(blk.qs + 32 * c);
                __m256i lo = _mm256_and_si256(packed, low4);
                __m256i hi = _mm256_and_si256(_mm256_srli_epi16(packed, 4), low4);
                if constexpr (kHighBit) {
                    const __m256i one = _mm256_set1_epi8(1);
                    lo = _mm256_or_si256(
                        lo, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2 * c), one), 4));
                    hi = _mm256_or_si256(
                        hi, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2 * c + 1), one), 4));
                }
                const __m256i sc_lo = _mm256_set1_epi16(static_cast<int16_t>(sc[2 * c]));
                const __m256i sc_hi = _mm256_set1_epi16(static_cast<int16_t>(sc[2 * c + 1]));
                for (int r = 0; r < NR; ++r) {
                    const __m256i pl =
                        _mm256_madd_epi16(_mm256_maddubs_epi16(lo, load256(xb[r][b].qs + 64 * c)), sc_lo);
                    const __m256i ph = _mm256_madd_epi16(
                        _mm256_maddubs_epi16(hi, load256(xb[r][b].qs + 64 * c + 32)), sc_hi);
                    sumi[r] = _mm256_add_epi32(sumi[r], _mm256_add_epi32(pl, ph));
                }
            }
            const float d = f16(blk.d);
            const float dmin = f16(blk.dmin);
            for (int r = 0; r < NR; ++r) {
                const BlockQ8_K& x = xb[r][b];
                int mins = 0;
                for (int j = 0; j < 8; ++j)
                    mins += mn[j] * (x.bsums[2 * j] + x.bsums[2 * j + 1]);
                acc[r] = _mm256_fmadd_ps(_mm256_set1_ps(d * x.d), _mm256_cvtepi32_ps(sumi[r]), acc[r]);
                acc_min[r] += dmin * x.d * static_cast<float>(mins);
            }
        }
        for (int r = 0; r < NR; ++r)
            y[r * ys] = hsum(acc[r]) - acc_min[r];
    }
};

// Q6_K: d * sum_j sc_j * (dot(q_j, x_j) - 32 * bsum_j) with unsigned 6-bit codes q_j.
struct DotQ6K {
    template <int NR>
    static void run(const std::byte* w, const std::byte* act, int64_t stride, int64_t k, float* y,
                    int64_t ys) {
        const auto* wb = reinterpret_cast<const BlockQ6_K*>(w);
        const BlockQ8_K* xb[NR];
        __m256 acc[NR];
        for (int r = 0; r < NR; ++r) {
            xb[r] = act_row<BlockQ8_K>(act, stride, r);
            acc[r] = _mm256_setzero_ps();
        }
        const __m256i low4 = _mm256_set1_epi8(0x0f);
        const __m256i low2 = _mm256_set1_epi8(0x03);
        const int64_t nb = k / kQkK;
        for (int64_t b = 0; b < nb; ++b) {
            const BlockQ6_K& blk = wb[b];
            const __m256i scales16 =
                _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(blk.scales)));
            __m256i sumi[NR];
            for (int r = 0; r < NR; ++r) {
                // The -32 offset of every code: 32 * sum_j sc_j * bsum_j.
                const __m256i bsums = load256(xb[r][b].bsums);
                sumi[r] = _mm256_sub_epi32(_mm256_setzero_si256(),
                                           _mm256_slli_epi32(_mm256_madd_epi16(bsums, scales16), 5));
            }
            for (int h = 0; h < 2; ++h) {
                const __m256i ql0 = load256(blk.ql + 64 * h);
                const __m256i ql1 = load256(blk.ql + 64 * h + 32);
                const __m256i qh = load256(blk.qh + 32 * h);
                const __m256i q[4] = {
                    _mm256_or_si256(_mm256_and_si256(ql0, low4),
                                    _mm256_slli_epi16(_mm256_and_si256(qh, low2), 4)),
                    _mm256_or_si256(_mm256_and_si256(ql1, low4),
                                    _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2), low2), 4)),
                    _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql0, 4), low4),
                                    _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 4), low2), 4)),
                    _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql1, 4), low4),
                                    _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 6), low2), 4)),
                };
                for (int t = 0; t < 4; ++t) {
                    const int j = 8 * h + 2 * t;  // sub-block of the first 16 codes of q[t]
                    const __m256i sc =
                        _mm256_set_m128i(_mm_set1_epi16(blk.scales[j + 1]), _mm_set1_epi16(blk.scales[j]));
                    for (int r = 0; r < NR; ++r) {
                        const __m256i p = _mm256_maddubs_epi16(q[t], load256(xb[r][b].qs + 128 * h + 32 * t));
                        sumi[r] = _mm256_add_epi32(sumi[r], _mm256_madd_epi16(p, sc));
                    }
                }
            }
            const float d = f16(blk.d);
            for (int r = 0; r < NR; ++r) {
                acc[r] = _mm256_fmadd_ps(_mm256_set1_ps(d * xb[r][b].d), _mm256_cvtepi32_ps(sumi[r]), acc[r]);
            }
        }
        for (int r = 0; r < NR; ++r)
            y[r * ys] = hsum(acc[r]);
    }
};

// ---- activation preparation ----

void prep_f16(const float* x, int64_t k, std::byte* out) {
    auto* o = reinterpret_cast<float*>(out);
    int64_t e = 0;
    for (; e + 8 <= k; e += 8) {
        const __m128i h = _mm256_cvtps_ph(_mm256_loadu_ps(x + e), _MM_FROUND_TO_NEAREST_INT);
        _mm256_storeu_ps(o + e, _mm256_cvtph_ps(h));
    }
    for (; e < k; ++e)
        o[e] = round_to_fp16(x[e]);
}

void prep_bf16(const float* x, int64_t k, std::byte* out) {
    auto* o = reinterpret_cast<float*>(out);
    for (int64_t e = 0; e < k; ++e)
        o[e] = round_to_bf16(x[e]);
}

// The largest |x| over n (a multiple of 8) floats.
float abs_max(const float* x, int64_t n) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    __m256 m = _mm256_setzero_ps();
    for (int64_t e = 0; e < n; e += 8)
        m = _mm256_max_ps(m, _mm256_andnot_ps(sign, _mm256_loadu_ps(x + e)));
    __m128 s = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
    s = _mm_max_ps(s, _mm_movehl_ps(s, s));
    s = _mm_max_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

// Stores the 32 int8 codes round_half_even(x * id) at q; sets the 8-lane int32 partial sums of codes
// 0..15 and 16..31.
void quantize32(const float* x, float id, int8_t* q, __m256i& sum_lo, __m256i& sum_hi) {
    const __m256 scale = _mm256_set1_ps(id);
    __m256i v[4];
    for (int i = 0; i < 4; ++i) {
        const __m256 p = _mm256_round_ps(_mm256_mul_ps(_mm256_loadu_ps(x + 8 * i), scale),
                                         _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        v[i] = _mm256_cvtps_epi32(p);
    }
    // The packs work within 128-bit lanes; the permute restores element order.
    const __m256i w01 = _mm256_packs_epi32(v[0], v[1]);
    const __m256i w23 = _mm256_packs_epi32(v[2], v[3]);
    const __m256i b = _mm256_packs_epi16(w01, w23);
    const __m256i ordered = _mm256_permutevar8x32_epi32(b, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(q), ordered);
    sum_lo = _mm256_add_epi32(v[0], v[1]);
    sum_hi = _mm256_add_epi32(v[2], v[3]);
}

void prep_q8(const float* x, int64_t k, std::byte* out) {
    auto* blocks = reinterpret_cast<ActBlockQ8*>(out);
    for (int64_t b = 0; b < k / kQk32; ++b, x += kQk32) {
        const float amax = abs_max(x, kQk32);
        const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
        __m256i sum_lo;
        __m256i sum_hi;
        quantize32(x, id, blocks[b].qs, sum_lo, sum_hi);
        const float d = amax / 127.0f;
        const auto sum = static_cast<float>(hsum_i32(_mm256_add_epi32(sum_lo, sum_hi)));
        blocks[b].d = _cvtsh_ss(_cvtss_sh(d, _MM_FROUND_TO_NEAREST_INT));
        blocks[b].ds = _cvtsh_ss(_cvtss_sh(d * sum, _MM_FROUND_TO_NEAREST_INT));
    }
}

void prep_q8k(const float* x, int64_t k, std::byte* out) {
    auto* blocks = reinterpret_cast<BlockQ8_K*>(out);
    for (int64_t b = 0; b < k / kQkK; ++b, x += kQkK) {
        const float amax = abs_max(x, kQkK);
        const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
        for (int c = 0; c < kQkK / 32; ++c) {
            __m256i sum_lo;
            __m256i sum_hi;
            quantize32(x + 32 * c, id, blocks[b].qs + 32 * c, sum_lo, sum_hi);
            blocks[b].bsums[2 * c] = static_cast<int16_t>(hsum_i32(sum_lo));
            blocks[b].bsums[2 * c + 1] = static_cast<int16_t>(hsum_i32(sum_hi));
        }
        blocks[b].d = amax != 0.0f ? 1.0f / id : 0.0f;
    }
}

const cpu::MatmulBackend kBackend = {
    {{
        {cpu::ActFormat::F32, row_dot<DotFloat<LoadF32>>},
        {cpu::ActFormat::F16, row_dot<DotFloat<LoadF16>>},
        {cpu::ActFormat::BF16, row_dot<DotFloat<LoadBF16>>},
        {cpu::ActFormat::Q8, row_dot<DotQ32<FormatQ8_0>>},
        {cpu::ActFormat::Q8, row_dot<DotQ32<FormatQ4_0>>},
        {cpu::ActFormat::Q8, row_dot<DotQ32<FormatQ4_1>>},
        {cpu::ActFormat::Q8, row_dot<DotQ32<FormatQ5_0>>},
        {cpu::ActFormat::Q8, row_dot<DotQ32<FormatQ5_1>>},
        {cpu::ActFormat::Q8K, row_dot<DotQ45K<false>>},
        {cpu::ActFormat::Q8K, row_dot<DotQ45K<true>>},
        {cpu::ActFormat::Q8K, row_dot<DotQ6K>},
        {cpu::ActFormat::F32, nullptr},  // Q8_K: activations only
        {cpu::ActFormat::F32, nullptr},  // I32
    }},
    {nullptr, prep_f16, prep_bf16, prep_q8, prep_q8k, nullptr},
};

}  // namespace

const cpu::MatmulBackend& matmul_backend() {
    return kBackend;
}

void matmul(ThreadPool& pool, const float* x, int64_t n, const TensorView& w, float* y) {
    cpu::run_matmul(kBackend, pool, x, n, w, y);
}

}  // namespace vela::kernels::avx2
