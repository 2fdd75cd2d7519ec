#include "tool_parsers/call_id_generator.h"

#include <limits>
#include <random>
#include <utility>

namespace vela::openai {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

// 62^9: the number of distinct ids; a draw at or above the largest multiple of it below 2^64 is
// rejected so every id is equally likely.
constexpr uint64_t id_space() {
    uint64_t n = 1;
    for (size_t i = 0; i < CallIdGenerator::kIdLength; ++i)
        n *= kAlphabet.size();
    return n;
}

}  // namespace

CallIdGenerator::CallIdGenerator(RandomSource random) : random_(std::move(random)) {
    if (!random_) {
        random_ = [engine = std::mt19937_64{std::random_device{}()}]() mutable { return engine(); };
    }
}

std::string CallIdGenerator::next() {
    constexpr uint64_t kSpace = id_space();
    constexpr uint64_t kLimit = std::numeric_limits<uint64_t>::max() / kSpace * kSpace;
    for (;;) {
        uint64_t r = random_();
        if (r >= kLimit) continue;
        r %= kSpace;
        std::string id(kIdLength, ' ');
        for (char& c : id) {
            c = kAlphabet[r % kAlphabet.size()];
            r /= kAlphabet.size();
        }
        if (used_.insert(id).second) return id;
    }
}

void CallIdGenerator::reserve(const std::string& id) {
    used_.insert(id);
}

}  // namespace vela::openai
