// JsonGrammarBlocks: the JSON pieces every structured-output grammar is made of, built into one
// GrammarBuilder: bounded whitespace, strings, numbers, literals, objects with ordered optional
// members, arrays, and "any JSON value".
//
// Whitespace between JSON tokens is bounded: nothing, one space, or a newline followed by at most
// max_indent spaces, so a constrained model must always make progress. Free strings accept every JSON
// escape (with surrogate escapes only in valid pairs); strings under a character-level constraint
// (length, pattern, format, enum) use one canonical encoding per character (raw UTF-8, \" \\ and
// \b \f \n \r \t, \u00XX for other control characters), so the constraint can be checked byte by
// byte. Free strings and "any value" are shared rules called from every use, which lets the token-mask
// cache share their (large) masks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "grammar/code_point_set.h"
#include "grammar/grammar_builder.h"

namespace vela::grammar {

/// One item of a comma-joined list: `expr` repeated between min and max times (max may be kUnbounded).
struct JoinedItem {
    ExprId expr = 0;   // the item, e.g. a `"key": value` member
    uint32_t min = 1;  // 0 = optional
    uint32_t max = 1;  // kUnbounded = any number
};

/// Builds JSON grammar pieces into a GrammarBuilder.
class JsonGrammarBlocks {
  public:
    /// Builds into `builder`; whitespace slots allow a newline plus at most `max_indent` spaces.
    JsonGrammarBlocks(GrammarBuilder& builder, uint32_t max_indent);

    /// The builder everything goes into.
    GrammarBuilder& builder() { return b_; }
    /// Optional bounded whitespace between two JSON tokens.
    ExprId ws();
    /// Any JSON string, quotes included.
    ExprId string();
    /// One character from `set`, in canonical JSON encoding (no quotes).
    ExprId chars(const CodePointSet& set);
    /// One character of any kind, in canonical JSON encoding.
    ExprId any_char();
    /// `body` between double quotes.
    ExprId quoted(ExprId body);
    /// Any JSON integer (no fraction, no exponent).
    ExprId integer();
    /// Any JSON number.
    ExprId number();
    /// `true` or `false`.
    ExprId boolean();
    /// `null`.
    ExprId null_value();
    /// Any JSON value.
    ExprId any_value();
    /// Any JSON object.
    ExprId any_object();
    /// Any JSON array.
    ExprId any_array();
    /// The JSON string literal for `text` in canonical encoding, quotes included.
    static std::string encode_string(std::string_view text);
    /// `"key"` ws `:` ws value.
    ExprId member(std::string_view key, ExprId value);
    /// The items in order, each repeated per its counts, separated by ws `,` ws (no leading or trailing
    /// separator whichever items are left out); linear in size thanks to shared tails.
    ExprId joined(const std::vector<JoinedItem>& items);
    /// `{` ws joined(members) ws `}`.
    ExprId object(const std::vector<JoinedItem>& members);
    /// `{` with exactly these members in this order `}`.
    ExprId fixed_object(const std::vector<std::pair<std::string, ExprId>>& members);
    /// `[` ws items ws `]`: `prefix` positionally, then `item` (nullopt: no more items), with the total
    /// count between min_items and max_items (kUnbounded for no limit).
    ExprId array(const std::vector<ExprId>& prefix, std::optional<ExprId> item, uint32_t min_items,
                 uint32_t max_items);

  private:
    ExprId separator();
    ExprId elements(const std::vector<ExprId>& prefix, std::optional<ExprId> item, size_t index,
                    uint32_t min_items, uint32_t max_items, bool first);

    GrammarBuilder& b_;
    uint32_t max_indent_;
    std::optional<ExprId> ws_;
    std::optional<ExprId> separator_;
    std::optional<ExprId> string_;
    std::optional<ExprId> any_char_;
    std::optional<ExprId> integer_;
    std::optional<ExprId> number_;
    std::optional<ExprId> value_;
    std::optional<ExprId> object_;
    std::optional<ExprId> array_;
};

}  // namespace vela::grammar
