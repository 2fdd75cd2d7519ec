// Route registration of the web chat UI.
#pragma once

#include "http/http_server.h"

namespace vela::server {

/// Adds GET / (index.html) and GET /<file> for every file of the web UI.
void add_web_ui_routes(http::HttpServer& server);

}  // namespace vela::server
