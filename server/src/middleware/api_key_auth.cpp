#include "middleware/api_key_auth.h"

namespace vela::server {

namespace {

// Compares in time that depends only on the lengths, so the key cannot be guessed byte by byte.
bool constant_time_equal(const std::string& a, const std::string& b) {
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    const size_t n = std::min(a.size(), b.size());
    for (size_t i = 0; i < n; ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

}  // namespace

bool ApiKeyAuth::protects(const std::string& path) {
    return path.rfind("/v1/", 0) == 0 || path == "/v1" || path == "/tokenize" || path == "/detokenize";
}

std::optional<ApiError> ApiKeyAuth::check(const http::Request& request) const {
    if (!enabled() || request.method == "OPTIONS" || !protects(request.path)) return std::nullopt;
    std::string presented;
    const std::string authorization = request.header("Authorization");
    constexpr std::string_view kBearer = "Bearer ";
    if (authorization.size() > kBearer.size() &&
        http::CaseInsensitiveLess{}(authorization.substr(0, kBearer.size()), kBearer) == false &&
        http::CaseInsensitiveLess{}(kBearer, authorization.substr(0, kBearer.size())) == false) {
        presented = authorization.substr(kBearer.size());
    } else {
        presented = request.header("x-api-key");
    }
    if (presented.empty()) {
        return make_api_error(ApiErrorKind::Unauthorized,
                              "this server needs an API key: send the header 'Authorization: Bearer <key>'");
    }
    if (!constant_time_equal(presented, key_)) {
        return make_api_error(ApiErrorKind::Unauthorized, "the API key is not valid for this server");
    }
    return std::nullopt;
}

}  // namespace vela::server
