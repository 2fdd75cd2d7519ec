// VELA_ASSERT: aborts with file:line and a message when an internal invariant is broken.
// Use it for bugs only; bad input from users or files gets an Error instead.
#pragma once

namespace vela::detail {
/// Prints "file:line: assertion `cond` failed: message" to stderr and aborts.
[[noreturn]] void assert_fail(const char* file, int line, const char* cond, const char* message);
}  // namespace vela::detail

/// Aborts with the location and `message` when `cond` is false.
#define VELA_ASSERT(cond, message) \
    ((cond) ? static_cast<void>(0) : ::vela::detail::assert_fail(__FILE__, __LINE__, #cond, message))
