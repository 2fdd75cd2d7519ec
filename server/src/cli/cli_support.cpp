#include "cli/cli_support.h"

#include <charconv>
#include <iostream>

namespace vela::server {

void print_json(const nlohmann::json& value) {
    std::cout << value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    std::cout.flush();
}

int report(std::string_view command, const Error& error) {
    std::cerr << "vela " << command << ": " << error.message() << '\n';
    return 1;
}

Result<std::vector<TokenId>> parse_token_ids(std::string_view list, int32_t vocab_size,
                                             std::string_view flag) {
    std::vector<TokenId> ids;
    size_t pos = 0;
    while (pos <= list.size()) {
        size_t comma = list.find(',', pos);
        if (comma == std::string_view::npos) comma = list.size();
        std::string_view item = list.substr(pos, comma - pos);
        while (!item.empty() && item.front() == ' ')
            item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ')
            item.remove_suffix(1);
        if (!item.empty() || comma < list.size()) {
            TokenId id = 0;
            const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), id);
            if (ec != std::errc() || end != item.data() + item.size()) {
                return Error{Errc::InvalidArgument,
                             std::string(flag) + ": \"" + std::string(item) + "\" is not a token id"};
            }
            if (id < 0 || id >= vocab_size) {
                return Error{Errc::InvalidArgument, std::string(flag) + ": token id " + std::to_string(id) +
                                                        " is outside the vocabulary [0, " +
                                                        std::to_string(vocab_size) + ")"};
            }
            ids.push_back(id);
        }
        pos = comma + 1;
    }
    return ids;
}

}  // namespace vela::server
