// Route registration of the Chat Completions API.
#pragma once

#include "http/http_server.h"
#include "routes/route_context.h"

namespace vela::server {

/// Adds POST /v1/chat/completions.
void add_chat_routes(http::HttpServer& server, RouteContext& ctx);

}  // namespace vela::server
