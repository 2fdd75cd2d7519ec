// CpuFeatures: what SIMD instruction sets this CPU and operating system let vela use.
//
// Detection reads CPUID and, for the AVX and AVX-512 register states, XGETBV: an instruction set
// counts only if the CPU has it and the OS saves its registers on a context switch. Kernel dispatch
// (kernels/backend.cpp) asks these flags once; nothing else in vela needs them.
#pragma once

#include <string>

namespace vela {

/// SIMD features usable on this machine.
struct CpuFeatures {
    bool avx2 = false;        // AVX2, with OS support for the YMM state
    bool fma = false;         // FMA3
    bool f16c = false;        // F16 <-> F32 conversion instructions
    bool avx512f = false;     // AVX-512 Foundation, with OS support for the ZMM and mask state
    bool avx512bw = false;    // byte and word instructions
    bool avx512vl = false;    // 128/256-bit forms of AVX-512 instructions
    bool avx512dq = false;    // doubleword and quadword instructions
    bool avx512vnni = false;  // vpdpbusd and friends (int8 dot products)
    bool avx512bf16 = false;  // BF16 conversions and dot products

    /// True when the AVX2 kernels may run (AVX2, FMA and F16C).
    bool has_avx2_kernels() const { return avx2 && fma && f16c; }
    /// True when the AVX-512 kernels may run (F, BW, VL, DQ, VNNI, plus the AVX2 set).
    bool has_avx512_kernels() const {
        return has_avx2_kernels() && avx512f && avx512bw && avx512vl && avx512dq && avx512vnni;
    }
    /// "avx2 fma f16c avx512f ...", for logs.
    std::string describe() const;
};

/// The features of this machine (detected once, then cached).
const CpuFeatures& cpu_features();

}  // namespace vela
