// Number ranges: JSON numbers restricted by minimum / maximum / exclusive bounds and multipleOf, as
// regular languages over their decimal text.
//
// Bounds are exact decimals (no floating point): "x >= 1.25" is built digit by digit (a longer integer
// part is larger; with equal integer parts the first differing digit decides), "x <= U" likewise, the
// negative side by symmetry, and both sides are intersected as automata. multipleOf m = p * 10^-n is
// a remainder automaton: the digits read so far modulo p, with the fraction padded to n digits.
// Constrained numbers are written without an exponent and never as -0 (every value in range still
// has such a form, so nothing valid is lost).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "grammar/grammar_builder.h"
#include "vela/core/error.h"

namespace vela::grammar {

/// An exact decimal number.
struct Decimal {
    bool negative = false;         // never set for zero
    std::string int_digits = "0";  // no leading zeros
    std::string frac_digits{};     // no trailing zeros
    /// True for 0.
    bool is_zero() const { return int_digits == "0" && frac_digits.empty(); }
    /// True when there is no fractional part.
    bool is_integer() const { return frac_digits.empty(); }
    /// Canonical text ("-12.5").
    std::string text() const;
};

/// Parses JSON number text ("1", "-2.50", "1e+30"); exponents beyond +-400 are refused.
Result<Decimal> parse_decimal(std::string_view text);
/// -1, 0 or 1 as a < b, a == b, a > b.
int compare(const Decimal& a, const Decimal& b);

/// What restricts a number.
struct NumberConstraints {
    std::optional<Decimal> lower{};        // minimum or exclusiveMinimum
    bool lower_exclusive = false;          // lower is exclusiveMinimum
    std::optional<Decimal> upper{};        // maximum or exclusiveMaximum
    bool upper_exclusive = false;          // upper is exclusiveMaximum
    std::optional<Decimal> multiple_of{};  // must be > 0
    bool integer_only = false;             // type integer
};

/// An expression for the JSON numbers satisfying `constraints` (may be the empty language); errors
/// name the keyword that cannot be compiled (a multipleOf with too many digits).
Result<ExprId> constrained_number(GrammarBuilder& builder, const NumberConstraints& constraints);

}  // namespace vela::grammar
