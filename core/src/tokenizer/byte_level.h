// The GPT-2 byte-level alphabet: every byte is written as one printable code point so that BPE
// vocabularies can be stored as text. Printable Latin-1 bytes ('!'..'~', '¡'..'¬', '®'..'ÿ') stand
// for themselves; the other 68 bytes take U+0100 onwards in byte order (so a space is 'Ġ' U+0120 and a
// newline 'Ċ' U+010A).
//
// vela runs byte-level BPE on raw bytes, so the alphabet is only needed at the edges: to turn stored
// vocabulary and merges into bytes when loading, and back into text when exporting GGUF metadata.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vela::tokenizer {

/// The byte-level text of raw `bytes` (each byte becomes one code point).
std::string bytes_to_byte_level(std::string_view bytes);

/// The raw bytes of byte-level `text`, or nullopt when `text` holds a code point outside the alphabet
/// or is not valid UTF-8.
std::optional<std::string> byte_level_to_bytes(std::string_view text);

}  // namespace vela::tokenizer
