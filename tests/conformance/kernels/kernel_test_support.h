// Shared helpers of the kernel conformance tests: random data, the backends to test, and a printable
// backend name for parameterized tests.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "kernels/backend.h"

namespace vela::kernels::testing {

/// n normally distributed floats (mean 0, standard deviation `scale`) from a fixed seed.
inline std::vector<float> random_floats(int64_t n, uint32_t seed, float scale = 1.0f) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> dist(0.0f, scale);
    std::vector<float> out(static_cast<size_t>(n));
    for (float& v : out)
        v = dist(rng);
    return out;
}

/// The SIMD backends this build and CPU can run (the reference is what they are compared with).
inline std::vector<Backend> simd_backends() {
    std::vector<Backend> out;
    for (Backend b : available_backends()) {
        if (b != Backend::Reference) out.push_back(b);
    }
    return out;
}

/// Every backend this build and CPU can run, the reference included.
inline std::vector<Backend> all_backends() {
    return available_backends();
}

/// The table of `backend` (which must be available).
inline const KernelTable& table(Backend backend) {
    return *kernel_table(backend);
}

/// "reference", "avx2", ... for test names.
inline std::string backend_name(Backend backend) {
    switch (backend) {
        case Backend::Reference:
            return "reference";
        case Backend::Avx2:
            return "avx2";
        case Backend::Avx512:
            return "avx512";
    }
    return "unknown";
}

}  // namespace vela::kernels::testing
