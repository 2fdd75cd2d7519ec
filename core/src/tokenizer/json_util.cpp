#include "tokenizer/json_util.h"

#include "loader/json_file.h"

#include <fstream>
#include <sstream>
#include <system_error>

namespace vela::tokenizer {

void fail(Errc code, std::string message) {
    throw LoadError{code, std::move(message)};
}

Result<nlohmann::json> read_json_file(const std::filesystem::path& path) {
    return vela::read_json_file(path);
}

const nlohmann::json* json_member(const nlohmann::json& object, std::string_view key) {
    if (!object.is_object()) return nullptr;
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) return nullptr;
    return &*it;
}

std::optional<std::string> json_string(const nlohmann::json& object, std::string_view key,
                                       std::string_view where) {
    const nlohmann::json* value = json_member(object, key);
    if (value == nullptr) return std::nullopt;
    if (!value->is_string()) {
        fail(Errc::Corrupt, std::string(where) + "." + std::string(key) + " should be a string, found " +
                                value->type_name());
    }
    return value->get<std::string>();
}

bool json_bool(const nlohmann::json& object, std::string_view key, bool fallback, std::string_view where) {
    const nlohmann::json* value = json_member(object, key);
    if (value == nullptr) return fallback;
    if (!value->is_boolean()) {
        fail(Errc::Corrupt, std::string(where) + "." + std::string(key) + " should be true or false, found " +
                                value->type_name());
    }
    return value->get<bool>();
}

std::optional<std::string> json_token_text(const nlohmann::json* value) {
    if (value == nullptr) return std::nullopt;
    if (value->is_string()) return value->get<std::string>();
    if (value->is_object()) {
        const nlohmann::json* content = json_member(*value, "content");
        if (content != nullptr && content->is_string()) return content->get<std::string>();
    }
    return std::nullopt;
}

}  // namespace vela::tokenizer
