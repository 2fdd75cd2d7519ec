#include "loader/json_file.h"

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "util/mapped_file.h"

namespace vela {

Result<nlohmann::json> parse_json(std::string_view text, std::string_view source) {
    // nlohmann keeps the last of duplicate keys silently; an ambiguous file is rejected instead.
    std::vector<std::set<std::string>> open_objects;
    std::optional<std::string> duplicate;
    auto check_keys = [&](int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
        using Event = nlohmann::json::parse_event_t;
        if (event == Event::object_start) open_objects.emplace_back();
        if (event == Event::object_end && !open_objects.empty()) open_objects.pop_back();
        if (event == Event::key && !open_objects.empty() && !duplicate &&
            !open_objects.back().insert(parsed.get<std::string>()).second)
            duplicate = parsed.get<std::string>();
        return true;
    };
    try {
        nlohmann::json j = nlohmann::json::parse(text.begin(), text.end(), check_keys);
        if (duplicate)
            return Error{Errc::Corrupt, std::string(source) + ": invalid JSON: the key '" + *duplicate +
                                            "' appears twice in one object"};
        return j;
    } catch (const nlohmann::json::exception& e) {
        // what() is "[json.exception.parse_error.101] parse error at line 1, column 2: ..."; keep the part
        // after the bracketed id, which says where and why.
        std::string what = e.what();
        if (const size_t close = what.find("] ");
            what.rfind("[json.exception.", 0) == 0 && close != std::string::npos)
            what.erase(0, close + 2);
        return Error{Errc::Corrupt, std::string(source) + ": invalid JSON: " + what};
    }
}

Result<nlohmann::json> read_json_file(const std::filesystem::path& path) {
    Result<MappedFile> file = MappedFile::open(path);
    if (!file) return std::move(file).error();
    const auto* begin = reinterpret_cast<const char*>(file->data());
    return parse_json(std::string_view(begin, file->size()), path.string());
}

}  // namespace vela
