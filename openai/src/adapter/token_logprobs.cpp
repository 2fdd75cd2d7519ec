#include "adapter/token_logprobs.h"

namespace vela::openai {
namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 when none starts there.
size_t utf8_sequence(std::string_view s, size_t i) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) return 1;
    size_t n = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        n = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        n = 3;
        if (b0 == 0xE0) lo = 0xA0;
        if (b0 == 0xED) hi = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        n = 4;
        if (b0 == 0xF0) lo = 0x90;
        if (b0 == 0xF4) hi = 0x8F;
    } else {
        return 0;
    }
    if (i + n > s.size()) return 0;
    for (size_t k = 1; k < n; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return 0;
    }
    return n;
}

std::vector<uint8_t> bytes_of(std::string_view text) {
    return std::vector<uint8_t>(text.begin(), text.end());
}

}  // namespace

std::string sanitize_utf8(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size());
    for (size_t i = 0; i < bytes.size();) {
        const size_t n = utf8_sequence(bytes, i);
        if (n == 0) {
            out += "\xEF\xBF\xBD";
            ++i;
        } else {
            out.append(bytes.substr(i, n));
            i += n;
        }
    }
    return out;
}

LogprobEntry chat_logprob(const Tokenizer& tokenizer, const TokenLogprob& logprob) {
    LogprobEntry entry;
    const std::string& bytes = tokenizer.token_bytes(logprob.token);
    entry.token = sanitize_utf8(bytes);
    entry.logprob = static_cast<double>(logprob.logprob);
    entry.bytes = bytes_of(bytes);
    for (const TopLogprob& top : logprob.top) {
        const std::string& alt = tokenizer.token_bytes(top.token);
        entry.top_logprobs.push_back(
            TopLogprobEntry{sanitize_utf8(alt), static_cast<double>(top.logprob), bytes_of(alt)});
    }
    return entry;
}

int32_t count_characters(std::string_view text) {
    int32_t n = 0;
    for (const char c : text)
        n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;  // every byte but continuations
    return n;
}

int32_t append_legacy_logprobs(const Tokenizer& tokenizer, std::span<const TokenLogprob> logprobs,
                               int32_t text_offset, CompletionLogprobs& out) {
    for (const TokenLogprob& lp : logprobs) {
        const std::string& bytes = tokenizer.token_bytes(lp.token);
        out.tokens.push_back(sanitize_utf8(bytes));
        out.token_logprobs.push_back(static_cast<double>(lp.logprob));
        std::vector<std::pair<std::string, double>> top;
        for (const TopLogprob& t : lp.top)
            top.emplace_back(sanitize_utf8(tokenizer.token_bytes(t.token)), t.logprob);
        out.top_logprobs.push_back(std::move(top));
        out.text_offset.push_back(text_offset);
        text_offset += count_characters(bytes);
    }
    return text_offset;
}

}  // namespace vela::openai
