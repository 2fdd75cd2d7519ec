// Optional API-key authentication. With a key configured, every API endpoint (/v1/..., /tokenize,
// /detokenize) needs `Authorization: Bearer <key>` (or `x-api-key: <key>`); a missing or wrong key gets
// 401 in the OpenAI error shape before the body is read. /health, /metrics and the web UI's static files
// stay open so load balancers and scrapers need no secret (the UI asks for the key and sends it).
#pragma once

#include <optional>
#include <string>

#include "http/http_types.h"
#include "routes/api_error.h"

namespace vela::server {

/// Checks requests against one configured key (no key = everything allowed).
class ApiKeyAuth {
  public:
    /// Authentication with `key`; an empty key turns it off.
    explicit ApiKeyAuth(std::string key) : key_(std::move(key)) {}
    /// True when a key is configured.
    bool enabled() const { return !key_.empty(); }
    /// True when `path` needs the key (when one is configured).
    static bool protects(const std::string& path);
    /// The 401 error for `request`, or nullopt when it may proceed.
    std::optional<ApiError> check(const http::Request& request) const;

  private:
    std::string key_;
};

}  // namespace vela::server
