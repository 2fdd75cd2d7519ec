#include "tokenizer/bpe_model.h"

#include <queue>

#include "tokenizer/utf8.h"

namespace vela::tokenizer {

namespace {

// A symbol of the word being merged; merged-away symbols are unlinked and marked dead.
struct Symbol {
    TokenId id;
    int32_t prev;
    int32_t next;
    bool alive;
};

// A candidate merge of the symbols at `left` and `right`, valid only while both still hold the ids
// it was made from and are still adjacent.
struct Candidate {
    int32_t rank;
    int32_t left;
    int32_t right;
    TokenId left_id;
    TokenId right_id;
    TokenId result;
    // std::priority_queue is a max-heap: "less" means "merges later".
    bool operator<(const Candidate& other) const {
        if (rank != other.rank) return rank > other.rank;
        return left > other.left;
    }
};

}  // namespace

BpeModel::BpeModel(BpeOptions options, PieceMap vocab, const std::vector<BpeMerge>& merges,
                   std::array<TokenId, 256> byte_tokens)
    : options_(options), vocab_(std::move(vocab)), byte_tokens_(byte_tokens) {
    merges_.reserve(merges.size());
    for (size_t rank = 0; rank < merges.size(); ++rank) {
        const BpeMerge& m = merges[rank];
        // The first occurrence of a pair wins, as when Hugging Face builds its merge map.
        merges_.try_emplace(pair_key(m.left, m.right), MergeRule{static_cast<int32_t>(rank), m.result});
    }
    for (int b = 0; b < 256; ++b) {
        const char c = static_cast<char>(b);
        single_byte_ids_[static_cast<size_t>(b)] = find(std::string_view(&c, 1));
    }
}

TokenId BpeModel::find(std::string_view piece) const {
    const auto it = vocab_.find(piece);
    return it == vocab_.end() ? -1 : it->second;
}

void BpeModel::push_initial(std::string_view unit, std::vector<TokenId>& symbols) const {
    const TokenId id = unit.size() == 1 ? single_byte_ids_[static_cast<unsigned char>(unit[0])] : find(unit);
    if (id >= 0) {
        symbols.push_back(id);
        return;
    }
    if (options_.byte_fallback) {
        bool all_bytes = true;
        for (const char c : unit)
            all_bytes = all_bytes && byte_tokens_[static_cast<unsigned char>(c)] >= 0;
        if (all_bytes) {
            for (const char c : unit)
                symbols.push_back(byte_tokens_[static_cast<unsigned char>(c)]);
            return;
        }
    }
    // A character the vocabulary cannot spell: the unknown token, or nothing when there is none.
    if (options_.unk_id) symbols.push_back(*options_.unk_id);
}

void BpeModel::encode_word(std::string_view word, std::vector<TokenId>& out) const {
    if (options_.whole_newline_runs && word.find_first_not_of('\n') == std::string_view::npos) {
        const TokenId whole = find(word);
        if (whole >= 0) {
            out.push_back(whole);
            return;
        }
    }
    if (options_.ignore_merges) {
        const TokenId whole = find(word);
        if (whole >= 0) {
            out.push_back(whole);
            return;
        }
    }
    std::vector<TokenId> ids;
    ids.reserve(word.size());
    if (options_.unit == SymbolUnit::Byte) {
        for (size_t i = 0; i < word.size(); ++i)
            push_initial(word.substr(i, 1), ids);
    } else {
        for (size_t i = 0; i < word.size();) {
            const size_t n = utf8_char_length(word, i);
            push_initial(word.substr(i, n), ids);
            i += n;
        }
    }

    const auto n = static_cast<int32_t>(ids.size());
    std::vector<Symbol> symbols(ids.size());
    for (int32_t i = 0; i < n; ++i)
        symbols[static_cast<size_t>(i)] = {ids[static_cast<size_t>(i)], i - 1, i + 1, true};
    if (n > 0) symbols.back().next = -1;

    std::vector<Candidate> storage;
    storage.reserve(ids.size());
    std::priority_queue<Candidate> queue(std::less<Candidate>{}, std::move(storage));
    auto consider = [&](int32_t left, int32_t right) {
        if (left < 0 || right < 0) return;
        const TokenId l = symbols[static_cast<size_t>(left)].id;
        const TokenId r = symbols[static_cast<size_t>(right)].id;
        const auto it = merges_.find(pair_key(l, r));
        if (it != merges_.end()) queue.push({it->second.rank, left, right, l, r, it->second.result});
    };
    for (int32_t i = 0; i + 1 < n; ++i)
        consider(i, i + 1);

    while (!queue.empty()) {
        const Candidate c = queue.top();
        queue.pop();
        Symbol& left = symbols[static_cast<size_t>(c.left)];
        if (!left.alive || left.next != c.right || left.id != c.left_id) continue;
        Symbol& right = symbols[static_cast<size_t>(c.right)];
        if (right.id != c.right_id) continue;
        left.id = c.result;
        right.alive = false;
        left.next = right.next;
        if (right.next >= 0) symbols[static_cast<size_t>(right.next)].prev = c.left;
        consider(left.prev, c.left);
        consider(c.left, left.next);
    }

    const size_t first_out = out.size();
    for (int32_t i = n > 0 ? 0 : -1; i >= 0; i = symbols[static_cast<size_t>(i)].next) {
        const TokenId id = symbols[static_cast<size_t>(i)].id;
        if (options_.fuse_unk && options_.unk_id && id == *options_.unk_id && out.size() > first_out &&
            out.back() == id) {
            continue;
        }
        out.push_back(id);
    }
}

}  // namespace vela::tokenizer
