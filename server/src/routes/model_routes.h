// Route registration of model listing and service health: GET /v1/models, GET /health, GET /metrics.
#pragma once

#include <cstdint>

#include "http/http_server.h"
#include "routes/route_context.h"

namespace vela::server {

/// Adds GET /v1/models, GET /health and GET /metrics; `started` (Unix seconds) is the `created` of a
/// model still loading.
void add_model_routes(http::HttpServer& server, RouteContext& ctx, int64_t started);

}  // namespace vela::server
