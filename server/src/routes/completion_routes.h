// Route registration of the legacy Completions API.
#pragma once

#include "http/http_server.h"
#include "routes/route_context.h"

namespace vela::server {

/// Adds POST /v1/completions.
void add_completion_routes(http::HttpServer& server, RouteContext& ctx);

}  // namespace vela::server
