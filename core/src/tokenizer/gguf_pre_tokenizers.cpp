#include "tokenizer/gguf_pre_tokenizers.h"

#include <array>

namespace vela::tokenizer {

namespace {

using Names = std::string_view;

// GPT-2's split, without the final `|\s+` (whitespace it leaves unmatched becomes its own piece
// anyway, so the results are the same).
constexpr std::string_view kGpt2 =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S))";

// Llama 3 and Qwen 2 spell the case-insensitive contractions with explicit classes, as llama.cpp does
// (so "'ſ" is not a contraction here, unlike with a Unicode case-insensitive match).
constexpr std::string_view kLlama3 =
    R"((?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
constexpr std::string_view kQwen2 =
    R"((?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
constexpr std::string_view kQwen35 =
    R"((?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+|\p{N}| ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

constexpr std::array<std::string_view, 1> kGpt2Patterns = {kGpt2};
constexpr std::array<std::string_view, 1> kLlama3Patterns = {kLlama3};
constexpr std::array<std::string_view, 1> kQwen2Patterns = {kQwen2};
constexpr std::array<std::string_view, 1> kQwen35Patterns = {kQwen35};
constexpr std::array<std::string_view, 2> kStarcoderPatterns = {R"(\p{N})", kGpt2};
constexpr std::array<std::string_view, 3> kFalconPatterns = {R"([\p{P}\$\+<=>\^~\|]+)", kGpt2,
                                                             "[0-9][0-9][0-9]"};
constexpr std::array<std::string_view, 6> kDeepseekLlmPatterns = {
    R"([\r\n])",
    R"(\s?[A-Za-z\x{b5}\x{c0}-\x{d6}\x{d8}-\x{f6}\x{f8}-\x{1ba}\x{1bc}-\x{1bf}\x{1c4}-\x{293}\x{295}-\x{2af}\x{370}-\x{373}\x{376}\x{377}\x{37b}-\x{37d}\x{37f}\x{386}\x{388}-\x{38a}\x{38c}\x{38e}-\x{3a1}\x{3a3}-\x{3f5}\x{3f7}-\x{481}\x{48a}-\x{52f}\x{531}-\x{556}\x{10a0}-\x{10c5}\x{13a0}-\x{13f5}\x{13f8}-\x{13fd}\x{1c90}-\x{1cba}\x{1cbd}-\x{1cbf}\x{1d00}-\x{1d2b}\x{1d6b}-\x{1d77}\x{1d79}-\x{1d9a}\x{1e00}-\x{1f15}\x{1f18}-\x{1f1d}\x{1f20}-\x{1f45}\x{1f48}-\x{1f4d}\x{1f50}-\x{1f57}\x{1f59}\x{1f5b}\x{1f5d}\x{1f5f}-\x{1f7d}\x{1f80}-\x{1fb4}\x{1fb6}-\x{1fbc}\x{1fbe}\x{1fc2}-\x{1fc4}\x{1fc6}-\x{1fcc}\x{1fd0}-\x{1fd3}\x{1fd6}-\x{1fdb}\x{1fe0}-\x{1fec}\x{1ff2}-\x{1ff4}\x{1ff6}-\x{1ffc}\x{2102}\x{2107}\x{210a}-\x{2113}\x{2115}\x{2119}-\x{211d}\x{2124}\x{2126}\x{2128}\x{212a}-\x{212d}\x{212f}-\x{2134}\x{2139}\x{213c}-\x{213f}\x{2145}-\x{2149}\x{214e}\x{2183}\x{2184}\x{2c00}-\x{2c7b}\x{2c7e}-\x{2ce4}\x{2ceb}-\x{2cee}\x{2cf2}\x{2cf3}\x{a640}-\x{a66d}\x{a680}-\x{a69b}\x{a722}-\x{a76f}\x{a771}-\x{a787}\x{a78b}-\x{a78e}\x{ab70}-\x{abbf}\x{fb00}-\x{fb06}\x{fb13}-\x{fb17}\x{ff21}-\x{ff3a}\x{ff41}-\x{ff5a}\x{10400}-\x{1044f}\x{104b0}-\x{104d3}\x{104d8}-\x{104fb}\x{10c80}-\x{10cb2}\x{10cc0}-\x{10cf2}\x{118a0}-\x{118df}\x{1e900}-\x{1e943}]+)",
    R"(\s?[!-/:-~\x{ff01}-\x{ff0f}\x{ff1a}-\x{ff5e}\x{2018}-\x{201f}\x{3000}-\x{3002}]+)",
    R"(\s+\z)",
    R"([\x{4e00}-\x{9fa5}\x{800}-\x{4e00}\x{ac00}-\x{d7ff}]+)",
    R"(\p{N}+)",
};
constexpr std::array<std::string_view, 5> kDeepseekCoderPatterns = {
    R"([\r\n])", R"(\s?\p{L}+)", R"(\s?\p{P}+)", R"([\x{4e00}-\x{9fa5}\x{800}-\x{4e00}\x{ac00}-\x{d7ff}]+)",
    R"(\p{N})"};

constexpr std::array<Names, 3> kLlama3Names = {"llama-bpe", "llama3", "llama-v3"};
constexpr std::array<Names, 2> kGpt2Names = {"gpt-2", "mpt"};
constexpr std::array<Names, 2> kQwen2Names = {"qwen2", "deepseek-r1-qwen"};
constexpr std::array<Names, 1> kQwen35Names = {"qwen35"};
constexpr std::array<Names, 3> kStarcoderNames = {"starcoder", "refact", "command-r"};
constexpr std::array<Names, 1> kFalconNames = {"falcon"};
constexpr std::array<Names, 1> kDeepseekLlmNames = {"deepseek-llm"};
constexpr std::array<Names, 1> kDeepseekCoderNames = {"deepseek-coder"};

const std::array<GgufPreTokenizer, 8>& table() {
    static const std::array<GgufPreTokenizer, 8> kTable = {{
        {kLlama3Names, kLlama3Patterns, /*ignore_merges=*/true, /*add_bos=*/true},
        {kQwen2Names, kQwen2Patterns, false, false},
        {kQwen35Names, kQwen35Patterns, false, false},
        {kGpt2Names, kGpt2Patterns, false, false},
        {kStarcoderNames, kStarcoderPatterns, false, false},
        {kFalconNames, kFalconPatterns, false, false},
        {kDeepseekLlmNames, kDeepseekLlmPatterns, false, false},
        {kDeepseekCoderNames, kDeepseekCoderPatterns, false, false},
    }};
    return kTable;
}

}  // namespace

std::optional<GgufPreTokenizer> find_gguf_pre_tokenizer(std::string_view pre) {
    for (const GgufPreTokenizer& entry : table()) {
        for (const std::string_view name : entry.names) {
            if (name == pre) return entry;
        }
    }
    return std::nullopt;
}

std::string_view supported_gguf_pre_names() {
    return "llama-bpe, llama3, llama-v3, qwen2, deepseek-r1-qwen, qwen35, gpt-2, mpt, starcoder, refact, "
           "command-r, falcon, deepseek-llm, deepseek-coder";
}

}  // namespace vela::tokenizer
