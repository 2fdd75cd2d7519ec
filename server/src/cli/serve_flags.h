// The flags of `vela serve`: candle-vllm's names (--h, --p, --m, --w, --f, --mem, ...) as aliases of
// vela's clear long names, each either honoured, accepted with a logged notice when it cannot change
// anything in vela (e.g. --cpu), or rejected with a message saying why and what to use instead (e.g.
// --fp8-kvcache). Environment variables fill what the flags leave unset. An unknown flag is an error
// that suggests the closest known flags.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vela/core/error.h"
#include "vela/server/serve_config.h"

namespace vela::server {

/// Reads an environment variable (injectable for tests); nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

/// The process environment.
EnvLookup process_env();

/// The result of parsing `vela serve` arguments: a configuration, or the help text when --help was given.
struct ServeArgs {
    ServeConfig config;     // the parsed configuration (valid when !help)
    bool help = false;      // --help was given: print help_text and exit 0
    std::string help_text;  // the full help
};

/// Parses the arguments after `serve` (not including it) into a configuration. Errors name the flag,
/// the value and what is expected.
Result<ServeArgs> parse_serve_args(const std::vector<std::string>& args, const EnvLookup& env);

/// Every flag name `vela serve` knows, with its dashes ("--port", "--p", ...).
std::vector<std::string> known_serve_flags();

/// The known flags closest to `unknown` (edit distance, or one containing the other), best first, at most 3.
std::vector<std::string> suggest_flags(std::string_view unknown, std::span<const std::string> known);

/// The optimal-string-alignment distance (insertions, deletions, substitutions, adjacent swaps).
size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace vela::server
