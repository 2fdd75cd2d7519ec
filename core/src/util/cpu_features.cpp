#include "util/cpu_features.h"

#include <cstdint>
#include <utility>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace vela {
namespace {

#if defined(__x86_64__) || defined(__i386__)

// Bits of CPUID leaf 1 ECX, leaf 7 EBX/ECX/EDX and leaf 7 subleaf 1 EAX.
constexpr uint32_t kLeaf1EcxFma = 1u << 12;
constexpr uint32_t kLeaf1EcxOsxsave = 1u << 27;
constexpr uint32_t kLeaf1EcxAvx = 1u << 28;
constexpr uint32_t kLeaf1EcxF16c = 1u << 29;
constexpr uint32_t kLeaf7EbxAvx2 = 1u << 5;
constexpr uint32_t kLeaf7EbxAvx512f = 1u << 16;
constexpr uint32_t kLeaf7EbxAvx512dq = 1u << 17;
constexpr uint32_t kLeaf7EbxAvx512bw = 1u << 30;
constexpr uint32_t kLeaf7EbxAvx512vl = 1u << 31;
constexpr uint32_t kLeaf7EcxAvx512vnni = 1u << 11;
constexpr uint32_t kLeaf7Sub1EaxAvx512bf16 = 1u << 5;

// XCR0 bits: SSE (1) and AVX (2) state for YMM; opmask (5), ZMM_Hi256 (6), Hi16_ZMM (7) for AVX-512.
constexpr uint64_t kXcr0Ymm = 0x6;
constexpr uint64_t kXcr0Zmm = 0xe6;

uint64_t read_xcr0() {
    uint32_t eax = 0;
    uint32_t edx = 0;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return (static_cast<uint64_t>(edx) << 32) | eax;
}

CpuFeatures detect() {
    CpuFeatures f;
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (__get_cpuid(0, &eax, &ebx, &ecx, &edx) == 0) return f;
    const unsigned max_leaf = eax;
    if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) == 0) return f;
    const unsigned leaf1_ecx = ecx;
    if ((leaf1_ecx & kLeaf1EcxOsxsave) == 0 || (leaf1_ecx & kLeaf1EcxAvx) == 0) return f;
    const uint64_t xcr0 = read_xcr0();
    const bool ymm_ok = (xcr0 & kXcr0Ymm) == kXcr0Ymm;
    const bool zmm_ok = (xcr0 & kXcr0Zmm) == kXcr0Zmm;
    if (!ymm_ok || max_leaf < 7) return f;
    f.fma = (leaf1_ecx & kLeaf1EcxFma) != 0;
    f.f16c = (leaf1_ecx & kLeaf1EcxF16c) != 0;
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    const unsigned max_subleaf = eax;
    f.avx2 = (ebx & kLeaf7EbxAvx2) != 0;
    if (zmm_ok) {
        f.avx512f = (ebx & kLeaf7EbxAvx512f) != 0;
        f.avx512dq = (ebx & kLeaf7EbxAvx512dq) != 0;
        f.avx512bw = (ebx & kLeaf7EbxAvx512bw) != 0;
        f.avx512vl = (ebx & kLeaf7EbxAvx512vl) != 0;
        f.avx512vnni = (ecx & kLeaf7EcxAvx512vnni) != 0;
        if (max_subleaf >= 1) {
            __cpuid_count(7, 1, eax, ebx, ecx, edx);
            f.avx512bf16 = (eax & kLeaf7Sub1EaxAvx512bf16) != 0;
        }
    }
    return f;
}

#else

CpuFeatures detect() {
    return {};
}

#endif

}  // namespace

std::string CpuFeatures::describe() const {
    const std::pair<bool, const char*> flags[] = {
        {avx2, "avx2"},
        {fma, "fma"},
        {f16c, "f16c"},
        {avx512f, "avx512f"},
        {avx512bw, "avx512bw"},
        {avx512vl, "avx512vl"},
        {avx512dq, "avx512dq"},
        {avx512vnni, "avx512vnni"},
        {avx512bf16, "avx512bf16"},
    };
    std::string out;
    for (const auto& [on, name] : flags) {
        if (!on) continue;
        if (!out.empty()) out += ' ';
        out += name;
    }
    return out.empty() ? "none" : out;
}

const CpuFeatures& cpu_features() {
    static const CpuFeatures features = detect();
    return features;
}

}  // namespace vela
