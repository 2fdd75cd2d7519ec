// BpeModel against a naive reference written for this test: repeatedly apply the lowest-ranked
// merge at its leftmost position until none applies (quadratic, obviously right). Random vocabularies,
// merges and words, in both symbol units, plus byte fallback, unknown tokens and ignore_merges.
#include "tokenizer/bpe_model.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace vela::tokenizer {
namespace {

struct RandomBpe {
    PieceMap vocab;
    std::vector<std::string> texts;  // id -> text
    std::vector<BpeMerge> merges;
    std::map<std::pair<TokenId, TokenId>, size_t> rank_of;

    TokenId add(const std::string& text) {
        const auto [it, inserted] = vocab.try_emplace(text, static_cast<TokenId>(texts.size()));
        if (inserted) texts.push_back(text);
        return it->second;
    }
};

RandomBpe make_random_bpe(std::mt19937& rng, const std::vector<std::string>& alphabet, size_t n_merges) {
    RandomBpe bpe;
    for (const std::string& a : alphabet)
        bpe.add(a);
    for (size_t m = 0; m < n_merges; ++m) {
        std::uniform_int_distribution<size_t> pick(0, bpe.texts.size() - 1);
        const auto left = static_cast<TokenId>(pick(rng));
        const auto right = static_cast<TokenId>(pick(rng));
        if (bpe.rank_of.count({left, right}) != 0) continue;
        const TokenId result =
            bpe.add(bpe.texts[static_cast<size_t>(left)] + bpe.texts[static_cast<size_t>(right)]);
        bpe.rank_of[{left, right}] = bpe.merges.size();
        bpe.merges.push_back({left, right, result});
    }
    return bpe;
}

std::vector<TokenId> naive_bpe(const RandomBpe& bpe, std::vector<TokenId> symbols) {
    while (true) {
        size_t best_rank = SIZE_MAX;
        size_t best_pos = 0;
        for (size_t i = 0; i + 1 < symbols.size(); ++i) {
            const auto it = bpe.rank_of.find({symbols[i], symbols[i + 1]});
            if (it != bpe.rank_of.end() && it->second < best_rank) {
                best_rank = it->second;
                best_pos = i;
            }
        }
        if (best_rank == SIZE_MAX) return symbols;
        symbols[best_pos] = bpe.merges[best_rank].result;
        symbols.erase(symbols.begin() + static_cast<std::ptrdiff_t>(best_pos) + 1);
    }
}

BpeOptions options(SymbolUnit unit, bool byte_fallback = false, bool ignore_merges = false,
                   bool fuse_unk = false, std::optional<TokenId> unk_id = std::nullopt) {
    BpeOptions o;
    o.unit = unit;
    o.byte_fallback = byte_fallback;
    o.ignore_merges = ignore_merges;
    o.fuse_unk = fuse_unk;
    o.unk_id = unk_id;
    return o;
}

std::array<TokenId, 256> no_bytes() {
    std::array<TokenId, 256> a;
    a.fill(-1);
    return a;
}

TEST(BpeModel, CharacterUnitsMatchTheNaiveReference) {
    std::mt19937 rng(1234);
    const std::vector<std::string> alphabet = {"a", "b", "c", "\xC3\xA9", "\xE2\x96\x81"};  // a b c é ▁
    for (int trial = 0; trial < 40; ++trial) {
        RandomBpe bpe = make_random_bpe(rng, alphabet, 60);
        BpeModel model(options(SymbolUnit::Char), bpe.vocab, bpe.merges, no_bytes());
        for (int w = 0; w < 50; ++w) {
            std::uniform_int_distribution<size_t> length(1, 30);
            std::uniform_int_distribution<size_t> letter(0, alphabet.size() - 1);
            std::string word;
            std::vector<TokenId> symbols;
            for (size_t n = length(rng); n > 0; --n) {
                const size_t k = letter(rng);
                word += alphabet[k];
                symbols.push_back(static_cast<TokenId>(k));
            }
            std::vector<TokenId> got;
            model.encode_word(word, got);
            ASSERT_EQ(got, naive_bpe(bpe, symbols)) << "trial " << trial << " word " << word;
        }
    }
}

TEST(BpeModel, ByteUnitsMatchTheNaiveReference) {
    std::mt19937 rng(99);
    std::vector<std::string> alphabet;
    for (int b = 0; b < 256; ++b)
        alphabet.emplace_back(1, static_cast<char>(b));
    RandomBpe bpe = make_random_bpe(rng, alphabet, 3000);
    BpeModel model(options(SymbolUnit::Byte), bpe.vocab, bpe.merges, no_bytes());
    std::uniform_int_distribution<int> byte(0, 15);  // a small range, so merges apply often
    for (int w = 0; w < 300; ++w) {
        std::string word;
        std::vector<TokenId> symbols;
        for (int n = 0; n < 1 + w % 64; ++n) {
            const int b = byte(rng);
            word += static_cast<char>(b);
            symbols.push_back(static_cast<TokenId>(b));
        }
        std::vector<TokenId> got;
        model.encode_word(word, got);
        ASSERT_EQ(got, naive_bpe(bpe, symbols));
    }
}

TEST(BpeModel, LongRunWithoutSpacesMergesCompletely) {
    // "a" merges to "aa", "aaaa", ... up to 1024 a's. Pairs merge leftmost first at every level, so a run
    // of n a's ends as n / 1024 blocks of 1024 followed by the binary digits of the rest, largest first.
    RandomBpe bpe;
    bpe.add("a");
    std::string piece = "a";
    for (int level = 0; level < 10; ++level) {
        const TokenId id = bpe.vocab.at(piece);
        const TokenId result = bpe.add(piece + piece);
        bpe.rank_of[{id, id}] = bpe.merges.size();
        bpe.merges.push_back({id, id, result});
        piece += piece;
    }
    BpeModel model(options(SymbolUnit::Byte), bpe.vocab, bpe.merges, no_bytes());
    for (const size_t n : {size_t{3000}, size_t{100000}}) {
        std::vector<TokenId> expected(n / 1024, bpe.vocab.at(std::string(1024, 'a')));
        for (size_t bit = 512; bit > 0; bit /= 2) {
            if ((n % 1024) & bit) expected.push_back(bpe.vocab.at(std::string(bit, 'a')));
        }
        std::vector<TokenId> got;
        model.encode_word(std::string(n, 'a'), got);
        EXPECT_EQ(got, expected) << n;
        if (n <= 3000) {
            EXPECT_EQ(got, naive_bpe(bpe, std::vector<TokenId>(n, 0)));
        }
    }
}

TEST(BpeModel, UnknownCharactersUseByteTokensThenTheUnknownToken) {
    PieceMap vocab = {{"<unk>", 0}, {"a", 1}, {"<0xC3>", 2}, {"<0xA9>", 3}};
    std::array<TokenId, 256> bytes = no_bytes();
    bytes[0xC3] = 2;
    bytes[0xA9] = 3;
    BpeModel fallback(options(SymbolUnit::Char, true, false, false, 0), vocab, {}, bytes);
    std::vector<TokenId> out;
    fallback.encode_word("a\xC3\xA9\xE2\x82\xAC", out);  // a é € : € has no byte tokens here
    EXPECT_EQ(out, (std::vector<TokenId>{1, 2, 3, 0}));

    BpeModel fused(options(SymbolUnit::Char, false, false, true, 0), vocab, {}, no_bytes());
    out.clear();
    fused.encode_word("xyza", out);
    EXPECT_EQ(out, (std::vector<TokenId>{0, 1}));
}

TEST(BpeModel, IgnoreMergesTakesWholeWordsFromTheVocabulary) {
    // "abc" is in the vocabulary but the merges would make "a" + "bc".
    PieceMap vocab = {{"a", 0}, {"b", 1}, {"c", 2}, {"bc", 3}, {"abc", 4}};
    const std::vector<BpeMerge> merges = {{1, 2, 3}};
    std::vector<TokenId> out;
    BpeModel plain(options(SymbolUnit::Byte), vocab, merges, no_bytes());
    plain.encode_word("abc", out);
    EXPECT_EQ(out, (std::vector<TokenId>{0, 3}));
    out.clear();
    BpeModel ignoring(options(SymbolUnit::Byte, false, true), vocab, merges, no_bytes());
    ignoring.encode_word("abc", out);
    EXPECT_EQ(out, (std::vector<TokenId>{4}));
}

}  // namespace
}  // namespace vela::tokenizer
