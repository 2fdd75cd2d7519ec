// UTF-8 helpers shared by the tokenizer: decoding one code point, validating and repairing text,
// and finding where an incomplete trailing character begins.
//
// Repair follows the WHATWG "maximal subpart" rule (what TextDecoder and Python's
// `errors="replace"` do): each maximal prefix of a valid sequence that is cut short, and each byte
// that can start no sequence, becomes one U+FFFD. Encoding and decoding elsewhere in the tokenizer rely
// on text being valid UTF-8 after `repair_utf8`.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vela::tokenizer {

/// U+FFFD REPLACEMENT CHARACTER in UTF-8.
inline constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";

/// The length of the valid UTF-8 sequence starting at `text[pos]`, or 0 when the bytes there are
/// not a complete, valid sequence (overlong forms, surrogates and values above U+10FFFF are invalid).
size_t utf8_valid_length(std::string_view text, size_t pos);

/// The length of the character starting at `text[pos]` in text known to be valid UTF-8.
size_t utf8_char_length(std::string_view text, size_t pos);

/// Decodes the code point at `text[pos]` (text known to be valid) and advances `pos` past it.
char32_t utf8_decode(std::string_view text, size_t& pos);

/// Appends the UTF-8 encoding of `cp` to `out`.
void utf8_append(std::string& out, char32_t cp);

/// True when `text` is entirely valid UTF-8.
bool is_valid_utf8(std::string_view text);

/// `text` with every invalid sequence replaced by U+FFFD (maximal subparts).
std::string repair_utf8(std::string_view text);

/// The length of the longest prefix of `text` that does not end inside a sequence that more bytes
/// could still complete. Bytes that can never become valid count as complete (they repair to U+FFFD).
size_t utf8_complete_prefix(std::string_view text);

/// True for code points with the Unicode White_Space property.
bool is_unicode_whitespace(char32_t cp);

}  // namespace vela::tokenizer
