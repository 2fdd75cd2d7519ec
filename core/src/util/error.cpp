#include "vela/core/error.h"

#include <cstdio>
#include <cstdlib>

#include "vela/core/assert.h"

namespace vela {

std::string_view to_string(Errc code) {
    switch (code) {
        case Errc::InvalidArgument:
            return "invalid_argument";
        case Errc::NotFound:
            return "not_found";
        case Errc::Unsupported:
            return "unsupported";
        case Errc::Corrupt:
            return "corrupt";
        case Errc::Io:
            return "io";
        case Errc::ResourceExhausted:
            return "resource_exhausted";
        case Errc::Cancelled:
            return "cancelled";
        case Errc::Unavailable:
            return "unavailable";
        case Errc::Timeout:
            return "timeout";
        case Errc::Internal:
            return "internal";
    }
    return "unknown";
}

namespace detail {
void assert_fail(const char* file, int line, const char* cond, const char* message) {
    std::fprintf(stderr, "%s:%d: assertion `%s` failed: %s\n", file, line, cond, message);
    std::fflush(stderr);
    std::abort();
}
}  // namespace detail

}  // namespace vela
