// JsonScanner: an incremental validator for one JSON value, fed one byte at a time.
//
// It finds where a value ends by tracking the open objects and arrays and whether it is inside a
// string (so braces, brackets and quotes in strings, escaped quotes and \u escapes never confuse it),
// and it checks the whole grammar (numbers, literals, colons, commas, control characters), so a
// malformed value is noticed at the first byte that cannot continue any valid document. There is no
// backtracking and no regular expression: the state is a stack of open containers and a few flags.
//
// After an error, a caller that can no longer take the value back (its first bytes already went out)
// calls tolerate(): from then on the scanner only counts brackets outside strings to find where the
// value ends, and valid() stays false.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace vela::openai {

/// True for the four whitespace bytes JSON allows between tokens.
bool is_json_space(char c);

/// Validates one JSON value incrementally.
class JsonScanner {
  public:
    /// What one byte did.
    enum class Step : uint8_t {
        More,        // consumed; the value goes on
        Done,        // consumed; it completed the value
        DoneBefore,  // the value (a bare number) had already ended; this byte is not part of it
        Error,       // this byte cannot continue a valid value; nothing was consumed
    };

    /// Nesting limit: deeper input is an error rather than unbounded memory.
    static constexpr size_t kMaxDepth = 256;

    /// Feeds one byte. Leading whitespace before the value is skipped.
    Step step(char c);
    /// After an Error: switch to bracket counting so the value's end can still be found.
    void tolerate();
    /// At the end of the input: true when the value is complete (a top-level number ends here).
    bool complete_at_end() const;
    /// True until an error was seen.
    bool valid() const { return !tolerant_; }

  private:
    enum class Mode : uint8_t {
        Value,          // a value must start here
        ObjectStart,    // after '{': a key or '}'
        Key,            // after ',' in an object: a key
        Colon,          // after a key
        ArrayStart,     // after '[': a value or ']'
        CommaOrEnd,     // after a value inside a container
        String,         // inside a string
        Escape,         // after a backslash in a string
        Unicode,        // inside \uHHHH
        NumberMinus,    // after '-'
        NumberZero,     // after a leading 0
        NumberInt,      // in integer digits
        NumberDot,      // after '.'
        NumberFrac,     // in fraction digits
        NumberExp,      // after 'e'
        NumberExpSign,  // after 'e+' or 'e-'
        NumberExpInt,   // in exponent digits
        Literal,        // inside true, false or null
        Done,           // the value is complete
    };

    Step start_value(char c);
    Step value_ended();
    Step step_number(char c);
    Step step_tolerant(char c);
    bool push(char open);

    std::string stack_;  // open containers, '{' or '['
    Mode mode_ = Mode::Value;
    bool in_key_ = false;        // the current string is an object key
    uint8_t n_hex_left_ = 0;     // hex digits still expected in \uHHHH
    std::string_view literal_;   // the literal being matched
    size_t literal_pos_ = 0;     // bytes of literal_ matched so far
    bool tolerant_ = false;      // counting brackets after an error
    size_t tolerant_depth_ = 0;  // open containers while tolerant
    bool tolerant_in_string_ = false;
    bool tolerant_escape_ = false;
};

}  // namespace vela::openai
