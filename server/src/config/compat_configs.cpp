#include "config/compat_configs.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace vela::server {

namespace {

Error invalid(const std::string& path, const std::string& message) {
    return Error{Errc::InvalidArgument, path + ": " + message};
}

Result<void> check_server(const std::string& path, const std::string& name, const nlohmann::json& server,
                          std::set<std::string>& seen) {
    if (name.empty()) return invalid(path, "an MCP server has no \"name\"");
    if (!seen.insert(name).second) return invalid(path, "the MCP server name \"" + name + "\" appears twice");
    if (!server.is_object()) return invalid(path, "MCP server \"" + name + "\" is not an object");
    const bool has_url =
        server.contains("url") && server["url"].is_string() && !server["url"].get<std::string>().empty();
    const bool has_command = server.contains("command") && server["command"].is_string();
    if (!has_url && !has_command) {
        return invalid(path, "MCP server \"" + name + "\" needs a \"url\" or a \"command\"");
    }
    return {};
}

}  // namespace

Result<McpConfigSummary> read_mcp_config(const std::string& path) {
    std::ifstream in(path);
    if (!in) return Error{Errc::NotFound, path + ": cannot open the MCP configuration"};
    const nlohmann::json root = nlohmann::json::parse(in, nullptr, false);
    if (root.is_discarded()) return invalid(path, "not valid JSON");
    McpConfigSummary summary;
    std::set<std::string> seen;
    const auto add_list = [&](const nlohmann::json& list) -> Result<void> {
        for (const nlohmann::json& server : list) {
            const std::string name =
                server.is_object() && server.contains("name") && server["name"].is_string()
                    ? server["name"].get<std::string>()
                    : "";
            if (auto ok = check_server(path, name, server, seen); !ok) return ok;
            summary.server_names.push_back(name);
        }
        return {};
    };
    if (root.is_array()) {
        if (auto ok = add_list(root); !ok) return std::move(ok).error();
    } else if (root.is_object() && root.contains("servers") && root["servers"].is_array()) {
        if (auto ok = add_list(root["servers"]); !ok) return std::move(ok).error();
    } else if (root.is_object() && root.contains("mcpServers") && root["mcpServers"].is_object()) {
        for (const auto& [name, server] : root["mcpServers"].items()) {
            if (auto ok = check_server(path, name, server, seen); !ok) return std::move(ok).error();
            summary.server_names.push_back(name);
        }
    } else {
        return invalid(path, "expected {\"servers\": [...]}, {\"mcpServers\": {...}} or an array of servers");
    }
    return summary;
}

Result<ModelsYaml> read_models_config(const std::string& path) {
    YAML::Node root;
    try {
        root = YAML::LoadFile(path);
    } catch (const YAML::Exception& e) {
        return invalid(path, std::string("not valid YAML: ") + e.what());
    }
    if (!root.IsMap() || !root["models"] || !root["models"].IsSequence()) {
        return invalid(path, "expected a map with a \"models\" list");
    }
    ModelsYaml out;
    std::set<std::string> seen;
    const auto text = [](const YAML::Node& node, const char* key) {
        return node[key] && node[key].IsScalar() ? node[key].as<std::string>() : std::string();
    };
    for (const YAML::Node& node : root["models"]) {
        if (!node.IsMap()) return invalid(path, "every entry of \"models\" must be a map");
        ModelsYamlEntry entry;
        entry.name = text(node, "name");
        entry.hf_id = text(node, "hf_id");
        entry.local_path = text(node, "local_path");
        entry.weight_file = text(node, "weight_file");
        if (entry.name.empty()) return invalid(path, "a model entry has no \"name\"");
        if (!seen.insert(entry.name).second)
            return invalid(path, "the model name \"" + entry.name + "\" appears twice");
        if (entry.hf_id.empty() && entry.local_path.empty()) {
            return invalid(path, "model \"" + entry.name + "\" needs \"hf_id\" or \"local_path\"");
        }
        if (node["params"] && node["params"].IsMap()) {
            for (const auto& param : node["params"])
                entry.params.push_back(param.first.as<std::string>());
        }
        out.models.push_back(std::move(entry));
    }
    out.default_model = text(root, "default_model");
    if (!out.default_model.empty() && !seen.count(out.default_model)) {
        return invalid(path, "default_model \"" + out.default_model + "\" is not one of the models");
    }
    return out;
}

}  // namespace vela::server
