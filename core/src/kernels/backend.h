// Kernel backends: the reference loops and the SIMD builds, and the choice among them.
//
// A backend is a table of op functions (one row per backend in backend.cpp). The ops in ops.h
// dispatch to the active table, picked once at first use: the best backend this CPU runs, or the one
// named by the environment variable VELA_KERNELS (reference, avx2, avx512) when it is usable here.
// Conformance tests walk available_backends() and call each table directly.
#pragma once

#include <string_view>
#include <vector>

#include "kernels/ops.h"

namespace vela::kernels {

/// An implementation of the ops.
enum class Backend {
    Reference,  // naive scalar loops (kernels/reference/)
    Avx2,       // AVX2 + FMA + F16C (kernels/cpu/*_avx2.cpp)
    Avx512,     // AVX-512 F/BW/VL/DQ/VNNI (kernels/cpu/*_avx512.cpp)
};

/// The functions of one backend; every entry is set.
struct KernelTable {
    Backend backend;
    std::string_view name;  // "reference", "avx2", "avx512"
    void (*matmul)(ThreadPool&, const float*, int64_t, const TensorView&, float*);
    void (*get_rows)(const TensorView&, std::span<const int32_t>, float*);
    void (*rms_norm)(const float*, const float*, int64_t, int64_t, float, float*);
    void (*rope)(float*, int64_t, int64_t, int64_t, std::span<const int32_t>, const RopeParams&);
    void (*silu_mul)(const float*, const float*, int64_t, float*);
    void (*add)(const float*, const float*, int64_t, float*);
    void (*add_rows)(float*, const float*, int64_t, int64_t);
    void (*store_kv)(const float*, const float*, std::span<const int32_t>, KvLayerView);
    void (*paged_attention)(ThreadPool&, const float*, const ForwardBatch&, const KvLayerView&,
                            const AttentionParams&, float*);
};

/// The table of `backend`, or nullptr when it is not built in or this CPU cannot run it.
const KernelTable* kernel_table(Backend backend);

/// The backends this build and CPU can run, reference first.
std::vector<Backend> available_backends();

/// The table that VELA_KERNELS=`forced` selects: that backend when this build and CPU can run it,
/// else (with a warning on stderr) the best one; a null or empty `forced` selects the best.
const KernelTable& select_kernels(const char* forced);

/// The table the ops use: select_kernels(getenv("VELA_KERNELS")), chosen once.
const KernelTable& active_kernels();

}  // namespace vela::kernels
