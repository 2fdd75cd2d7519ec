#include "kernels/backend.h"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "kernels/cpu/cpu_kernels.h"
#include "kernels/reference/reference.h"
#include "util/cpu_features.h"

namespace vela::kernels {
namespace {

constexpr KernelTable kReference = {
    Backend::Reference,  "reference",         reference::matmul,          reference::get_rows,
    reference::rms_norm, reference::rope,     reference::silu_mul,        reference::add,
    reference::add_rows, reference::store_kv, reference::paged_attention,
};

constexpr KernelTable kAvx2 = {
    Backend::Avx2,  "avx2",    avx2::matmul,   reference::get_rows, avx2::rms_norm,        avx2::rope,
    avx2::silu_mul, avx2::add, avx2::add_rows, avx2::store_kv,      avx2::paged_attention,
};

constexpr KernelTable kAvx512 = {
    Backend::Avx512, "avx512",  avx512::matmul, reference::get_rows, avx2::rms_norm,        avx2::rope,
    avx2::silu_mul,  avx2::add, avx2::add_rows, avx2::store_kv,      avx2::paged_attention,
};

// One row per backend, best last: its table and whether this CPU can run it.
struct BackendRow {
    const KernelTable* table;
    bool (*supported)();
};

const std::array<BackendRow, 3> kBackends = {{
    {&kReference, [] { return true; }},
    {&kAvx2, [] { return cpu_features().has_avx2_kernels(); }},
    {&kAvx512, [] { return cpu_features().has_avx512_kernels(); }},
}};

}  // namespace

const KernelTable& select_kernels(const char* forced) {
    const KernelTable* best = &kReference;
    for (const BackendRow& row : kBackends) {
        if (row.supported()) best = row.table;
    }
    if (forced == nullptr || *forced == '\0') return *best;
    for (const BackendRow& row : kBackends) {
        if (row.table->name != forced) continue;
        if (row.supported()) return *row.table;
        std::fprintf(stderr,
                     "vela: VELA_KERNELS=%s needs CPU features this machine lacks (it has: %s); using %s\n",
                     forced, cpu_features().describe().c_str(), std::string(best->name).c_str());
        return *best;
    }
    std::fprintf(
        stderr,
        "vela: VELA_KERNELS=%s is not a kernel backend of this build (reference, avx2, avx512); using %s\n",
        forced, std::string(best->name).c_str());
    return *best;
}

const KernelTable* kernel_table(Backend backend) {
    for (const BackendRow& row : kBackends) {
        if (row.table->backend == backend) return row.supported() ? row.table : nullptr;
    }
    return nullptr;
}

std::vector<Backend> available_backends() {
    std::vector<Backend> out;
    for (const BackendRow& row : kBackends) {
        if (row.supported()) out.push_back(row.table->backend);
    }
    return out;
}

const KernelTable& active_kernels() {
    static const KernelTable& table = select_kernels(std::getenv("VELA_KERNELS"));
    return table;
}

}  // namespace vela::kernels
