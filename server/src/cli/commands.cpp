#include "cli/commands.h"

#include <array>

namespace vela::server {

void add_tokenize_commands(CLI::App& app, int& exit_code);  // tokenize_command.cpp

std::span<const CommandRegistration> command_table() {
    static const std::array<CommandRegistration, 1> kCommands = {{
        {add_tokenize_commands},
    }};
    return kCommands;
}

}  // namespace vela::server
