#include "grammar/vocabulary_index.h"

#include <algorithm>
#include <numeric>

namespace vela::grammar {
namespace {

constexpr size_t kMaxTokenBytes = 65535;

}  // namespace

Result<std::shared_ptr<const VocabularyIndex>> VocabularyIndex::build(std::vector<std::string> token_bytes,
                                                                      std::vector<uint8_t> special) {
    if (token_bytes.size() != special.size()) {
        return Error{Errc::InvalidArgument, "vocabulary index: " + std::to_string(token_bytes.size()) +
                                                " token strings but " + std::to_string(special.size()) +
                                                " special flags"};
    }
    if (token_bytes.size() > static_cast<size_t>(INT32_MAX)) {
        return Error{Errc::InvalidArgument, "vocabulary index: too many tokens"};
    }
    auto index = std::shared_ptr<VocabularyIndex>(new VocabularyIndex());
    index->token_bytes_ = std::move(token_bytes);
    index->special_ = std::move(special);
    const auto& bytes = index->token_bytes_;

    std::vector<TokenId> order;
    for (size_t id = 0; id < bytes.size(); ++id) {
        if (index->special_[id] || bytes[id].empty()) continue;
        if (bytes[id].size() > kMaxTokenBytes) {
            return Error{Errc::InvalidArgument, "vocabulary index: token " + std::to_string(id) + " has " +
                                                    std::to_string(bytes[id].size()) + " bytes (at most " +
                                                    std::to_string(kMaxTokenBytes) + ")"};
        }
        order.push_back(static_cast<TokenId>(id));
    }
    std::sort(order.begin(), order.end(),
              [&](TokenId a, TokenId b) { return bytes[a] != bytes[b] ? bytes[a] < bytes[b] : a < b; });

    auto& nodes = index->nodes_;
    std::vector<uint32_t> path;  // node indices from depth 1 down
    std::string_view previous;
    for (TokenId id : order) {
        std::string_view text = bytes[id];
        size_t common = 0;
        while (common < previous.size() && common < text.size() && previous[common] == text[common])
            ++common;
        while (path.size() > common) {
            nodes[path.back()].subtree_end = static_cast<uint32_t>(nodes.size());
            path.pop_back();
        }
        for (size_t i = common; i < text.size(); ++i) {
            TrieNode node;
            node.byte = static_cast<uint8_t>(text[i]);
            node.depth = static_cast<uint16_t>(i + 1);
            path.push_back(static_cast<uint32_t>(nodes.size()));
            nodes.push_back(node);
        }
        TrieNode& last = nodes[path.back()];
        if (last.token_begin == last.token_end)
            last.token_begin = static_cast<uint32_t>(index->trie_tokens_.size());
        index->trie_tokens_.push_back(id);
        last.token_end = static_cast<uint32_t>(index->trie_tokens_.size());
        index->max_depth_ = std::max<uint32_t>(index->max_depth_, static_cast<uint32_t>(text.size()));
        previous = text;
    }
    while (!path.empty()) {
        nodes[path.back()].subtree_end = static_cast<uint32_t>(nodes.size());
        path.pop_back();
    }
    return std::shared_ptr<const VocabularyIndex>(std::move(index));
}

Result<std::shared_ptr<const VocabularyIndex>> VocabularyIndex::from_tokenizer(const Tokenizer& tokenizer) {
    const int32_t n = tokenizer.vocab_size();
    std::vector<std::string> bytes(static_cast<size_t>(n));
    std::vector<uint8_t> special(static_cast<size_t>(n), 0);
    for (TokenId id = 0; id < n; ++id) {
        special[id] = tokenizer.is_special(id) ? 1 : 0;
        bytes[id] = tokenizer.token_bytes(id);
    }
    return build(std::move(bytes), std::move(special));
}

}  // namespace vela::grammar
