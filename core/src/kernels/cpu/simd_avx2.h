// Small AVX2/FMA/F16C building blocks shared by the *_avx2.cpp and *_avx512.cpp kernels. Include it
// only from those files: they are the only ones compiled with the instruction-set flags.
#pragma once

#include <immintrin.h>

#include <cstdint>
#include <cstring>

namespace vela::kernels::simd {

/// The sum of the 8 lanes.
inline float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/// The sum of the 8 int32 lanes.
inline int32_t hsum_i32(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
    return _mm_cvtsi128_si32(s);
}

/// Pairwise sums of u8 x s8 products widened to 8 int32 lanes (each lane sums 4 products). Products
/// of |u| <= 128 and |s| <= 127 cannot saturate the intermediate int16 sums.
inline __m256i dot_u8_i8(__m256i u, __m256i s) {
    return _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1));
}

/// As dot_u8_i8 for two signed vectors: |a| times b with a's sign moved onto b.
inline __m256i dot_i8_i8(__m256i a, __m256i b) {
    return dot_u8_i8(_mm256_sign_epi8(a, a), _mm256_sign_epi8(b, a));
}

/// 32 bytes from 16 packed nibbles: low nibbles in bytes 0..15, high nibbles in bytes 16..31.
inline __m256i unpack_nibbles(const uint8_t* p) {
    const __m128i packed = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m256i both = _mm256_set_m128i(_mm_srli_epi16(packed, 4), packed);
    return _mm256_and_si256(both, _mm256_set1_epi8(0x0f));
}

/// 32 bytes, byte i = 0x10 if bit i of the little-endian 32-bit word at p is set, else 0.
inline __m256i bits_to_bytes_0x10(const uint8_t* p) {
    uint32_t bits = 0;
    std::memcpy(&bits, p, 4);
    // Byte i of `spread` holds byte i / 8 of `bits`; then test bit i % 8 of it.
    const __m256i spread = _mm256_shuffle_epi8(
        _mm256_set1_epi32(static_cast<int32_t>(bits)),
        _mm256_set_epi64x(0x0303030303030303, 0x0202020202020202, 0x0101010101010101, 0x0000000000000000));
    const __m256i mask = _mm256_set1_epi64x(static_cast<int64_t>(0x8040201008040201ULL));
    const __m256i set = _mm256_cmpeq_epi8(_mm256_and_si256(spread, mask), mask);
    return _mm256_and_si256(set, _mm256_set1_epi8(0x10));
}

/// 8 F16 values at p as f32.
inline __m256 load_f16(const uint16_t* p) {
    return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}

/// 8 BF16 values at p as f32.
inline __m256 load_bf16(const uint16_t* p) {
    const __m256i wide = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    return _mm256_castsi256_ps(_mm256_slli_epi32(wide, 16));
}

/// exp(x) for 8 lanes, relative error about 2 ulp over the float range; exp of a large negative
/// input is 0 and of a large positive one is +inf. Range reduction x = n ln2 + r, |r| <= ln2 / 2,
/// with ln2 split in two parts for accuracy, then a degree-7 Taylor polynomial of e^r.
inline __m256 exp_ps(__m256 x) {
    const __m256 clamped = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-104.0f)), _mm256_set1_ps(89.0f));
    const __m256 n = _mm256_round_ps(_mm256_mul_ps(clamped, _mm256_set1_ps(1.44269504088896341f)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), clamped);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.0f / 5040.0f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 720.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 120.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 24.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 6.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.5f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    // Scale by 2^n in two steps so n down to -150 still gives a (sub)normal or zero.
    const __m256i ni = _mm256_cvtps_epi32(n);
    const __m256i half1 = _mm256_srai_epi32(ni, 1);
    const __m256i half2 = _mm256_sub_epi32(ni, half1);
    const __m256 s1 =
        _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(half1, _mm256_set1_epi32(127)), 23));
    const __m256 s2 =
        _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(half2, _mm256_set1_epi32(127)), 23));
    __m256 result = _mm256_mul_ps(_mm256_mul_ps(p, s1), s2);
    // Inputs past the clamps: exact limits.
    result =
        _mm256_blendv_ps(result, _mm256_set1_ps(0.0f), _mm256_cmp_ps(x, _mm256_set1_ps(-104.0f), _CMP_LT_OQ));
    result = _mm256_blendv_ps(result, _mm256_set1_ps(__builtin_inff()),
                              _mm256_cmp_ps(x, _mm256_set1_ps(89.0f), _CMP_GT_OQ));
    return result;
}

}  // namespace vela::kernels::simd
