#include "middleware/cors.h"

namespace vela::server {

std::vector<std::pair<std::string, std::string>> cors_default_headers() {
    return {{"Access-Control-Allow-Origin", "*"}, {"Access-Control-Expose-Headers", "*"}};
}

std::optional<http::Response> cors_preflight(const http::Request& request) {
    if (request.method != "OPTIONS" || request.header("Access-Control-Request-Method").empty()) {
        return std::nullopt;
    }
    http::Response response = http::Response::text(204, "", "text/plain");
    response.headers.emplace_back("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
    const std::string asked = request.header("Access-Control-Request-Headers");
    response.headers.emplace_back("Access-Control-Allow-Headers", asked.empty() ? "*" : asked);
    response.headers.emplace_back("Access-Control-Max-Age", "86400");
    return response;
}

}  // namespace vela::server
