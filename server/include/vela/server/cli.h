// The `vela` command line: subcommands serve, generate, tokenize, detokenize, bench, ...
#pragma once

namespace vela::server {

/// Parses the process arguments, runs the chosen subcommand and returns the process exit code.
int run_cli(int argc, char** argv);

}  // namespace vela::server
