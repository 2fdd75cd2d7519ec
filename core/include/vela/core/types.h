// Basic vocabulary types shared by every layer.
#pragma once

#include <cstdint>

namespace vela {

/// A token id in a model's vocabulary.
using TokenId = int32_t;

}  // namespace vela
