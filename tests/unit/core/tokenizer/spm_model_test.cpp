// SpmModel against a naive reference written for this test: repeatedly merge the adjacent pair whose
// concatenation is the highest-scoring vocabulary entry (leftmost on ties), then spell leftover
// characters with byte tokens. Random vocabularies, scores and words.
#include "tokenizer/spm_model.h"

#include <gtest/gtest.h>

#include <random>

namespace vela::tokenizer {
namespace {

std::vector<TokenId> naive_spm(const PieceMap& vocab, const std::vector<float>& scores,
                               const std::array<TokenId, 256>& bytes, std::vector<std::string> symbols) {
    while (true) {
        float best = 0;
        size_t best_pos = SIZE_MAX;
        for (size_t i = 0; i + 1 < symbols.size(); ++i) {
            const auto it = vocab.find(symbols[i] + symbols[i + 1]);
            if (it == vocab.end()) continue;
            const float score = scores[static_cast<size_t>(it->second)];
            if (best_pos == SIZE_MAX || score > best) {
                best = score;
                best_pos = i;
            }
        }
        if (best_pos == SIZE_MAX) break;
        symbols[best_pos] += symbols[best_pos + 1];
        symbols.erase(symbols.begin() + static_cast<std::ptrdiff_t>(best_pos) + 1);
    }
    std::vector<TokenId> out;
    for (const std::string& s : symbols) {
        const auto it = vocab.find(s);
        if (it != vocab.end()) {
            out.push_back(it->second);
        } else {
            for (const char c : s)
                out.push_back(bytes[static_cast<unsigned char>(c)]);
        }
    }
    return out;
}

TEST(SpmModel, MatchesTheNaiveReference) {
    std::mt19937 rng(7);
    const std::vector<std::string> alphabet = {"\xE2\x96\x81", "a", "b", "c", "d"};  // ▁ a b c d
    for (int trial = 0; trial < 40; ++trial) {
        PieceMap vocab;
        std::vector<std::string> texts;
        std::array<TokenId, 256> bytes;
        bytes.fill(-1);
        for (int b = 0; b < 256; ++b) {
            bytes[static_cast<size_t>(b)] = static_cast<TokenId>(texts.size());
            texts.push_back("<0x" + std::to_string(b) + ">");
        }
        // "d" is left out of the vocabulary so that byte fallback is exercised.
        for (size_t k = 0; k + 1 < alphabet.size(); ++k)
            texts.push_back(alphabet[k]);
        std::uniform_int_distribution<size_t> pick(256, 256 + alphabet.size() - 2);
        for (int n = 0; n < 40; ++n) {
            const std::string piece =
                texts[pick(rng)] + texts[pick(rng)] + (n % 3 == 0 ? texts[pick(rng)] : "");
            texts.push_back(piece);
        }
        std::uniform_int_distribution<int> score(-20, 0);  // coarse, so ties happen
        std::vector<float> scores;
        for (size_t id = 0; id < texts.size(); ++id) {
            vocab.try_emplace(texts[id], static_cast<TokenId>(id));
            scores.push_back(static_cast<float>(score(rng)));
        }
        SpmModel model(vocab, scores, bytes, std::nullopt);
        std::uniform_int_distribution<size_t> letter(0, alphabet.size() - 1);
        for (int w = 0; w < 60; ++w) {
            std::string word;
            std::vector<std::string> symbols;
            for (int n = 0; n < 1 + w % 25; ++n) {
                symbols.push_back(alphabet[letter(rng)]);
                word += symbols.back();
            }
            std::vector<TokenId> got;
            model.encode_word(word, got);
            ASSERT_EQ(got, naive_spm(vocab, scores, bytes, symbols)) << "trial " << trial << " word " << word;
        }
    }
}

TEST(SpmModel, UnknownCharacterWithoutByteTokensIsTheUnknownToken) {
    PieceMap vocab = {{"<unk>", 0}, {"a", 1}};
    std::array<TokenId, 256> bytes;
    bytes.fill(-1);
    SpmModel model(vocab, {0.0f, 0.0f}, bytes, TokenId{0});
    std::vector<TokenId> out;
    model.encode_word(
        "a\xE2\x82\xAC"
        "a",
        out);
    EXPECT_EQ(out, (std::vector<TokenId>{1, 0, 1}));
}

}  // namespace
}  // namespace vela::tokenizer
