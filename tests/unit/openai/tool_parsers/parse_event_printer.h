// Lets GoogleTest print parse events readably in failure messages (found by ADL through the variant).
#pragma once

#include <ostream>

#include "tool_parsers/parse_event.h"

namespace vela::openai {

/// Prints `event` as describe() writes it.
inline void PrintTo(const ParseEvent& event, std::ostream* os) {
    *os << describe(event);
}

}  // namespace vela::openai
