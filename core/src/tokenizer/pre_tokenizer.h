// PreTokenizer: splits each normalized stretch of text into the words the model encodes separately.
//
// It is an ordered list of steps, each applied to every piece the previous steps produced (a
// tokenizer.json `Sequence`, or llama.cpp's list of regexes for a GGUF `tokenizer.ggml.pre`). A split
// step marks the pattern's matches and the text between them, then keeps, drops or merges them by the
// Hugging Face delimiter behaviours (Isolated, Removed, MergedWithPrevious, MergedWithNext,
// Contiguous; `invert` swaps which parts are delimiters). Byte-level tokenizers need no step for their
// byte alphabet because vela's BPE works on raw bytes; their `ByteLevel` step is only the optional
// prefix space and GPT-2 split. Metaspace rewrites spaces and may prepend the replacement.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "tokenizer/regex.h"

namespace vela::tokenizer {

/// What a split step does with the parts its pattern matches (the delimiters).
enum class SplitBehavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

/// When Metaspace puts the replacement character in front of a piece.
enum class PrependScheme { Always, First, Never };

/// The GPT-2 split used by the ByteLevel pre-tokenizer when its `use_regex` is on.
inline constexpr std::string_view kGpt2SplitPattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

/// An ordered list of splitting steps (immutable once built).
class PreTokenizer {
  public:
    /// Appends a split on matches of `pattern`.
    void add_split(Regex pattern, SplitBehavior behavior, bool invert);
    /// Appends a split on occurrences of the literal `delimiter`.
    void add_literal_split(std::string delimiter, SplitBehavior behavior, bool invert);
    /// Appends a prefix-space step: a space goes in front of each piece that does not start with one.
    void add_prefix_space();
    /// Appends a Metaspace step: spaces become `replacement`, which is prepended per `scheme`; with
    /// `split`, each piece is cut before every replacement character.
    void add_metaspace(std::string replacement, PrependScheme scheme, bool split);

    /// True when there are no steps.
    bool empty() const { return steps_.empty(); }

    /// The words of `text` (valid UTF-8), in order. `at_text_start` says whether `text` begins at
    /// offset 0 of the caller's whole input (Metaspace's "first" scheme prepends only then).
    std::vector<std::string> split(std::string_view text, bool at_text_start) const;

  private:
    struct Split {
        std::variant<Regex, std::string> pattern;  // a regex or a literal delimiter
        SplitBehavior behavior;
        bool invert;
    };
    struct PrefixSpace {};
    struct Metaspace {
        std::string replacement;
        PrependScheme scheme;
        bool split;
    };
    using Step = std::variant<Split, PrefixSpace, Metaspace>;

    std::vector<Step> steps_;
};

}  // namespace vela::tokenizer
