// AVX-512 matmul kernels (F, BW, VL, DQ, VNNI) for the formats that dominate real models: Q8_0, Q4_0,
// Q4_1, Q5_0, Q5_1 (two 32-element blocks per 512-bit step, vpdpbusd with the sign moved onto the
// activations, which are laid out so a step loads its codes and scales with one load each), Q4_K and Q5_K (64
// codes per step, maddubs then vpdpwssd with the sub-block scales), Q6_K (as Q4_K, with the sub-block scales
// gathered by vpermw) and F16/BF16/F32 (16 lanes). The other activation preparers are the AVX2 ones; all
// produce the values of quant/quantize.cpp's rules, so both backends see identical activation blocks and
// differ only in summation order (numerics as documented in kernels/ops.h). GCC 12's AVX-512 headers define
// their "undefined" vectors as self-initialized variables, which -Wuninitialized reports inside every
// intrinsic that uses one (GCC bug 105593, fixed in GCC 13). The warnings point into the header, so silencing
// them while it is read is enough.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop

#include <cstring>
#include <type_traits>

#include "kernels/cpu/cpu_kernels.h"
#include "kernels/cpu/matmul_driver.h"
#include "kernels/cpu/simd_avx2.h"
#include "kernels/quant/block_formats.h"
#include "tensor/fp16.h"

namespace vela::kernels::avx512 {
namespace {

inline float f16(uint16_t h) {
    return _cvtsh_ss(h);
}

inline __m256i load256(const void* p) {
    return _mm256_loadu_si256(static_cast<const __m256i*>(p));
}
inline __m512i load512(const void* p) {
    return _mm512_loadu_si512(p);
}
inline __m512i join(__m256i lo, __m256i hi) {
    return _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1);
}

inline float hsum(__m512 v) {
    return _mm512_reduce_add_ps(v);
}

template <class T>
const T* act_row(const std::byte* act, int64_t stride, int r) {
    return reinterpret_cast<const T*>(act + r * stride);
}

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

// ---- plain float weights ----

template <class WLoad>
struct DotFloat {
    template <int NR>
    static void run(const std::byte* w, const std::byte* act, int64_t stride, int64_t k, float* y,
                    int64_t ys) {
        const auto* wp = reinterpret_cast<const typename WLoad::Elem*>(w);
        const float* xr[NR];
        __m512 acc[NR];
        for (int r = 0; r < NR; ++r) {
            xr[r] = act_row<float>(act, stride, r);
            acc[r] = _mm512_setzero_ps();
        }
        int64_t e = 0;
        for (; e + 16 <= k; e += 16) {
            const __m512 wv = WLoad::load(wp + e);
            for (int r = 0; r < NR; ++r)
                acc[r] = _mm512_fmadd_ps(wv, _mm512_loadu_ps(xr[r] + e), acc[r]);
        }
        for (int r = 0; r < NR; ++r) {
            float sum = hsum(acc[r]);
            for (int64_t t = e; t < k; ++t)
                sum += WLoad::scalar(wp[t]) * xr[r][t];
            y[r * ys] = sum;
        }
    }
};

struct LoadF32 {
    using Elem = float;
    static __m512 load(const float* p) { return _mm512_loadu_ps(p); }
    static float scalar(float v) { return v; }
};
struct LoadF16 {
    using Elem = uint16_t;
    static __m512 load(const uint16_t* p) { return _mm512_cvtph_ps(load256(p)); }
    static float scalar(uint16_t v) { return f16(v); }
};
struct LoadBF16 {
    using Elem = uint16_t;
    static __m512 load(const uint16_t* p) {
        return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(load256(p)), 16));
    }
    static float scalar(uint16_t v) { return bf16_to_fp32(v); }
};

// ---- 32-element formats, two blocks per step ----

// The codes of blocks a and b: [a's low nibbles, a's high nibbles, b's low, b's high].
inline __m512i nibbles2(const uint8_t* a, const uint8_t* b) {
    const __m256i packed = _mm256_set_m128i(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b)),
                                            _mm_loadu_si128(reinterpret_cast<const __m128i*>(a)));
    const __m512i t = _mm512_castsi256_si512(packed);
    const __m512i dup = _mm512_shuffle_i64x2(t, t, _MM_SHUFFLE(1, 1, 0, 0));
    const __m512i shifted = _mm512_mask_srli_epi16(dup, 0xff00ff00u, dup, 4);
    return _mm512_and_si512(shifted, _mm512_set1_epi8(0x0f));
}

// 0x10 in byte i where bit i of (qh of a, qh of b) is set.
inline __m512i high_bits2(const uint8_t* a, const uint8_t* b) {
    uint32_t ha = 0;
    uint32_t hb = 0;
    std::memcpy(&ha, a, 4);
    std::memcpy(&hb, b, 4);
    const __mmask64 mask = static_cast<__mmask64>(ha) | (static_cast<__mmask64>(hb) << 32);
    return _mm512_maskz_mov_epi8(mask, _mm512_set1_epi8(0x10));
}

// Activations in the Q8Pairs layout (matmul_driver.h); same values as the AVX2 prep_q8 and
// quant/quantize.cpp's quantize_act_q8, bit for bit.
void prep_q8_pairs(const float* x, int64_t k, std::byte* out) {
    const int64_t nb = k / kQk32;
    auto* qs = reinterpret_cast<int8_t*>(out);
    auto* pairs = reinterpret_cast<float*>(out + k);
    auto* ds = pairs + (nb + 1) / 2 * 16;
    for (int64_t b = 0; b < nb; ++b, x += kQk32) {
        const __m512 v0 = _mm512_loadu_ps(x);
        const __m512 v1 = _mm512_loadu_ps(x + 16);
        const float amax = _mm512_reduce_max_ps(_mm512_max_ps(_mm512_abs_ps(v0), _mm512_abs_ps(v1)));
        const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
        const __m512 scale = _mm512_set1_ps(id);
        const int rounding = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;
        const __m512i q0 = _mm512_cvtps_epi32(_mm512_roundscale_ps(_mm512_mul_ps(v0, scale), rounding));
        const __m512i q1 = _mm512_cvtps_epi32(_mm512_roundscale_ps(_mm512_mul_ps(v1, scale), rounding));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(qs + kQk32 * b), _mm512_cvtepi32_epi8(q0));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(qs + kQk32 * b + 16), _mm512_cvtepi32_epi8(q1));
        const auto sum = static_cast<float>(_mm512_reduce_add_epi32(_mm512_add_epi32(q0, q1)));
        const float d = amax / 127.0f;
        const float d_rounded = _cvtsh_ss(_cvtss_sh(d, _MM_FROUND_TO_NEAREST_INT));
        ds[b] = _cvtsh_ss(_cvtss_sh(d * sum, _MM_FROUND_TO_NEAREST_INT));
        _mm256_storeu_ps(pairs + 8 * b, _mm256_set1_ps(d_rounded));
    }
    if (nb % 2 == 1) _mm256_storeu_ps(pairs + 8 * nb, _mm256_setzero_ps());
}

// Two blocks per step against Q8Pairs activations: one 64-byte load of codes and one of the pair's
// scales per activation row. A missing second block (odd block count) repeats the first, whose
// products then meet a zero activation scale.
template <class Format>
struct DotQ32 {
    template <int NR>
    static void run(const std::byte* w, const std::byte* act, int64_t stride, int64_t k, float* y,
                    int64_t ys) {
        const auto* wb = reinterpret_cast<const typename Format::Block*>(w);
        const int64_t nb = k / kQk32;
        const int8_t* xq[NR];
        const float* xpairs[NR];
        const float* xds[NR];
        __m512 acc[NR];
        float acc_min[NR];
        for (int r = 0; r < NR; ++r) {
            const std::byte* row = act + r * stride;
            xq[r] = reinterpret_cast<const int8_t*>(row);
            xpairs[r] = reinterpret_cast<const float*>(row + k);
            xds[r] = xpairs[r] + (nb + 1) / 2 * 16;
            acc[r] = _mm512_setzero_ps();
            acc_min[r] = 0.0f;
        }
        for (int64_t b = 0; b < nb; b += 2) {
            const bool has_second = b + 1 < nb;
            const typename Format::Block& second = wb[has_second ? b + 1 : b];
            const __m512i q = Format::codes(wb[b], second);
            const __m512 dw =
                _mm512_insertf32x8(_mm512_set1_ps(f16(wb[b].d)), _mm256_set1_ps(f16(second.d)), 1);
            if constexpr (Format::kSigned) {
                const __m512i q_abs = _mm512_abs_epi8(q);
                const __mmask64 negative = _mm512_movepi8_mask(q);
                for (int r = 0; r < NR; ++r) {
                    const __m512i x = load512(xq[r] + kQk32 * b);
                    const __m512i x_signed = _mm512_mask_sub_epi8(x, negative, _mm512_setzero_si512(), x);
                    const __m512i p = _mm512_dpbusd_epi32(_mm512_setzero_si512(), q_abs, x_signed);
                    const __m512 scale = _mm512_mul_ps(dw, _mm512_loadu_ps(xpairs[r] + 8 * b));
                    acc[r] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(p), scale, acc[r]);
                }
            } else {
                const float m0 = f16(wb[b].m);
                const float m1 = has_second ? f16(second.m) : 0.0f;
                for (int r = 0; r < NR; ++r) {
                    const __m512i p =
                        _mm512_dpbusd_epi32(_mm512_setzero_si512(), q, load512(xq[r] + kQk32 * b));
                    const __m512 scale = _mm512_mul_ps(dw, _mm512_loadu_ps(xpairs[r] + 8 * b));
                    acc[r] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(p), scale, acc[r]);
                    acc_min[r] += m0 * xds[r][b] + (has_second ? m1 * xds[r][b + 1] : 0.0f);
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
    static __m512i codes(const Block& a, const Block& b) { return join(load256(a.qs), load256(b.qs)); }
};
struct FormatQ4_0 {
    using Block = BlockQ4_0;
    static constexpr bool kSigned = true;
    static __m512i codes(const Block& a, const Block& b) {
        return _mm512_sub_epi8(nibbles2(a.qs, b.qs), _mm512_set1_epi8(8));
    }
};
struct FormatQ4_1 {
    using Block = BlockQ4_1;
    static constexpr bool kSigned = false;
    static __m512i codes(const Block& a, const Block& b) { return nibbles2(a.qs, b.qs); }
};
struct FormatQ5_0 {
    using Block = BlockQ5_0;
    static constexpr bool kSigned = true;
    static __m512i codes(const Block& a, const Block& b) {
        const __m512i q = _mm512_or_si512(nibbles2(a.qs, b.qs), high_bits2(a.qh, b.qh));
        return _mm512_sub_epi8(q, _mm512_set1_epi8(16));
    }
};
struct FormatQ5_1 {
    using Block = BlockQ5_1;
    static constexpr bool kSigned = false;
    static __m512i codes(const Block& a, const Block& b) {
        return _mm512_or_si512(nibbles2(a.qs, b.qs), high_bits2(a.qh, b.qh));
    }
};

// ---- K formats ----

// 32 int16 lanes: the first 16 hold lo, the rest hi.
inline __m512i split_epi16(int lo, int hi) {
    return join(_mm256_set1_epi16(static_cast<int16_t>(lo)), _mm256_set1_epi16(static_cast<int16_t>(hi)));
}

template <bool kHighBit>
struct DotQ45K {
    using Block = std::conditional_t<kHighBit, BlockQ5_K, BlockQ4_K>;
    template <int NR>
    static void run(const std::byte* w, const std::byte* act, int64_t stride, int64_t k, float* y,
                    int64_t ys) {
        const auto* wb = reinterpret_cast<const Block*>(w);
        const BlockQ8_K* xb[NR];
        __m512 acc[NR];
        float acc_min[NR];
        for (int r = 0; r < NR; ++r) {
            xb[r] = act_row<BlockQ8_K>(act, stride, r);
            acc[r] = _mm512_setzero_ps();
            acc_min[r] = 0.0f;
        }
        const __m512i low4 = _mm512_set1_epi8(0x0f);
        const int64_t nb = k / kQkK;
        for (int64_t b = 0; b < nb; ++b) {
            const Block& blk = wb[b];
            int sc[8];
            int mn[8];
            for (int j = 0; j < 8; ++j)
                unpack_k_scale_min(blk.scales, j, sc[j], mn[j]);
            __m512i sumi[NR];
            for (int r = 0; r < NR; ++r)
                sumi[r] = _mm512_setzero_si512();
            __m512i qh;
            if constexpr (kHighBit) qh = _mm512_broadcast_i64x4(load256(blk.qh));
            for (int c = 0; c < 4; ++c) {
                const __m256i packed = load256(blk.qs + 32 * c);
                __m512i q = _mm512_and_si512(join(packed, _mm256_srli_epi16(packed, 4)), low4);
                if constexpr (kHighBit) {
                    // Sub-block 2c takes bit 2c of qh, sub-block 2c + 1 bit 2c + 1.
                    const __m512i bit = join(_mm256_set1_epi8(static_cast<char>(1 << (2 * c))),
                                             _mm256_set1_epi8(static_cast<char>(1 << (2 * c + 1))));
                    q = _mm512_mask_add_epi8(q, _mm512_test_epi8_mask(qh, bit), q, _mm512_set1_epi8(16));
                }
                const __m512i scales = split_epi16(sc[2 * c], sc[2 * c + 1]);
                for (int r = 0; r < NR; ++r) {
                    const __m512i p = _mm512_maddubs_epi16(q, load512(xb[r][b].qs + 64 * c));
                    sumi[r] = _mm512_dpwssd_epi32(sumi[r], p, scales);
                }
            }
            const float d = f16(blk.d);
            const float dmin = f16(blk.dmin);
            for (int r = 0; r < NR; ++r) {
                const BlockQ8_K& x = xb[r][b];
                int mins = 0;
                for (int j = 0; j < 8; ++j)
                    mins += mn[j] * (x.bsums[2 * j] + x.bsums[2 * j + 1]);
                acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(d * x.d), _mm512_cvtepi32_ps(sumi[r]), acc[r]);
                acc_min[r] += dmin * x.d * static_cast<float>(mins);
            }
        }
        for (int r = 0; r < NR; ++r)
            y[r * ys] = hsum(acc[r]) - acc_min[r];
    }
};

struct DotQ6K {
    template <int NR>
    static void run(const std::byte* w, const std::byte* act, int64_t stride, int64_t k, float* y,
                    int64_t ys) {
        const auto* wb = reinterpret_cast<const BlockQ6_K*>(w);
        const BlockQ8_K* xb[NR];
        __m512 acc[NR];
        for (int r = 0; r < NR; ++r) {
            xb[r] = act_row<BlockQ8_K>(act, stride, r);
            acc[r] = _mm512_setzero_ps();
        }
        const __m512i low4 = _mm512_set1_epi8(0x0f);
        const __m512i low2 = _mm512_set1_epi8(0x03);
        // Shift counts of qh for codes t = 0|1 and t = 2|3 (per 16-bit lane: low half, high half).
        const __m512i shift01 = join(_mm256_set1_epi16(0), _mm256_set1_epi16(2));
        const __m512i shift23 = join(_mm256_set1_epi16(4), _mm256_set1_epi16(6));
        // int16 lane i of a maddubs result covers codes 2i, 2i + 1: sub-block i / 8 of the 64 codes.
        alignas(64) int16_t index[4][32];
        for (int g = 0; g < 4; ++g) {
            for (int i = 0; i < 32; ++i)
                index[g][i] = static_cast<int16_t>(4 * g + i / 8);
        }
        const __m512i idx[4] = {load512(index[0]), load512(index[1]), load512(index[2]), load512(index[3])};
        const int64_t nb = k / kQkK;
        for (int64_t b = 0; b < nb; ++b) {
            const BlockQ6_K& blk = wb[b];
            const __m256i scales16 =
                _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(blk.scales)));
            const __m512i scales = _mm512_zextsi256_si512(scales16);
            __m512i sumi[NR];
            for (int r = 0; r < NR; ++r) {
                const __m256i offset =
                    _mm256_slli_epi32(_mm256_madd_epi16(load256(xb[r][b].bsums), scales16), 5);
                sumi[r] = _mm512_zextsi256_si512(_mm256_sub_epi32(_mm256_setzero_si256(), offset));
            }
            for (int h = 0; h < 2; ++h) {
                const __m512i ql = load512(blk.ql + 64 * h);
                const __m512i qh = _mm512_broadcast_i64x4(load256(blk.qh + 32 * h));
                const __m512i q01 = _mm512_or_si512(
                    _mm512_and_si512(ql, low4),
                    _mm512_slli_epi16(_mm512_and_si512(_mm512_srlv_epi16(qh, shift01), low2), 4));
                const __m512i q23 = _mm512_or_si512(
                    _mm512_and_si512(_mm512_srli_epi16(ql, 4), low4),
                    _mm512_slli_epi16(_mm512_and_si512(_mm512_srlv_epi16(qh, shift23), low2), 4));
                const __m512i sc01 = _mm512_permutexvar_epi16(idx[2 * h], scales);
                const __m512i sc23 = _mm512_permutexvar_epi16(idx[2 * h + 1], scales);
                for (int r = 0; r < NR; ++r) {
                    const int8_t* x = xb[r][b].qs + 128 * h;
                    sumi[r] = _mm512_dpwssd_epi32(sumi[r], _mm512_maddubs_epi16(q01, load512(x)), sc01);
                    sumi[r] = _mm512_dpwssd_epi32(sumi[r], _mm512_maddubs_epi16(q23, load512(x + 64)), sc23);
                }
            }
            const float d = f16(blk.d);
            for (int r = 0; r < NR; ++r) {
                acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(d * xb[r][b].d), _mm512_cvtepi32_ps(sumi[r]), acc[r]);
            }
        }
        for (int r = 0; r < NR; ++r)
            y[r * ys] = hsum(acc[r]);
    }
};

const cpu::MatmulBackend& backend() {
    static const cpu::MatmulBackend table = [] {
        cpu::MatmulBackend t = avx2::matmul_backend();
        auto set = [&](DType dtype, cpu::RowDotFn fn) { t.by_dtype[static_cast<size_t>(dtype)].dot = fn; };
        auto set_pairs = [&](DType dtype, cpu::RowDotFn fn) {
            t.by_dtype[static_cast<size_t>(dtype)] = cpu::MatmulKernel{cpu::ActFormat::Q8Pairs, fn};
        };
        t.prep[static_cast<size_t>(cpu::ActFormat::Q8Pairs)] = prep_q8_pairs;
        set(DType::F32, row_dot<DotFloat<LoadF32>>);
        set(DType::F16, row_dot<DotFloat<LoadF16>>);
        set(DType::BF16, row_dot<DotFloat<LoadBF16>>);
        set_pairs(DType::Q8_0, row_dot<DotQ32<FormatQ8_0>>);
        set_pairs(DType::Q4_0, row_dot<DotQ32<FormatQ4_0>>);
        set_pairs(DType::Q4_1, row_dot<DotQ32<FormatQ4_1>>);
        set_pairs(DType::Q5_0, row_dot<DotQ32<FormatQ5_0>>);
        set_pairs(DType::Q5_1, row_dot<DotQ32<FormatQ5_1>>);
        set(DType::Q4_K, row_dot<DotQ45K<false>>);
        set(DType::Q5_K, row_dot<DotQ45K<true>>);
        set(DType::Q6_K, row_dot<DotQ6K>);
        return t;
    }();
    return table;
}

}  // namespace

void matmul(ThreadPool& pool, const float* x, int64_t n, const TensorView& w, float* y) {
    cpu::run_matmul(backend(), pool, x, n, w, y);
}

}  // namespace vela::kernels::avx512
