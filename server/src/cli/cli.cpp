// The command-line front end: one CLI11 app with a subcommand per job. Each subcommand registers its
// flags and its action in its own file (cli/<name>_command.cpp); this file only wires them together
// and turns errors into a message on stderr and a non-zero exit code.
#include "vela/server/cli.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "cli/commands.h"

namespace vela::server {

int run_cli(int argc, char** argv) {
    CLI::App app{"vela: a library-first LLM inference engine and OpenAI-compatible server"};
    app.set_version_flag("--version", VELA_VERSION);
    app.require_subcommand(1);
    int exit_code = 0;
    for (const CommandRegistration& registration : command_table()) {
        registration.add(app, exit_code);
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    return exit_code;
}

}  // namespace vela::server
