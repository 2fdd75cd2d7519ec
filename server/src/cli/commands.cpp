#include "cli/commands.h"

#include <array>

namespace vela::server {

std::span<const CommandRegistration> command_table() {
    static const std::array<CommandRegistration, 0> kCommands = {};
    return kCommands;
}

}  // namespace vela::server
