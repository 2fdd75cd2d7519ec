#include "engine/kv_budget.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

namespace vela {

int64_t available_memory_bytes() {
    std::ifstream meminfo("/proc/meminfo");
    std::string line;
    while (std::getline(meminfo, line)) {
        if (line.rfind("MemAvailable:", 0) != 0) continue;
        std::istringstream fields(line.substr(13));
        int64_t kib = 0;
        if (fields >> kib) return kib * 1024;
    }
    const long pages = sysconf(_SC_AVPHYS_PAGES);
    const long page_size = sysconf(_SC_PAGESIZE);
    return pages > 0 && page_size > 0 ? int64_t{pages} * page_size : 0;
}

Result<KvBudget> plan_kv_budget(const EngineConfig& config, const KvCacheShape& shape,
                                int32_t max_sequence_length) {
    const int64_t block_bytes = shape.bytes_per_block();
    int64_t budget = 0;
    if (config.kv_cache_bytes) {
        budget = *config.kv_cache_bytes;
    } else {
        const int64_t available = available_memory_bytes();
        if (available <= 0) {
            return Error{
                Errc::Unavailable,
                "engine config: cannot read the available memory (/proc/meminfo) to size the KV cache; "
                "set kv_cache_bytes instead of kv_cache_fraction"};
        }
        const double fraction = config.kv_cache_fraction.value_or(kDefaultKvCacheFraction);
        budget = static_cast<int64_t>(static_cast<double>(available) * fraction);
        if (!config.kv_cache_fraction) {
            const int64_t blocks_per_seq = (max_sequence_length + shape.block_size - 1) / shape.block_size;
            budget = std::min(budget, blocks_per_seq * config.max_num_seqs * block_bytes);
        }
    }
    const int64_t n_blocks =
        std::min<int64_t>(budget / block_bytes, std::numeric_limits<int32_t>::max() / shape.block_size);
    if (n_blocks < 1) {
        return Error{Errc::InvalidArgument, "engine config: a KV budget of " + std::to_string(budget) +
                                                " bytes holds no KV block of " + std::to_string(block_bytes) +
                                                " bytes (" + std::to_string(shape.block_size) + " tokens x " +
                                                std::to_string(shape.n_layers) +
                                                " layers x K and V); raise kv_cache_bytes"};
    }
    return KvBudget{static_cast<int32_t>(n_blocks), n_blocks * block_bytes};
}

}  // namespace vela
