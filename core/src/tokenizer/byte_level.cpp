#include "tokenizer/byte_level.h"

#include <array>
#include <cstdint>

#include "tokenizer/utf8.h"

namespace vela::tokenizer {

namespace {

struct ByteLevelAlphabet {
    std::array<char32_t, 256> to_code_point{};
    // Code points of the alphabet are all below U+0144; -1 marks those outside it.
    std::array<int16_t, 0x144> to_byte{};

    ByteLevelAlphabet() {
        to_byte.fill(-1);
        char32_t next_extra = 0x100;
        for (int b = 0; b < 256; ++b) {
            const bool printable =
                (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            const char32_t cp = printable ? static_cast<char32_t>(b) : next_extra++;
            to_code_point[static_cast<size_t>(b)] = cp;
            to_byte[cp] = static_cast<int16_t>(b);
        }
    }
};

const ByteLevelAlphabet& alphabet() {
    static const ByteLevelAlphabet instance;
    return instance;
}

}  // namespace

std::string bytes_to_byte_level(std::string_view bytes) {
    const ByteLevelAlphabet& a = alphabet();
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const char c : bytes)
        utf8_append(out, a.to_code_point[static_cast<unsigned char>(c)]);
    return out;
}

std::optional<std::string> byte_level_to_bytes(std::string_view text) {
    const ByteLevelAlphabet& a = alphabet();
    std::string out;
    out.reserve(text.size());
    size_t pos = 0;
    while (pos < text.size()) {
        if (utf8_valid_length(text, pos) == 0) return std::nullopt;
        const char32_t cp = utf8_decode(text, pos);
        if (cp >= a.to_byte.size() || a.to_byte[cp] < 0) return std::nullopt;
        out += static_cast<char>(a.to_byte[cp]);
    }
    return out;
}

}  // namespace vela::tokenizer
