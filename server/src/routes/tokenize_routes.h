// Route registration of vLLM's tokenizer endpoints.
#pragma once

#include "http/http_server.h"
#include "routes/route_context.h"

namespace vela::server {

/// Adds POST /tokenize and POST /detokenize.
void add_tokenize_routes(http::HttpServer& server, RouteContext& ctx);

}  // namespace vela::server
