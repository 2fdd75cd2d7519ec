// The byte layouts of the block-quantized formats, as GGUF files store them (ggml's published formats),
// and the 8-bit activation blocks the quantized matmuls use.
//
// Every struct is packed exactly as on disk (no padding; static_asserts check the sizes against
// dtype.cpp), so a row of blocks in a mapped file is read in place. F16 fields hold IEEE binary16 bits.
// Element order within a block:
//  - Q8_0: x[i] = d * qs[i].
//  - Q4_0: byte j (0..15) holds element j in its low nibble and element j + 16 in its high nibble;
//    x = d * (q - 8).  Q4_1: same nibbles, x = d * q + m.
//  - Q5_0 / Q5_1: as Q4_0 / Q4_1 for the low 4 bits; bit i of the little-endian 32-bit qh is the 5th
//    bit of element i; x = d * (q - 16) resp. d * q + m.
//  - Q4_K: 8 sub-blocks of 32 with 6-bit scale sc and 6-bit min m each (packed in 12 bytes, see
//    unpack_k_scale_min); bytes 32c..32c+31 of qs hold sub-block 2c in their low nibbles and sub-block
//    2c + 1 in their high nibbles; x = d * sc * q - dmin * m.
//  - Q5_K: as Q4_K, plus bit j of qh[l] is the 5th bit of element l of sub-block j (l in 0..31).
//  - Q6_K: 16 sub-blocks of 16 with int8 scales; elements are in two halves of 128; in half h, for
//    l in 0..31, element 128h + 32t + l (t = 0..3) takes the low nibble (t = 0, 1) or high nibble
//    (t = 2, 3) of ql[64h + l + 32 (t & 1)] and bits 2t, 2t+1 of qh[32h + l] as its top two bits;
//    x = d * scales[element / 16] * (q - 32).
//  - Q8_K: x[i] = d * qs[i] with an f32 d; bsums[j] = sum of qs[16j .. 16j + 15].
#pragma once

#include <cstdint>

namespace vela::kernels {

inline constexpr int kQk32 = 32;  // elements per block of the 32-element formats
inline constexpr int kQkK = 256;  // elements per super-block of the K formats
inline constexpr int kKScaleBytes = 12;

struct BlockQ8_0 {
    uint16_t d;
    int8_t qs[kQk32];
};
struct BlockQ4_0 {
    uint16_t d;
    uint8_t qs[kQk32 / 2];
};
struct BlockQ4_1 {
    uint16_t d;
    uint16_t m;
    uint8_t qs[kQk32 / 2];
};
struct BlockQ5_0 {
    uint16_t d;
    uint8_t qh[4];
    uint8_t qs[kQk32 / 2];
};
struct BlockQ5_1 {
    uint16_t d;
    uint16_t m;
    uint8_t qh[4];
    uint8_t qs[kQk32 / 2];
};
struct BlockQ4_K {
    uint16_t d;
    uint16_t dmin;
    uint8_t scales[kKScaleBytes];
    uint8_t qs[kQkK / 2];
};
struct BlockQ5_K {
    uint16_t d;
    uint16_t dmin;
    uint8_t scales[kKScaleBytes];
    uint8_t qh[kQkK / 8];
    uint8_t qs[kQkK / 2];
};
struct BlockQ6_K {
    uint8_t ql[kQkK / 2];
    uint8_t qh[kQkK / 4];
    int8_t scales[kQkK / 16];
    uint16_t d;
};
struct BlockQ8_K {
    float d;
    int8_t qs[kQkK];
    int16_t bsums[kQkK / 16];
};

static_assert(sizeof(BlockQ8_0) == 34 && sizeof(BlockQ4_0) == 18 && sizeof(BlockQ4_1) == 20);
static_assert(sizeof(BlockQ5_0) == 22 && sizeof(BlockQ5_1) == 24);
static_assert(sizeof(BlockQ4_K) == 144 && sizeof(BlockQ5_K) == 176 && sizeof(BlockQ6_K) == 210);
static_assert(sizeof(BlockQ8_K) == 292);

/// An activation block of the 32-element matmuls: 32 int8 values with scale d (an F16-representable
/// value, as Q8_0's) and ds = d * sum(qs) for the formats with a min. Never stored in files.
struct ActBlockQ8 {
    float d;
    float ds;
    int8_t qs[kQk32];
};

/// The 6-bit scale and min of sub-block j (0..7) of a Q4_K/Q5_K block: for j < 4 the low 6 bits of
/// bytes j and j + 4; for j >= 4 the nibbles of byte j + 4 with the top 2 bits of bytes j - 4 and j.
inline void unpack_k_scale_min(const uint8_t* scales, int j, int& sc, int& m) {
    if (j < 4) {
        sc = scales[j] & 63;
        m = scales[j + 4] & 63;
    } else {
        sc = (scales[j + 4] & 0x0f) | ((scales[j - 4] >> 6) << 4);
        m = (scales[j + 4] >> 4) | ((scales[j] >> 6) << 4);
    }
}

/// Packs 8 six-bit scales and mins into the 12 bytes that unpack_k_scale_min reads.
inline void pack_k_scale_min(const uint8_t sc[8], const uint8_t m[8], uint8_t* scales) {
    for (int j = 0; j < 4; ++j) {
        scales[j] = static_cast<uint8_t>((sc[j] & 63) | ((sc[j + 4] >> 4) << 6));
        scales[j + 4] = static_cast<uint8_t>((m[j] & 63) | ((m[j + 4] >> 4) << 6));
        scales[j + 8] = static_cast<uint8_t>((sc[j + 4] & 0x0f) | ((m[j + 4] & 0x0f) << 4));
    }
}

}  // namespace vela::kernels
