#include "cli/commands.h"

#include <array>

namespace vela::server {

void add_generate_command(CLI::App& app, int& exit_code);         // generate_command.cpp
void add_tokenize_commands(CLI::App& app, int& exit_code);        // tokenize_command.cpp
void add_render_template_command(CLI::App& app, int& exit_code);  // render_template_command.cpp
void add_bench_command(CLI::App& app, int& exit_code);            // bench_command.cpp
void add_serve_command(CLI::App& app, int& exit_code);            // serve_command.cpp

std::span<const CommandRegistration> command_table() {
    static const std::array<CommandRegistration, 5> kCommands = {{
        {add_serve_command},
        {add_generate_command},
        {add_tokenize_commands},
        {add_render_template_command},
        {add_bench_command},
    }};
    return kCommands;
}

}  // namespace vela::server
