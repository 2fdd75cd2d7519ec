// CORS: every origin, method and header may call the API from a browser. Each response carries
// Access-Control-Allow-Origin: *, and a preflight (OPTIONS with Access-Control-Request-Method) is
// answered 204 before routing or authentication, echoing the headers the browser asked for (a literal
// "*" would not cover Authorization).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http/http_types.h"

namespace vela::server {

/// The CORS headers added to every response.
std::vector<std::pair<std::string, std::string>> cors_default_headers();
/// The 204 answer to a CORS preflight request, or nullopt when `request` is not one.
std::optional<http::Response> cors_preflight(const http::Request& request);

}  // namespace vela::server
