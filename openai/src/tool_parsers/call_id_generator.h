// CallIdGenerator: tool-call ids that every chat template accepts.
//
// Mistral's templates reject any id that is not exactly 9 alphanumeric characters, and every other
// template accepts anything, so all formats use 9 characters drawn uniformly from [A-Za-z0-9]. Ids are
// unique within one response (the generator remembers what it issued and any id the model emitted).
// The randomness is injected so tests can seed it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_set>

namespace vela::openai {

/// Source of uniformly random 64-bit values.
using RandomSource = std::function<uint64_t()>;

/// Issues unique call ids for one response.
class CallIdGenerator {
  public:
    /// Characters per id.
    static constexpr size_t kIdLength = 9;

    /// Draws from `random`; an empty source means a generator seeded from std::random_device.
    explicit CallIdGenerator(RandomSource random);
    /// A fresh id, distinct from every id issued or reserved so far.
    std::string next();
    /// Records an id the model emitted, so generated ids never repeat it.
    void reserve(const std::string& id);

  private:
    RandomSource random_;
    std::unordered_set<std::string> used_;
};

}  // namespace vela::openai
