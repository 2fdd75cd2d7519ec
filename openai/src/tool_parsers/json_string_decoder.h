// JsonStringDecoder: decodes the body of a JSON string (the bytes after its opening quote) one byte at
// a time, turning escapes (\n, \", \uHHHH with surrogate pairs) into UTF-8.
//
// It is used for call names and ids, and for arguments that a format gives as a JSON string
// ("arguments": "{\"a\":1}"), which are decoded exactly once to get the arguments text. After an error a
// caller that has already committed to the string calls tolerate(): bad escapes and raw control
// characters then pass through verbatim and lone surrogates become U+FFFD, so the closing quote is
// still found and nothing is lost.
#pragma once

#include <cstdint>
#include <string>

namespace vela::openai {

/// Appends the UTF-8 encoding of `code_point` to `out`.
void append_utf8(std::string& out, uint32_t code_point);

/// Decodes one JSON string body incrementally.
class JsonStringDecoder {
  public:
    /// What one byte did.
    enum class Step : uint8_t {
        More,   // consumed; the string goes on
        Done,   // this byte was the closing quote
        Error,  // this byte is not valid here; nothing was consumed
    };

    /// Feeds one byte; decoded bytes are appended to `out`.
    Step step(char c, std::string& out);
    /// After an Error: decode leniently from here on.
    void tolerate() { lenient_ = true; }
    /// True while no error has been tolerated.
    bool valid() const { return !lenient_; }

  private:
    enum class State : uint8_t {
        Normal,      // plain characters
        Escape,      // after a backslash
        Unicode,     // inside \uHHHH
        LowEscape,   // after a high surrogate: expecting '\'
        LowU,        // expecting 'u' of the low surrogate
        LowUnicode,  // inside the low surrogate's \uHHHH
    };

    Step step_normal(char c, std::string& out);
    Step step_escape(char c, std::string& out);
    Step step_hex(char c, std::string& out);

    State state_ = State::Normal;
    uint32_t code_ = 0;     // hex digits read so far
    uint8_t n_hex_ = 0;     // how many
    char hex_raw_[4] = {};  // the digits as written, to pass a broken escape through
    uint32_t high_ = 0;     // pending high surrogate
    bool lenient_ = false;
};

}  // namespace vela::openai
