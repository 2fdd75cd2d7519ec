// Error values and Result<T>, the return type of all fallible work in vela.
//
// Exceptions never cross a library boundary: third-party throws are caught at the wrapper that calls
// them and turned into an Error. Result<T> is a small expected-like type (C++20 has no std::expected).
// An Error message names the object, what was expected and what was found, and says how to fix it.
#pragma once

#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace vela {

/// The kind of failure; the server maps each kind to an HTTP status in one place.
enum class Errc {
    InvalidArgument,    // the caller passed something malformed or out of range
    NotFound,           // a file, model, tensor or key does not exist
    Unsupported,        // well-formed, but a feature, architecture or type vela does not support
    Corrupt,            // a file's contents contradict its own format
    Io,                 // the operating system refused a read, write, map or spawn
    ResourceExhausted,  // out of memory, KV blocks or queue slots
    Cancelled,          // the caller cancelled the work
    Unavailable,        // a peer (model, MCP server) is not ready or has gone away
    Timeout,            // a deadline passed
    Internal,           // a bug in vela
};

/// The lower-case name of an error kind ("invalid_argument", "not_found", ...).
std::string_view to_string(Errc code);

/// A failure: its kind and a message for a human.
class Error {
  public:
    /// Makes an error of `code` with `message`.
    Error(Errc code, std::string message) : code_(code), message_(std::move(message)) {}
    /// The kind of failure.
    Errc code() const { return code_; }
    /// What went wrong and how to fix it.
    const std::string& message() const { return message_; }

  private:
    Errc code_;
    std::string message_;
};

/// Either a value of type T or an Error.
template <class T>
class [[nodiscard]] Result {
    static_assert(!std::is_same_v<std::remove_cv_t<T>, Error>, "Result<Error> is meaningless");

  public:
    /// A successful result holding `value`.
    Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
    /// A failed result holding `error`.
    Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}
    /// Converts from a Result of a convertible type (e.g. unique_ptr<Derived> to unique_ptr<Base>).
    template <class U>
    requires(std::is_constructible_v<T, U&&> && !std::is_same_v<T, U>) Result(Result<U>&& other)
        : state_(other ? std::variant<T, Error>(std::in_place_index<0>, T(std::move(*other)))
                       : std::variant<T, Error>(std::in_place_index<1>, std::move(other).error())) {}

    /// True when this holds a value.
    bool ok() const { return state_.index() == 0; }
    /// True when this holds a value.
    explicit operator bool() const { return ok(); }

    /// The value; only valid when ok().
    T& value() & { return std::get<0>(state_); }
    /// The value; only valid when ok().
    const T& value() const& { return std::get<0>(state_); }
    /// The value, moved out; only valid when ok().
    T&& value() && { return std::get<0>(std::move(state_)); }
    /// The value; only valid when ok().
    T& operator*() & { return value(); }
    /// The value; only valid when ok().
    const T& operator*() const& { return value(); }
    /// The value, moved out; only valid when ok().
    T&& operator*() && { return std::move(*this).value(); }
    /// Member access to the value; only valid when ok().
    T* operator->() { return &value(); }
    /// Member access to the value; only valid when ok().
    const T* operator->() const { return &value(); }

    /// The error; only valid when !ok().
    const Error& error() const& { return std::get<1>(state_); }
    /// The error, moved out; only valid when !ok().
    Error&& error() && { return std::get<1>(std::move(state_)); }

  private:
    std::variant<T, Error> state_;
};

/// Success or an Error, for work that returns nothing.
template <>
class [[nodiscard]] Result<void> {
  public:
    /// A successful result.
    Result() = default;
    /// A failed result holding `error`.
    Result(Error error) : error_(std::move(error)), ok_(false) {}

    /// True on success.
    bool ok() const { return ok_; }
    /// True on success.
    explicit operator bool() const { return ok_; }
    /// The error; only valid when !ok().
    const Error& error() const& { return error_; }
    /// The error, moved out; only valid when !ok().
    Error&& error() && { return std::move(error_); }

  private:
    Error error_{Errc::Internal, {}};
    bool ok_ = true;
};

}  // namespace vela
