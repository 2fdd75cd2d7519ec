// VocabularyIndex: the flattened trie holds exactly the non-special, non-empty tokens, each at the node
// spelling its bytes, with correct subtree bounds.
#include "grammar/vocabulary_index.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

namespace vela::grammar {
namespace {

TEST(VocabularyIndex, TrieSpellsEveryTokenOnce) {
    std::mt19937 rng(2);
    std::vector<std::string> bytes;
    std::vector<uint8_t> special;
    for (int i = 0; i < 3000; ++i) {
        std::string s;
        for (size_t n = 1 + rng() % 6; n > 0; --n)
            s += static_cast<char>("ab\xC3\xA9\x00z"[rng() % 6]);
        bytes.push_back(s);
        special.push_back(rng() % 50 == 0 ? 1 : 0);
    }
    bytes.push_back("");
    special.push_back(0);
    bytes.push_back("ab");  // duplicate texts keep both ids
    special.push_back(0);
    bytes.push_back("ab");
    special.push_back(0);
    auto index = VocabularyIndex::build(bytes, special);
    ASSERT_TRUE(index.ok());
    const auto nodes = (*index)->trie();
    const auto tokens = (*index)->trie_tokens();
    std::map<TokenId, std::string> spelled;
    std::vector<std::string> path;
    for (uint32_t i = 0; i < nodes.size(); ++i) {
        const auto& node = nodes[i];
        path.resize(node.depth - 1u);
        path.push_back((path.empty() ? std::string() : path.back()) + static_cast<char>(node.byte));
        ASSERT_GT(node.subtree_end, i);
        ASSERT_LE(node.subtree_end, nodes.size());
        for (uint32_t j = i + 1; j < node.subtree_end; ++j)
            ASSERT_GT(nodes[j].depth, node.depth);
        if (node.subtree_end < nodes.size()) {
            ASSERT_LE(nodes[node.subtree_end].depth, node.depth);
        }
        for (uint32_t k = node.token_begin; k < node.token_end; ++k) {
            ASSERT_FALSE(spelled.contains(tokens[k]));
            spelled[tokens[k]] = path.back();
        }
    }
    for (TokenId t = 0; t < static_cast<TokenId>(bytes.size()); ++t) {
        if (special[t] || bytes[t].empty()) {
            EXPECT_FALSE(spelled.contains(t)) << t;
        } else {
            ASSERT_TRUE(spelled.contains(t)) << t;
            EXPECT_EQ(spelled[t], bytes[t]) << t;
        }
    }
    EXPECT_EQ((*index)->max_depth(), 6u);
    EXPECT_EQ((*index)->n_mask_words(), (bytes.size() + 31) / 32);
    EXPECT_FALSE(VocabularyIndex::build({"a"}, {}).ok());
}

}  // namespace
}  // namespace vela::grammar
