// CPU detection against the kernel's own report (/proc/cpuinfo), an independent reading of CPUID
// that also accounts for what the OS enables.
#include "util/cpu_features.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace vela {
namespace {

std::set<std::string> proc_cpuinfo_flags() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("flags", 0) != 0) continue;
        std::istringstream words(line.substr(line.find(':') + 1));
        std::set<std::string> flags;
        for (std::string w; words >> w;)
            flags.insert(w);
        return flags;
    }
    return {};
}

TEST(CpuFeatures, AgreesWithProcCpuinfo) {
    const std::set<std::string> flags = proc_cpuinfo_flags();
    if (flags.empty()) GTEST_SKIP() << "/proc/cpuinfo has no flags line on this system";
    const CpuFeatures& f = cpu_features();
    auto has = [&](const char* name) { return flags.count(name) > 0; };
    EXPECT_EQ(f.avx2, has("avx2"));
    EXPECT_EQ(f.fma, has("fma"));
    EXPECT_EQ(f.f16c, has("f16c"));
    EXPECT_EQ(f.avx512f, has("avx512f"));
    EXPECT_EQ(f.avx512bw, has("avx512bw"));
    EXPECT_EQ(f.avx512vl, has("avx512vl"));
    EXPECT_EQ(f.avx512dq, has("avx512dq"));
    EXPECT_EQ(f.avx512vnni, has("avx512_vnni"));
    EXPECT_EQ(f.avx512bf16, has("avx512_bf16"));
}

TEST(CpuFeatures, KernelSetsImplyTheirParts) {
    const CpuFeatures& f = cpu_features();
    EXPECT_TRUE(!f.has_avx512_kernels() || f.has_avx2_kernels());
    EXPECT_TRUE(!f.has_avx2_kernels() || (f.avx2 && f.fma && f.f16c));
    EXPECT_FALSE(f.describe().empty());
    EXPECT_EQ(&cpu_features(), &f);  // detected once
}

}  // namespace
}  // namespace vela
