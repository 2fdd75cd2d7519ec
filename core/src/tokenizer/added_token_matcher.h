// AddedTokenMatcher: finds added and special tokens written in raw text, before normalization and
// pre-tokenization, and cuts the text around them.
//
// Matching is leftmost-longest over a byte trie, as Hugging Face tokenizers (aho-corasick
// LeftmostLongest) and transformers.js do: at each character position the longest token allowed there
// wins; otherwise the scan moves on one character. Control tokens are allowed only when the caller
// parses special tokens; user-defined tokens always are (llama.cpp's rule, and Hugging Face's for
// non-special added tokens). A token's `lstrip`/`rstrip` swallow Unicode whitespace beside it;
// `single_word` allows a match only where no letter, digit or '_' touches it on either side.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vela/core/types.h"

namespace vela::tokenizer {

/// A token matched verbatim in text.
struct AddedToken {
    TokenId id = 0;
    std::string content;       // the exact text that stands for the token
    bool special = false;      // a control token: matched only when parsing special tokens
    bool lstrip = false;       // also consumes whitespace on its left
    bool rstrip = false;       // also consumes whitespace on its right
    bool single_word = false;  // matches only as a whole word
};

/// One stretch of the cut text: a matched token, or a byte range of ordinary text.
struct TextSection {
    bool is_token = false;
    TokenId id = 0;    // when is_token
    size_t begin = 0;  // when !is_token: the range [begin, end) of the text
    size_t end = 0;
};

/// Leftmost-longest matcher over a set of added tokens (immutable, thread-safe).
class AddedTokenMatcher {
  public:
    AddedTokenMatcher() = default;
    /// A matcher for `tokens` (empty contents are ignored; a later duplicate content replaces an earlier).
    explicit AddedTokenMatcher(const std::vector<AddedToken>& tokens);

    /// Cuts `text` (valid UTF-8) into sections; text sections are never empty.
    std::vector<TextSection> split(std::string_view text, bool parse_special) const;

  private:
    struct Terminal {
        TokenId id;
        bool special;
        bool lstrip;
        bool rstrip;
        bool single_word;
    };
    static uint64_t edge_key(int32_t node, unsigned char byte) {
        return (static_cast<uint64_t>(static_cast<uint32_t>(node)) << 8) | byte;
    }
    // The longest allowed match starting at `pos`, as (terminal index, length); length 0 if none.
    std::pair<int32_t, size_t> longest_match(std::string_view text, size_t pos, bool parse_special) const;

    std::unordered_map<uint64_t, int32_t> edges_;  // (node, byte) -> child node; node 0 is the root
    std::vector<int32_t> terminal_of_node_;        // node -> index into terminals_, or -1
    std::vector<Terminal> terminals_;
    std::array<bool, 256> can_start_{};  // bytes some token starts with
};

}  // namespace vela::tokenizer
