// candle-vllm's configuration files, read for compatibility while vela's own multi-model registry and
// MCP client are not part of the server yet: mcp.json is checked (its three shapes) and summarized, so
// a wrong file fails at start-up instead of later; models.yaml is checked and an alias given with --m
// (or its default_model) selects that entry's weights. Nothing else in either file takes effect, and
// the start-up log says so.
#pragma once

#include <string>
#include <vector>

#include "vela/core/error.h"

namespace vela::server {

/// What an mcp.json names.
struct McpConfigSummary {
    std::vector<std::string> server_names;  // every server, in file order
};

/// Reads and checks an mcp.json: {"servers":[{name,url|command,...}]}, {"mcpServers":{name:{...}}} or a
/// bare array; every server needs a unique name and a url or a command.
Result<McpConfigSummary> read_mcp_config(const std::string& path);

/// One models.yaml entry.
struct ModelsYamlEntry {
    std::string name;                 // the alias
    std::string hf_id;                // hub id, or ""
    std::string local_path;           // local folder or file, or ""
    std::string weight_file;          // GGUF file name, or ""
    std::vector<std::string> params;  // the keys under `params` (not applied by vela yet)
};

/// What a models.yaml holds.
struct ModelsYaml {
    std::vector<ModelsYamlEntry> models;  // in file order
    std::string default_model;            // "" when unset
};

/// Reads and checks a models.yaml: a `models` list whose entries have a unique `name` and an `hf_id` or
/// a `local_path`.
Result<ModelsYaml> read_models_config(const std::string& path);

}  // namespace vela::server
