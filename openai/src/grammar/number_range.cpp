#include "grammar/number_range.h"

#include <algorithm>
#include <vector>

#include "grammar/nfa.h"

namespace vela::grammar {
namespace {

constexpr size_t kMaxAutomatonStates = 200'000;
constexpr uint64_t kMaxModulus = 100'000;

// Unsigned digit strings without leading zeros.
std::string increment(std::string s) {
    for (size_t i = s.size(); i-- > 0;) {
        if (s[i] != '9') {
            ++s[i];
            return s;
        }
        s[i] = '0';
    }
    return "1" + s;
}

std::string decrement(std::string s) {  // s > 0
    for (size_t i = s.size(); i-- > 0;) {
        if (s[i] != '0') {
            --s[i];
            break;
        }
        s[i] = '9';
    }
    size_t first = s.find_first_not_of('0');
    return first == std::string::npos ? "0" : s.substr(first);
}

int compare_unsigned(const Decimal& a, const Decimal& b) {
    if (a.int_digits.size() != b.int_digits.size()) return a.int_digits.size() < b.int_digits.size() ? -1 : 1;
    if (int c = a.int_digits.compare(b.int_digits); c != 0) return c < 0 ? -1 : 1;
    int c = a.frac_digits.compare(b.frac_digits);  // no trailing zeros: lexicographic order is numeric
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

Decimal make_integer(bool negative, std::string digits) {
    Decimal d;
    d.int_digits = std::move(digits);
    d.negative = negative && d.int_digits != "0";
    return d;
}

Decimal floor_of(const Decimal& d) {
    if (d.is_integer()) return d;
    return d.negative ? make_integer(true, increment(d.int_digits)) : make_integer(false, d.int_digits);
}

Decimal ceil_of(const Decimal& d) {
    if (d.is_integer()) return d;
    return d.negative ? make_integer(true, d.int_digits) : make_integer(false, increment(d.int_digits));
}

Decimal plus_one(const Decimal& d) {  // integer d
    if (!d.negative) return make_integer(false, increment(d.int_digits));
    return make_integer(true, decrement(d.int_digits));
}

Decimal minus_one(const Decimal& d) {  // integer d
    if (d.negative) return make_integer(true, increment(d.int_digits));
    if (d.int_digits == "0") return make_integer(true, "1");
    return make_integer(false, decrement(d.int_digits));
}

// Builds the regular pieces; intersections go through automata.
class RangeBuilder {
  public:
    explicit RangeBuilder(GrammarBuilder& b) : b_(b) {}

    ExprId digits(char lo, char hi) {
        return b_.byte_range(static_cast<uint8_t>(lo), static_cast<uint8_t>(hi));
    }
    ExprId any_digits(size_t min, uint32_t max) {
        return b_.repeat(digits('0', '9'), static_cast<uint32_t>(min), max);
    }
    ExprId exactly(size_t n) { return any_digits(n, static_cast<uint32_t>(n)); }
    ExprId nonneg_int() {
        return b_.choice({b_.literal("0"), b_.sequence({digits('1', '9'), any_digits(0, kUnbounded)})});
    }
    ExprId optional_fraction() {
        return b_.optional(b_.sequence({b_.literal("."), any_digits(1, kUnbounded)}));
    }
    ExprId nonneg_number() { return b_.sequence({nonneg_int(), optional_fraction()}); }

    // Integers >= i (unsigned).
    ExprId ge_int(const std::string& i) {
        if (i == "0") return nonneg_int();
        const size_t n = i.size();
        std::vector<ExprId> options{b_.sequence({digits('1', '9'), any_digits(n, kUnbounded)}),
                                    b_.literal(i)};
        for (size_t k = 0; k < n; ++k) {
            if (i[k] == '9') continue;
            options.push_back(b_.sequence(
                {b_.literal(i.substr(0, k)), digits(static_cast<char>(i[k] + 1), '9'), exactly(n - k - 1)}));
        }
        return b_.choice(std::move(options));
    }

    // Integers <= u (unsigned).
    ExprId le_int(const std::string& u) {
        const size_t n = u.size();
        if (n == 1) return digits('0', u[0]);
        std::vector<ExprId> options{
            b_.literal("0"), b_.sequence({digits('1', '9'), any_digits(0, static_cast<uint32_t>(n - 2))}),
            b_.literal(u)};
        for (size_t k = 0; k < n; ++k) {
            const char lo = k == 0 ? '1' : '0';
            if (u[k] - 1 < lo) continue;
            options.push_back(b_.sequence(
                {b_.literal(u.substr(0, k)), digits(lo, static_cast<char>(u[k] - 1)), exactly(n - k - 1)}));
        }
        return b_.choice(std::move(options));
    }

    ExprId gt_int(const std::string& i) { return ge_int(increment(i)); }
    ExprId lt_int(const std::string& u) { return u == "0" ? b_.nothing() : le_int(decrement(u)); }

    // Fractions (".ddd", or nothing) compared with 0.F.
    ExprId frac_ge(const std::string& f) {
        if (f.empty()) return optional_fraction();
        std::vector<ExprId> options{b_.sequence({b_.literal(f), any_digits(0, kUnbounded)})};
        for (size_t k = 0; k < f.size(); ++k) {
            if (f[k] == '9') continue;
            options.push_back(
                b_.sequence({b_.literal(f.substr(0, k)), digits(static_cast<char>(f[k] + 1), '9'),
                             any_digits(0, kUnbounded)}));
        }
        return b_.sequence({b_.literal("."), b_.choice(std::move(options))});
    }
    ExprId frac_gt(const std::string& f) {
        ExprId nonzero_tail =
            b_.sequence({any_digits(0, kUnbounded), digits('1', '9'), any_digits(0, kUnbounded)});
        if (f.empty()) return b_.sequence({b_.literal("."), nonzero_tail});
        std::vector<ExprId> options{b_.sequence({b_.literal(f), nonzero_tail})};
        for (size_t k = 0; k < f.size(); ++k) {
            if (f[k] == '9') continue;
            options.push_back(
                b_.sequence({b_.literal(f.substr(0, k)), digits(static_cast<char>(f[k] + 1), '9'),
                             any_digits(0, kUnbounded)}));
        }
        return b_.sequence({b_.literal("."), b_.choice(std::move(options))});
    }
    ExprId frac_le(const std::string& f, bool allow_equal) {
        if (f.empty()) {
            if (!allow_equal) return b_.nothing();
            return b_.optional(b_.sequence({b_.literal("."), b_.plus(b_.literal("0"))}));
        }
        std::vector<ExprId> options;
        if (allow_equal) options.push_back(b_.sequence({b_.literal(f), b_.star(b_.literal("0"))}));
        for (size_t k = 0; k < f.size(); ++k) {
            if (k >= 1) options.push_back(b_.literal(f.substr(0, k)));
            if (f[k] == '0') continue;
            options.push_back(
                b_.sequence({b_.literal(f.substr(0, k)), digits('0', static_cast<char>(f[k] - 1)),
                             any_digits(0, kUnbounded)}));
        }
        return b_.choice({b_.empty(), b_.sequence({b_.literal("."), b_.choice(std::move(options))})});
    }

    // Unsigned decimals compared with |d|.
    ExprId at_least(const Decimal& d, bool exclusive) {
        return b_.choice({b_.sequence({gt_int(d.int_digits), optional_fraction()}),
                          b_.sequence({b_.literal(d.int_digits),
                                       exclusive ? frac_gt(d.frac_digits) : frac_ge(d.frac_digits)})});
    }
    ExprId at_most(const Decimal& d, bool exclusive) {
        return b_.choice({b_.sequence({lt_int(d.int_digits), optional_fraction()}),
                          b_.sequence({b_.literal(d.int_digits), frac_le(d.frac_digits, !exclusive)})});
    }

    Result<ExprId> intersect(ExprId a, ExprId c) {
        auto da = compile_call_free(b_.view(), a, kMaxAutomatonStates);
        if (!da) return std::move(da).error();
        auto dc = compile_call_free(b_.view(), c, kMaxAutomatonStates);
        if (!dc) return std::move(dc).error();
        auto product = dfa_product(*da, *dc, false, kMaxAutomatonStates);
        if (!product) return std::move(product).error();
        if (dfa_is_empty(*product)) return b_.nothing();
        return b_.automaton(std::move(*product));
    }

    GrammarBuilder& b_;
};

// Remainder automaton for multiples of p * 10^-n: see the file comment.
StoredDfa multiple_automaton(uint64_t p, size_t n) {
    // States: 0 start, 1 after '-', then integer part I(r) = 2 + r, then fraction F(r, j) = 2 + p + r * (n +
    // 1) + j.
    const uint64_t n_states = 2 + p + p * (n + 1);
    StoredDfa dfa;
    dfa.edges.resize(n_states);
    dfa.accepting.assign(n_states, 0);
    auto integer_state = [&](uint64_t r) { return static_cast<uint32_t>(2 + r); };
    auto fraction_state = [&](uint64_t r, size_t j) {
        return static_cast<uint32_t>(2 + p + r * (n + 1) + j);
    };
    auto digit_edges = [&](uint32_t from, auto target_of) {
        for (uint32_t d = 0; d < 10; ++d)
            dfa.edges[from].push_back({{'0' + d, '0' + d}, target_of(d)});
    };
    auto pow10_mod = [&](size_t k) {
        uint64_t v = 1 % p;
        for (size_t i = 0; i < k; ++i)
            v = (v * 10) % p;
        return v;
    };
    dfa.edges[0].push_back({{'-', '-'}, 1});
    digit_edges(0, [&](uint32_t d) { return integer_state(d % p); });
    digit_edges(1, [&](uint32_t d) { return integer_state(d % p); });
    for (uint64_t r = 0; r < p; ++r) {
        const uint32_t s = integer_state(r);
        if (n > 0) dfa.edges[s].push_back({{'.', '.'}, fraction_state(r, 0)});
        digit_edges(s, [&](uint32_t d) { return integer_state((r * 10 + d) % p); });
        dfa.accepting[s] = (r * pow10_mod(n)) % p == 0 ? 1 : 0;
        for (size_t j = 0; j <= n; ++j) {
            const uint32_t f = fraction_state(r, j);
            if (j < n) digit_edges(f, [&](uint32_t d) { return fraction_state((r * 10 + d) % p, j + 1); });
            dfa.accepting[f] = j > 0 && (r * pow10_mod(n - j)) % p == 0 ? 1 : 0;
        }
    }
    for (auto& edges : dfa.edges) {
        std::sort(edges.begin(), edges.end(),
                  [](const auto& a, const auto& b) { return a.range.lo < b.range.lo; });
    }
    dfa.start = 0;
    return dfa;
}

}  // namespace

std::string Decimal::text() const {
    std::string out = negative ? "-" : "";
    out += int_digits;
    if (!frac_digits.empty()) out += "." + frac_digits;
    return out;
}

Result<Decimal> parse_decimal(std::string_view text) {
    auto bad = [&] {
        return Error{Errc::InvalidArgument, "'" + std::string(text) + "' is not a JSON number"};
    };
    size_t i = 0;
    Decimal d;
    bool negative = false;
    if (i < text.size() && text[i] == '-') {
        negative = true;
        ++i;
    }
    std::string mantissa;
    size_t n_int = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
        mantissa += text[i++];
        ++n_int;
    }
    if (n_int == 0) return bad();
    if (i < text.size() && text[i] == '.') {
        ++i;
        size_t start = i;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9')
            mantissa += text[i++];
        if (i == start) return bad();
    }
    long exponent = 0;
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        bool exp_negative = false;
        if (i < text.size() && (text[i] == '+' || text[i] == '-')) exp_negative = text[i++] == '-';
        size_t start = i;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
            exponent = std::min(exponent * 10 + (text[i++] - '0'), 100000L);
        }
        if (i == start) return bad();
        if (exp_negative) exponent = -exponent;
    }
    if (i != text.size()) return bad();
    if (exponent > 400 || exponent < -400) {
        return Error{Errc::Unsupported,
                     "the number " + std::string(text) + " is too large or too small for a bound"};
    }
    const long point = static_cast<long>(n_int) + exponent;
    std::string int_part;
    std::string frac_part;
    if (point <= 0) {
        int_part = "0";
        frac_part = std::string(static_cast<size_t>(-point), '0') + mantissa;
    } else if (static_cast<size_t>(point) >= mantissa.size()) {
        int_part = mantissa + std::string(static_cast<size_t>(point) - mantissa.size(), '0');
    } else {
        int_part = mantissa.substr(0, static_cast<size_t>(point));
        frac_part = mantissa.substr(static_cast<size_t>(point));
    }
    size_t first = int_part.find_first_not_of('0');
    d.int_digits = first == std::string::npos ? "0" : int_part.substr(first);
    size_t last = frac_part.find_last_not_of('0');
    d.frac_digits = last == std::string::npos ? "" : frac_part.substr(0, last + 1);
    d.negative = negative && !d.is_zero();
    return d;
}

int compare(const Decimal& a, const Decimal& b) {
    if (a.negative != b.negative) return a.negative ? -1 : 1;
    int c = compare_unsigned(a, b);
    return a.negative ? -c : c;
}

Result<ExprId> constrained_number(GrammarBuilder& builder, const NumberConstraints& c) {
    RangeBuilder r(builder);
    GrammarBuilder& b = builder;
    std::optional<ExprId> lower;
    std::optional<ExprId> upper;
    if (c.integer_only) {
        std::optional<Decimal> lo;
        std::optional<Decimal> hi;
        if (c.lower) lo = c.lower_exclusive ? plus_one(floor_of(*c.lower)) : ceil_of(*c.lower);
        if (c.upper) hi = c.upper_exclusive ? minus_one(ceil_of(*c.upper)) : floor_of(*c.upper);
        if (lo && hi && compare(*lo, *hi) > 0) return b.nothing();
        const ExprId positive = r.ge_int("1");
        if (lo) {
            if (!lo->negative) {
                lower = r.ge_int(lo->int_digits);
            } else {
                auto negatives = r.intersect(positive, r.le_int(lo->int_digits));
                if (!negatives) return negatives;
                lower = b.choice({r.nonneg_int(), b.sequence({b.literal("-"), *negatives})});
            }
        }
        if (hi) {
            upper = !hi->negative
                        ? b.choice({r.le_int(hi->int_digits), b.sequence({b.literal("-"), positive})})
                        : b.sequence({b.literal("-"), r.ge_int(hi->int_digits)});
        }
    } else {
        if (c.lower && c.upper) {
            int order = compare(*c.lower, *c.upper);
            if (order > 0 || (order == 0 && (c.lower_exclusive || c.upper_exclusive))) return b.nothing();
        }
        const ExprId positive = r.at_least(Decimal{}, true);
        if (c.lower) {
            if (!c.lower->negative) {
                lower = r.at_least(*c.lower, c.lower_exclusive);
            } else {
                auto negatives = r.intersect(positive, r.at_most(*c.lower, c.lower_exclusive));
                if (!negatives) return negatives;
                lower = b.choice({r.nonneg_number(), b.sequence({b.literal("-"), *negatives})});
            }
        }
        if (c.upper) {
            upper = !c.upper->negative
                        ? b.choice({r.at_most(*c.upper, c.upper_exclusive),
                                    b.sequence({b.literal("-"), positive})})
                        : b.sequence({b.literal("-"), r.at_least(*c.upper, c.upper_exclusive)});
        }
    }
    ExprId result = 0;
    if (lower && upper) {
        auto both = r.intersect(*lower, *upper);
        if (!both) return both;
        result = *both;
    } else if (lower || upper) {
        result = lower ? *lower : *upper;
    } else {
        ExprId sign = b.optional(b.literal("-"));
        result = b.sequence({sign, c.integer_only ? r.nonneg_int() : r.nonneg_number()});
    }
    if (!c.multiple_of) return result;

    const Decimal& m = *c.multiple_of;
    if (m.negative || m.is_zero()) {
        return Error{Errc::InvalidArgument, "multipleOf must be greater than 0, found " + m.text()};
    }
    std::string all = m.int_digits + m.frac_digits;
    all = all.substr(std::min(all.find_first_not_of('0'), all.size()));
    const size_t n = m.frac_digits.size();
    if (all.size() > 6 || n > 12 || std::stoull(all) * (n + 2) > kMaxModulus) {
        return Error{Errc::Unsupported,
                     "multipleOf " + m.text() +
                         " has too many significant digits (its digits times the number of "
                         "fraction digits plus 2 must be at most " +
                         std::to_string(kMaxModulus) + ")"};
    }
    const uint64_t p = std::stoull(all);
    // Without an exponent and with at most n fraction digits; the remainder automaton does the rest.
    ExprId syntax =
        c.integer_only || n == 0
            ? b.sequence({b.optional(b.literal("-")), r.nonneg_int()})
            : b.sequence(
                  {b.optional(b.literal("-")), r.nonneg_int(),
                   b.optional(b.sequence({b.literal("."), r.any_digits(1, static_cast<uint32_t>(n))}))});
    auto shaped = r.intersect(result, syntax);
    if (!shaped) return shaped;
    ExprId multiples = b.automaton(multiple_automaton(p, n));
    return r.intersect(*shaped, multiples);
}

}  // namespace vela::grammar
