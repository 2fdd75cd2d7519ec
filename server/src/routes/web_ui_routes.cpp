#include "routes/web_ui_routes.h"

#include <string>

#include "routes/web_assets.h"

namespace vela::server {

void add_web_ui_routes(http::HttpServer& server) {
    for (const WebAsset& asset : web_assets()) {
        const auto handler = [&asset](const http::Request&) {
            http::Response response =
                http::Response::text(200, std::string(asset.body), std::string(asset.content_type));
            response.headers.emplace_back("Cache-Control", "no-cache");
            return response;
        };
        server.route("GET", std::string(asset.path), handler);
        if (asset.path == "/index.html") server.route("GET", "/", handler);
    }
}

}  // namespace vela::server
