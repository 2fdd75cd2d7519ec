// Normalizer: the text rewrite a tokenizer applies to each stretch of text between added tokens,
// before pre-tokenization (Hugging Face `normalizer`; for GGUF SentencePiece vocabularies the space
// escaping llama.cpp does).
//
// A normalizer is a flat list of steps (a tokenizer.json `Sequence` is flattened when loading). Unicode
// normalization forms go through utf8proc; `Replace` takes a literal or a regex; `Prepend` adds its
// text in front of non-empty input, as Hugging Face tokenizers does. Input is valid UTF-8.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "tokenizer/regex.h"

namespace vela::tokenizer {

/// A Unicode normalization form.
enum class UnicodeForm { Nfc, Nfd, Nfkc, Nfkd };

/// An ordered list of text rewrites (immutable once built).
class Normalizer {
  public:
    /// Appends a Unicode normalization step.
    void add_unicode_form(UnicodeForm form) { steps_.emplace_back(form); }
    /// Appends a step replacing every occurrence of the literal `from` with `to`.
    void add_replace(std::string from, std::string to) {
        steps_.emplace_back(ReplaceLiteral{std::move(from), std::move(to)});
    }
    /// Appends a step replacing every match of `pattern` with the literal `to`.
    void add_replace_regex(Regex pattern, std::string to) {
        steps_.emplace_back(ReplaceRegex{std::move(pattern), std::move(to)});
    }
    /// Appends a step putting `text` in front of non-empty input.
    void add_prepend(std::string text) { steps_.emplace_back(Prepend{std::move(text)}); }
    /// Appends a step removing Unicode whitespace from the left and/or right end.
    void add_strip(bool left, bool right) { steps_.emplace_back(Strip{left, right}); }

    /// True when there are no steps.
    bool empty() const { return steps_.empty(); }
    /// `text` with every step applied in order.
    std::string apply(std::string_view text) const;

  private:
    struct ReplaceLiteral {
        std::string from;
        std::string to;
    };
    struct ReplaceRegex {
        Regex pattern;
        std::string to;
    };
    struct Prepend {
        std::string text;
    };
    struct Strip {
        bool left;
        bool right;
    };
    using Step = std::variant<UnicodeForm, ReplaceLiteral, ReplaceRegex, Prepend, Strip>;

    std::vector<Step> steps_;
};

/// `text` (valid UTF-8) in Unicode normalization form `form`.
std::string normalize_unicode(std::string_view text, UnicodeForm form);

}  // namespace vela::tokenizer
