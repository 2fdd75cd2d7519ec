// GrammarBuilder: composable grammar blocks over bytes (and special tokens), the input of CompiledGrammar.
//
// A grammar is a set of rules; each rule's body is an expression DAG built from literal text, symbol
// sets, sequences, choices, bounded or unbounded repetition, calls of other rules (recursion) and
// pre-built automata (intersections and differences of regular pieces). The alphabet is 0-255 for
// bytes plus kSpecialSymbolBase + token id for special tokens that a grammar names explicitly (Mistral's
// [TOOL_CALLS]); text literals never match a special token. Expressions may be shared (the same ExprId
// used in several places): the compiler shares a shared tail instead of copying it, which keeps
// "ordered optional members" linear in size. Expressions are cheap handles; nothing is validated until
// CompiledGrammar::compile.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "vela/core/types.h"

namespace vela::grammar {

/// An input symbol: a byte (0-255) or kSpecialSymbolBase + the id of a special token.
using Symbol = uint32_t;
/// The first symbol that stands for a special token.
inline constexpr Symbol kSpecialSymbolBase = 256;
/// Index of an expression inside one GrammarBuilder.
using ExprId = uint32_t;
/// Index of a rule inside one GrammarBuilder.
using RuleId = uint32_t;
/// The `max` of an unbounded repetition.
inline constexpr uint32_t kUnbounded = std::numeric_limits<uint32_t>::max();

/// An inclusive range of symbols.
struct SymbolRange {
    Symbol lo = 0;  // first symbol in the range
    Symbol hi = 0;  // last symbol in the range (inclusive)
    friend bool operator==(const SymbolRange&, const SymbolRange&) = default;
};

/// The kinds of expression.
enum class ExprKind : uint8_t {
    Nothing,    // matches no input at all
    Empty,      // matches the empty string
    Literal,    // exactly the bytes of `literal`
    Symbols,    // one symbol from `ranges`
    Sequence,   // children one after another
    Choice,     // any one of the children
    Repeat,     // children[0] between min and max times (max may be kUnbounded)
    Call,       // the language of rule `rule` (allows recursion)
    Automaton,  // the language of automata[automaton] (a call-free DFA)
};

/// One node of the expression DAG.
struct Expr {
    ExprKind kind = ExprKind::Nothing;
    std::string literal{};              // Literal
    std::vector<SymbolRange> ranges{};  // Symbols: sorted, disjoint, non-adjacent
    std::vector<ExprId> children{};     // Sequence, Choice, Repeat (one child)
    uint32_t min = 0;                   // Repeat: fewest repetitions
    uint32_t max = 0;                   // Repeat: most repetitions, kUnbounded for no limit
    RuleId rule = 0;                    // Call: the rule
    uint32_t automaton = 0;             // Automaton: index into Grammar::automata
};

/// A deterministic automaton without calls, as stored inside a grammar (see SymbolDfa).
struct StoredDfa {
    struct Edge {
        SymbolRange range;    // symbols taking this edge
        uint32_t target = 0;  // next state
    };
    std::vector<std::vector<Edge>> edges;  // per state, sorted by range
    std::vector<uint8_t> accepting;        // per state
    uint32_t start = 0;                    // the initial state
};

/// A named rule; its body is set once with GrammarBuilder::define.
struct Rule {
    std::string name{};    // for error messages
    ExprId body = 0;       // valid once defined
    bool defined = false;  // define() was called
};

/// The finished expression DAG, ready for CompiledGrammar::compile.
struct Grammar {
    std::vector<Expr> exprs;          // indexed by ExprId
    std::vector<Rule> rules;          // indexed by RuleId
    std::vector<StoredDfa> automata;  // referenced by Automaton expressions
    RuleId root = 0;                  // the start rule
};

/// Builds a Grammar from composable blocks.
class GrammarBuilder {
  public:
    GrammarBuilder();

    /// Matches nothing (the empty language).
    ExprId nothing() const { return nothing_; }
    /// Matches the empty string.
    ExprId empty() const { return empty_; }
    /// Exactly the bytes of `text` (never a special token).
    ExprId literal(std::string_view text);
    /// One symbol from `ranges` (unsorted or overlapping ranges are normalized).
    ExprId symbols(std::vector<SymbolRange> ranges);
    /// One byte in [lo, hi].
    ExprId byte_range(uint8_t lo, uint8_t hi);
    /// One byte other than those listed in `excluded`.
    ExprId any_byte_except(std::string_view excluded);
    /// The special token `token` (its symbol kSpecialSymbolBase + token).
    ExprId special_token(TokenId token);
    /// The children one after another.
    ExprId sequence(std::vector<ExprId> children);
    /// Any one of the children.
    ExprId choice(std::vector<ExprId> children);
    /// `child` between `min` and `max` times (`max` may be kUnbounded).
    ExprId repeat(ExprId child, uint32_t min, uint32_t max);
    /// `child` or nothing.
    ExprId optional(ExprId child) { return repeat(child, 0, 1); }
    /// Zero or more `child`.
    ExprId star(ExprId child) { return repeat(child, 0, kUnbounded); }
    /// One or more `child`.
    ExprId plus(ExprId child) { return repeat(child, 1, kUnbounded); }
    /// Any byte string that does not contain `terminator`, followed by `terminator` (free text up to a
    /// closing marker such as "</think>"); `terminator` must not be empty.
    ExprId text_until(std::string_view terminator);
    /// A new rule named `name`, to be defined later (forward declaration allows recursion).
    RuleId declare_rule(std::string name);
    /// Sets the body of `rule`.
    void define_rule(RuleId rule, ExprId body);
    /// The language of `rule` at this point.
    ExprId call(RuleId rule);
    /// Stores a call-free DFA and returns an expression for its language.
    ExprId automaton(StoredDfa dfa);

    /// Read access to an expression.
    const Expr& expr(ExprId id) const { return grammar_.exprs[id]; }
    /// Read access to the stored automata.
    const std::vector<StoredDfa>& automata() const { return grammar_.automata; }
    /// Read access to the rules.
    const std::vector<Rule>& rules() const { return grammar_.rules; }
    /// The grammar built so far (for compiling pieces of it, e.g. to intersect them).
    const Grammar& view() const { return grammar_; }

    /// Finishes the grammar with `root` as its start rule; the builder is left empty.
    Grammar finish(RuleId root);
    /// Finishes the grammar with a new rule "root" whose body is `root_expr`.
    Grammar finish_with(ExprId root_expr);

  private:
    ExprId add(Expr expr);

    Grammar grammar_;
    ExprId nothing_ = 0;
    ExprId empty_ = 0;
};

/// Normalizes `ranges` in place: sorted, overlapping and adjacent ranges merged.
void normalize_ranges(std::vector<SymbolRange>& ranges);

}  // namespace vela::grammar
