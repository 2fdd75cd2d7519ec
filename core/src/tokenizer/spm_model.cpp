#include "tokenizer/spm_model.h"

#include <queue>

#include "tokenizer/utf8.h"

namespace vela::tokenizer {

namespace {

// A symbol: the byte range [begin, end) of the word; merged-away symbols are marked dead.
struct Symbol {
    size_t begin;
    size_t end;
    int32_t prev;
    int32_t next;
    bool alive;
};

// A candidate merge of `left` with its right neighbour, valid while `left` still spans `n_bytes`
// together with that neighbour.
struct Candidate {
    float score;
    int32_t left;
    size_t n_bytes;
    // std::priority_queue is a max-heap: "less" means "merges later".
    bool operator<(const Candidate& other) const {
        if (score != other.score) return score < other.score;
        return left > other.left;
    }
};

}  // namespace

SpmModel::SpmModel(PieceMap vocab, std::vector<float> scores, std::array<TokenId, 256> byte_tokens,
                   std::optional<TokenId> unk_id)
    : vocab_(std::move(vocab)), scores_(std::move(scores)), byte_tokens_(byte_tokens), unk_id_(unk_id) {}

void SpmModel::encode_word(std::string_view word, std::vector<TokenId>& out) const {
    std::vector<Symbol> symbols;
    symbols.reserve(word.size());
    for (size_t pos = 0; pos < word.size();) {
        const size_t n = utf8_char_length(word, pos);
        const auto index = static_cast<int32_t>(symbols.size());
        symbols.push_back({pos, pos + n, index - 1, index + 1, true});
        pos += n;
    }
    if (symbols.empty()) return;
    symbols.back().next = -1;

    std::priority_queue<Candidate> queue;
    auto consider = [&](int32_t left, int32_t right) {
        if (left < 0 || right < 0) return;
        const Symbol& l = symbols[static_cast<size_t>(left)];
        const Symbol& r = symbols[static_cast<size_t>(right)];
        const auto it = vocab_.find(word.substr(l.begin, r.end - l.begin));
        if (it == vocab_.end()) return;
        const auto id = static_cast<size_t>(it->second);
        const float score = id < scores_.size() ? scores_[id] : 0.0f;
        queue.push({score, left, r.end - l.begin});
    };
    for (int32_t i = 0; i + 1 < static_cast<int32_t>(symbols.size()); ++i)
        consider(i, i + 1);

    while (!queue.empty()) {
        const Candidate c = queue.top();
        queue.pop();
        Symbol& left = symbols[static_cast<size_t>(c.left)];
        if (!left.alive || left.next < 0) continue;
        Symbol& right = symbols[static_cast<size_t>(left.next)];
        if (right.end - left.begin != c.n_bytes) continue;  // a neighbour changed since it was queued
        left.end = right.end;
        right.alive = false;
        left.next = right.next;
        if (right.next >= 0) symbols[static_cast<size_t>(right.next)].prev = c.left;
        consider(left.prev, c.left);
        consider(c.left, left.next);
    }

    for (int32_t i = 0; i >= 0; i = symbols[static_cast<size_t>(i)].next) {
        const Symbol& s = symbols[static_cast<size_t>(i)];
        const std::string_view text = word.substr(s.begin, s.end - s.begin);
        const auto it = vocab_.find(text);
        if (it != vocab_.end()) {
            out.push_back(it->second);
            continue;
        }
        bool all_bytes = true;
        for (const char c : text)
            all_bytes = all_bytes && byte_tokens_[static_cast<unsigned char>(c)] >= 0;
        if (all_bytes) {
            for (const char c : text)
                out.push_back(byte_tokens_[static_cast<unsigned char>(c)]);
        } else if (unk_id_) {
            out.push_back(*unk_id_);
        }
    }
}

}  // namespace vela::tokenizer
