// Regex: a compiled PCRE2 pattern (UTF + UCP, JIT when available) used by pre-tokenizers and
// normalizers.
//
// Patterns come from tokenizer.json files (written for Oniguruma / Rust regex) and from vela's table of
// GGUF pre-tokenizers; PCRE2 accepts their syntax as is (`\p{L}`, `(?i:...)`, `(?!\S)`). One deliberate
// translation: `\s` and `\S` also treat U+0085 (NEXT LINE) as whitespace, as Oniguruma (Hugging Face
// tokenizers) and llama.cpp do, while PCRE2's Unicode `\s` does not. A Regex is immutable after
// compile and safe to use from many threads; each search uses its own match data. Subjects must be
// valid UTF-8 (the tokenizer repairs its input first), so matches skip PCRE2's per-call UTF check,
// which would otherwise make scanning a long text quadratic.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vela/core/error.h"

namespace vela::tokenizer {

/// A byte range [begin, end) in a subject string.
struct Span {
    size_t begin = 0;
    size_t end = 0;
};

/// A compiled regular expression (move-only, immutable, thread-safe).
class Regex {
  public:
    /// Compiles `pattern`; the error names the pattern and PCRE2's message with the offset.
    static Result<Regex> compile(std::string_view pattern);

    /// Appends every successive non-overlapping, non-empty match in `subject` (valid UTF-8) to `out`.
    void find_all(std::string_view subject, std::vector<Span>& out) const;

    /// The pattern as given to compile().
    const std::string& pattern() const { return pattern_; }

    Regex(Regex&&) noexcept = default;
    Regex& operator=(Regex&&) noexcept = default;
    ~Regex();

  private:
    struct CodeDeleter {
        void operator()(void* code) const;
    };
    Regex(std::string pattern, void* code) : pattern_(std::move(pattern)), code_(code) {}

    std::string pattern_;
    std::unique_ptr<void, CodeDeleter> code_;  // pcre2_code_8*
};

}  // namespace vela::tokenizer
