// The web chat UI's static files (server/web/), compiled into the binary by
// server/embed_web_assets.cmake.
#pragma once

#include <span>
#include <string_view>

namespace vela::server {

/// One static file of the web UI.
struct WebAsset {
    std::string_view path;          // URL path ("/index.html", "/app.js", ...)
    std::string_view content_type;  // its Content-Type
    std::string_view body;          // its bytes
};

/// Every file of the web UI.
std::span<const WebAsset> web_assets();

}  // namespace vela::server
