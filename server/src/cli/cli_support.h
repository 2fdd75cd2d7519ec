// Small helpers shared by the subcommands: JSON on stdout, errors on stderr, token id lists.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "vela/core/error.h"
#include "vela/core/types.h"

namespace vela::server {

/// Prints `value` as one line of JSON on stdout (invalid UTF-8 replaced) and flushes.
void print_json(const nlohmann::json& value);

/// Prints "vela <command>: <message>" on stderr and returns the failure exit code (1).
int report(std::string_view command, const Error& error);

/// Parses "1, 2,3" into ids, each in [0, vocab_size); `flag` names the option in errors.
Result<std::vector<TokenId>> parse_token_ids(std::string_view list, int32_t vocab_size,
                                             std::string_view flag);

}  // namespace vela::server
