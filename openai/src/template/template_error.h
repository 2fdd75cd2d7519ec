// The exception the Jinja engine throws internally. It never leaves the engine: Template::compile and
// Template::render catch it and return an Error whose message carries the template line and column.
#pragma once

#include <cstdint>
#include <exception>
#include <string>
#include <utility>

namespace vela::openai::jinja {

/// What kind of failure a TemplateError reports; mirrors the Jinja2 exception classes.
enum class TemplateErrorKind : uint8_t {
    Syntax,     // TemplateSyntaxError: the source does not parse
    Undefined,  // UndefinedError: an undefined value was used where a value is needed
    Type,       // TypeError/ValueError: an operation does not apply to its operands
    Security,   // SecurityError: the sandbox refused an attribute or call
    Raised,     // raise_exception() was called by the template
    Limit,      // the engine's recursion or size limit was hit
};

/// A failure at a position in the template (line and column are 1-based; 0 = not yet known).
class TemplateError : public std::exception {
  public:
    /// An error of `kind` with `message`, position filled in later by the interpreter.
    TemplateError(TemplateErrorKind kind, std::string message) : kind_(kind), message_(std::move(message)) {}
    /// An error of `kind` with `message` at `line`:`column`.
    TemplateError(TemplateErrorKind kind, std::string message, uint32_t line, uint32_t column)
        : kind_(kind), message_(std::move(message)), line_(line), column_(column) {}

    /// The failure kind.
    TemplateErrorKind kind() const { return kind_; }
    /// The message without position.
    const std::string& message() const { return message_; }
    /// The 1-based line, 0 when unknown.
    uint32_t line() const { return line_; }
    /// The 1-based column, 0 when unknown.
    uint32_t column() const { return column_; }
    /// True once a position has been attached.
    bool has_position() const { return line_ != 0; }
    /// Attaches a position if none is set yet.
    void set_position(uint32_t line, uint32_t column) {
        if (line_ == 0) {
            line_ = line;
            column_ = column;
        }
    }
    /// The message, for std::exception.
    const char* what() const noexcept override { return message_.c_str(); }

  private:
    TemplateErrorKind kind_;
    std::string message_;
    uint32_t line_ = 0;
    uint32_t column_ = 0;
};

/// Throws a TypeError-kind TemplateError.
[[noreturn]] inline void throw_type_error(std::string message) {
    throw TemplateError(TemplateErrorKind::Type, std::move(message));
}

}  // namespace vela::openai::jinja
