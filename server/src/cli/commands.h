// The table of subcommands. Each entry adds one subcommand (its flags and callback) to the app; the
// callback stores the process exit code in `exit_code`.
#pragma once

#include <span>

namespace CLI {
class App;
}

namespace vela::server {

/// One subcommand's registration function.
struct CommandRegistration {
    void (*add)(CLI::App& app, int& exit_code);
};

/// Every subcommand of `vela`, in help order.
std::span<const CommandRegistration> command_table();

}  // namespace vela::server
