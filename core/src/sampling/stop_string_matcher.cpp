#include "sampling/stop_string_matcher.h"

#include <algorithm>
#include <utility>

namespace vela {

StopStringMatcher::StopStringMatcher(std::vector<std::string> stops) : stops_(std::move(stops)) {}

// The length of the longest suffix of pending_ that is a proper prefix of a stop string.
size_t StopStringMatcher::held_suffix() const {
    size_t longest = 0;
    for (const std::string& stop : stops_) {
        const size_t max_len = std::min(pending_.size(), stop.size() - 1);
        for (size_t len = max_len; len > longest; --len) {
            if (std::string_view(pending_).substr(pending_.size() - len) ==
                std::string_view(stop).substr(0, len)) {
                longest = len;
                break;
            }
        }
    }
    return longest;
}

StopScan StopStringMatcher::push(std::string_view delta) {
    pending_.append(delta);
    StopScan scan;
    size_t best = std::string::npos;
    for (const std::string& stop : stops_) {
        const size_t at = pending_.find(stop);
        if (at < best) {
            best = at;
            scan.match = stop;
        }
    }
    if (scan.match) {
        scan.text = pending_.substr(0, best);
        pending_.clear();
        return scan;
    }
    const size_t release = pending_.size() - held_suffix();
    scan.text = pending_.substr(0, release);
    pending_.erase(0, release);
    return scan;
}

std::string StopStringMatcher::flush() {
    return std::exchange(pending_, {});
}

}  // namespace vela
