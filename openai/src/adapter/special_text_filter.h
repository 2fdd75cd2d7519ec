// SpecialTextFilter: removes the text of special tokens from a stream of generated text.
//
// The engine writes special tokens' text when a request keeps them (skip_special_tokens false). The
// adapter keeps them whenever a tool-call or reasoning marker is itself a special token (Mistral's
// [TOOL_CALLS], Llama's <|python_tag|>, [THINK]), because the output parser must see those markers;
// every other special token's text is then cut out here, before parsing, so content looks exactly as
// with skip_special_tokens. Text that may be the start of a special token's text is held back until
// the next piece decides it, so a token text split across pieces is still removed.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace vela::openai {

/// The set of texts to remove, shared by every filter of one adapter.
class SpecialTextSet {
  public:
    /// The set of `texts` (empty strings are ignored).
    explicit SpecialTextSet(const std::vector<std::string>& texts);
    /// True when no text is removed.
    bool empty() const { return nodes_.size() == 1; }

  private:
    friend class SpecialTextFilter;
    struct Node {
        std::vector<std::pair<unsigned char, int>> next;  // byte -> child node
        bool terminal = false;                            // a whole text ends here
    };
    int child(int node, unsigned char byte) const;
    std::vector<Node> nodes_;  // a trie; node 0 is the root
};

/// Filters one stream of text.
class SpecialTextFilter {
  public:
    /// A filter removing the texts of `set` (nullptr: removes nothing).
    explicit SpecialTextFilter(std::shared_ptr<const SpecialTextSet> set);
    /// The text of `piece` that is certain to stay; a possible start of a special text is held back.
    std::string feed(std::string_view piece);
    /// The held text, at the end of the stream.
    std::string finish();

  private:
    std::shared_ptr<const SpecialTextSet> set_;
    std::string held_;
};

}  // namespace vela::openai
