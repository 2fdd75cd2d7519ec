#include "grammar/json_grammar_blocks.h"

#include <algorithm>

namespace vela::grammar {
namespace {

constexpr char kHexLower[] = "0123456789abcdef";
constexpr char kHexUpper[] = "0123456789ABCDEF";

// The short escape letter of a control character, or 0.
char short_escape(uint32_t cp) {
    switch (cp) {
        case 0x08:
            return 'b';
        case 0x09:
            return 't';
        case 0x0A:
            return 'n';
        case 0x0C:
            return 'f';
        case 0x0D:
            return 'r';
        default:
            return 0;
    }
}

}  // namespace

JsonGrammarBlocks::JsonGrammarBlocks(GrammarBuilder& builder, uint32_t max_indent)
    : b_(builder), max_indent_(max_indent) {}

ExprId JsonGrammarBlocks::ws() {
    if (!ws_) {
        ExprId newline = b_.sequence({b_.literal("\n"), b_.repeat(b_.literal(" "), 0, max_indent_)});
        ws_ = b_.choice({b_.empty(), b_.literal(" "), newline});
    }
    return *ws_;
}

ExprId JsonGrammarBlocks::separator() {
    if (!separator_) separator_ = b_.sequence({ws(), b_.literal(","), ws()});
    return *separator_;
}

ExprId JsonGrammarBlocks::chars(const CodePointSet& set) {
    std::vector<ExprId> options;
    CodePointSet raw = set.subtract(CodePointSet({{0, 0x1F}, {0x22, 0x22}, {0x5C, 0x5C}}));
    for (const Utf8Run& run : raw.utf8_runs()) {
        std::vector<ExprId> bytes;
        for (int i = 0; i < run.n_bytes; ++i)
            bytes.push_back(b_.byte_range(run.lo[i], run.hi[i]));
        options.push_back(b_.sequence(std::move(bytes)));
    }
    if (set.contains(0x22)) options.push_back(b_.literal("\\\""));
    if (set.contains(0x5C)) options.push_back(b_.literal("\\\\"));
    for (uint32_t cp = 0; cp < 0x20; ++cp) {
        if (!set.contains(cp)) continue;
        if (char e = short_escape(cp)) {
            options.push_back(b_.literal(std::string("\\") + e));
            continue;
        }
        const uint32_t low = cp & 0xF;
        Symbol lower = static_cast<uint8_t>(kHexLower[low]);
        Symbol upper = static_cast<uint8_t>(kHexUpper[low]);
        options.push_back(b_.sequence({b_.literal(std::string("\\u00") + kHexLower[cp >> 4]),
                                       b_.symbols({{lower, lower}, {upper, upper}})}));
    }
    return b_.choice(std::move(options));
}

ExprId JsonGrammarBlocks::any_char() {
    if (!any_char_) any_char_ = chars(CodePointSet::all());
    return *any_char_;
}

ExprId JsonGrammarBlocks::quoted(ExprId body) {
    return b_.sequence({b_.literal("\""), body, b_.literal("\"")});
}

ExprId JsonGrammarBlocks::string() {
    if (string_) return *string_;
    GrammarBuilder& b = b_;
    ExprId raw = chars(
        CodePointSet({{0x20, CodePointSet::kMax}}).subtract(CodePointSet({{0x22, 0x22}, {0x5C, 0x5C}})));
    ExprId hex = b.symbols({{'0', '9'}, {'a', 'f'}, {'A', 'F'}});
    ExprId hex2 = b.sequence({hex, hex});
    ExprId d = b.symbols({{'d', 'd'}, {'D', 'D'}});
    // \uXXXX outside the surrogate block, or a high surrogate escape followed by a low one.
    ExprId plain = b.choice(
        {b.sequence({b.symbols({{'0', '9'}, {'a', 'c'}, {'A', 'C'}, {'e', 'f'}, {'E', 'F'}}), hex, hex2}),
         b.sequence({d, b.byte_range('0', '7'), hex2})});
    ExprId high = b.sequence({d, b.symbols({{'8', '9'}, {'a', 'b'}, {'A', 'B'}}), hex2});
    ExprId low = b.sequence({d, b.symbols({{'c', 'f'}, {'C', 'F'}}), hex2});
    ExprId unicode =
        b.sequence({b.literal("u"), b.choice({plain, b.sequence({high, b.literal("\\u"), low})})});
    ExprId simple = b.symbols(
        {{'"', '"'}, {'\\', '\\'}, {'/', '/'}, {'b', 'b'}, {'f', 'f'}, {'n', 'n'}, {'r', 'r'}, {'t', 't'}});
    ExprId escape = b.sequence({b.literal("\\"), b.choice({simple, unicode})});
    RuleId rule = b.declare_rule("string");
    b.define_rule(rule, quoted(b.star(b.choice({raw, escape}))));
    string_ = b.call(rule);
    return *string_;
}

ExprId JsonGrammarBlocks::integer() {
    if (!integer_) {
        ExprId digits = b_.sequence({b_.byte_range('1', '9'), b_.star(b_.byte_range('0', '9'))});
        integer_ = b_.sequence({b_.optional(b_.literal("-")), b_.choice({b_.literal("0"), digits})});
    }
    return *integer_;
}

ExprId JsonGrammarBlocks::number() {
    if (!number_) {
        ExprId digits = b_.plus(b_.byte_range('0', '9'));
        ExprId fraction = b_.sequence({b_.literal("."), digits});
        ExprId exponent = b_.sequence({b_.symbols({{'e', 'e'}, {'E', 'E'}}),
                                       b_.optional(b_.symbols({{'+', '+'}, {'-', '-'}})), digits});
        number_ = b_.sequence({integer(), b_.optional(fraction), b_.optional(exponent)});
    }
    return *number_;
}

ExprId JsonGrammarBlocks::boolean() {
    return b_.choice({b_.literal("true"), b_.literal("false")});
}

ExprId JsonGrammarBlocks::null_value() {
    return b_.literal("null");
}

ExprId JsonGrammarBlocks::any_value() {
    if (value_) return *value_;
    GrammarBuilder& b = b_;
    RuleId value = b.declare_rule("value");
    RuleId object = b.declare_rule("object");
    RuleId array = b.declare_rule("array");
    value_ = b.call(value);
    object_ = b.call(object);
    array_ = b.call(array);
    b.define_rule(value, b.choice({*object_, *array_, string(), number(), boolean(), null_value()}));
    ExprId pair = b.sequence({string(), ws(), b.literal(":"), ws(), *value_});
    ExprId pairs = b.sequence({pair, b.star(b.sequence({separator(), pair})), ws()});
    b.define_rule(object, b.sequence({b.literal("{"), ws(), b.optional(pairs), b.literal("}")}));
    ExprId items = b.sequence({*value_, b.star(b.sequence({separator(), *value_})), ws()});
    b.define_rule(array, b.sequence({b.literal("["), ws(), b.optional(items), b.literal("]")}));
    return *value_;
}

ExprId JsonGrammarBlocks::any_object() {
    any_value();
    return *object_;
}

ExprId JsonGrammarBlocks::any_array() {
    any_value();
    return *array_;
}

std::string JsonGrammarBlocks::encode_string(std::string_view text) {
    std::string out = "\"";
    for (char ch : text) {
        const auto c = static_cast<uint8_t>(ch);
        if (c == '"') {
            out += "\\\"";
        } else if (c == '\\') {
            out += "\\\\";
        } else if (c < 0x20) {
            if (char e = short_escape(c)) {
                out += '\\';
                out += e;
            } else {
                out += "\\u00";
                out += kHexLower[c >> 4];
                out += kHexLower[c & 0xF];
            }
        } else {
            out += ch;
        }
    }
    out += '"';
    return out;
}

ExprId JsonGrammarBlocks::member(std::string_view key, ExprId value) {
    return b_.sequence({b_.literal(encode_string(key)), ws(), b_.literal(":"), ws(), value});
}

ExprId JsonGrammarBlocks::joined(const std::vector<JoinedItem>& items) {
    // first[i]: items i.. where nothing has been written yet; rest[i]: items i.. after something was
    // written (each item then starts with a separator). rest[i + 1] is shared by first[i] and rest[i].
    const size_t n = items.size();
    std::vector<ExprId> rest(n + 1, b_.empty());
    std::vector<ExprId> first(n + 1, b_.empty());
    auto more = [&](uint32_t count) { return count == kUnbounded ? kUnbounded : count - 1; };
    for (size_t i = n; i-- > 0;) {
        const JoinedItem& item = items[i];
        ExprId again = b_.sequence({separator(), item.expr});
        rest[i] = b_.sequence({b_.repeat(again, item.min, item.max), rest[i + 1]});
        ExprId start_here = b_.sequence(
            {item.expr, b_.repeat(again, item.min == 0 ? 0 : item.min - 1, more(item.max)), rest[i + 1]});
        first[i] = item.min >= 1 ? start_here : b_.choice({start_here, first[i + 1]});
    }
    return first[0];
}

ExprId JsonGrammarBlocks::object(const std::vector<JoinedItem>& members) {
    return b_.sequence({b_.literal("{"), ws(), joined(members), ws(), b_.literal("}")});
}

ExprId JsonGrammarBlocks::fixed_object(const std::vector<std::pair<std::string, ExprId>>& members) {
    std::vector<JoinedItem> items;
    for (const auto& [key, value] : members)
        items.push_back({member(key, value), 1, 1});
    return object(items);
}

ExprId JsonGrammarBlocks::elements(const std::vector<ExprId>& prefix, std::optional<ExprId> item,
                                   size_t index, uint32_t min_items, uint32_t max_items, bool first) {
    const ExprId lead = first ? b_.empty() : separator();
    if (index < prefix.size()) {
        if (index >= max_items) return b_.empty();
        ExprId go_on = b_.sequence(
            {lead, prefix[index], elements(prefix, item, index + 1, min_items, max_items, false)});
        return index >= min_items ? b_.choice({b_.empty(), go_on}) : go_on;
    }
    const uint32_t done = static_cast<uint32_t>(index);
    const uint32_t need = min_items > done ? min_items - done : 0;
    if (!item) return need == 0 ? b_.empty() : b_.nothing();
    if (max_items != kUnbounded && done >= max_items) return need == 0 ? b_.empty() : b_.nothing();
    const uint32_t room = max_items == kUnbounded ? kUnbounded : max_items - done;
    if (!first) return b_.repeat(b_.sequence({separator(), *item}), need, room);
    ExprId some = b_.sequence({*item, b_.repeat(b_.sequence({separator(), *item}), need == 0 ? 0 : need - 1,
                                                room == kUnbounded ? kUnbounded : room - 1)});
    return need == 0 ? b_.choice({b_.empty(), some}) : some;
}

ExprId JsonGrammarBlocks::array(const std::vector<ExprId>& prefix, std::optional<ExprId> item,
                                uint32_t min_items, uint32_t max_items) {
    if (max_items != kUnbounded && min_items > max_items) return b_.nothing();
    ExprId body = elements(prefix, item, 0, min_items, max_items, true);
    return b_.sequence({b_.literal("["), ws(), body, ws(), b_.literal("]")});
}

}  // namespace vela::grammar
