#include "grammar/json_schema_compiler.h"

#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "grammar/nfa.h"
#include "grammar/number_range.h"
#include "grammar/regex_compiler.h"
#include "grammar/schema_merger.h"
#include "grammar/string_formats.h"

namespace vela::grammar {
namespace {

using namespace schema;

constexpr size_t kMaxAlternatives = 1024;
constexpr size_t kMaxStringStates = 200'000;

class SchemaCompiler {
  public:
    SchemaCompiler(JsonGrammarBlocks& json, const Json& root, const JsonSchemaOptions& options)
        : json_(json), b_(json.builder()), merger_(root, options) {}

    Result<ExprId> compile(const Conj& conj, int depth) {
        if (depth > kMaxDepth)
            return schema_error(Errc::Unsupported, conj.empty() ? "" : conj[0].pointer,
                                "schema nested too deeply");
        if (conj.size() == 1 && conj[0].schema->is_object() && conj[0].schema->contains("$ref")) {
            auto target = merger_.ref_target(conj[0]);
            if (!target) return std::move(target).error();
            return call_rule(*target, depth);
        }
        Merged m;
        for (const Part& part : conj) {
            if (auto ok = merger_.merge(m, part, depth); !ok) return std::move(ok).error();
        }
        return emit(std::move(m), depth);
    }

  private:
    // --- $ref ----------------------------------------------------------------------------------
    Result<ExprId> call_rule(const Part& target, int depth) {
        if (auto it = ref_rules_.find(target.pointer); it != ref_rules_.end()) return b_.call(it->second);
        RuleId rule = b_.declare_rule("$ref " + show(target.pointer));
        ref_rules_.emplace(target.pointer, rule);
        auto body = compile({target}, depth + 1);
        if (!body) return body;
        b_.define_rule(rule, *body);
        return b_.call(rule);
    }

    // --- emitting ------------------------------------------------------------------------------
    bool conj_is_false(const Conj& conj) {
        for (const Part& part : conj) {
            if (part.schema->is_boolean() && !part.schema->get<bool>()) return true;
        }
        return false;
    }

    // The literal values a conjunction allows, when it restricts to literals; nullopt otherwise.
    std::optional<std::vector<Json>> literals_of(const Conj& conj, int depth) {
        Merged m;
        for (const Part& part : conj) {
            if (!merger_.merge(m, part, depth + 1)) return std::nullopt;
        }
        if (m.impossible) return std::vector<Json>{};
        return m.literals;
    }

    bool provably_disjoint(const Merged& a, const Merged& b, int depth) {
        if (a.impossible || b.impossible) return true;
        auto effective = [](const Merged& m) {
            uint8_t t = folded(m.types);
            if (m.literals) {
                uint8_t lt = 0;
                for (const Json& v : *m.literals)
                    lt |= folded(literal_type(v));
                t &= lt;
            }
            return t;
        };
        const uint8_t overlap = effective(a) & effective(b);
        if (overlap == 0) return true;
        if (a.literals && b.literals) {
            for (const Json& v : *a.literals) {
                if (std::find(b.literals->begin(), b.literals->end(), v) != b.literals->end()) return false;
            }
            return true;
        }
        if (overlap != kObject) return false;
        // A discriminator: a property both require whose literal values never coincide.
        for (const std::string& name : a.required) {
            if (std::find(b.required.begin(), b.required.end(), name) == b.required.end()) continue;
            auto conj_of = [&](const Merged& m) -> Conj {
                for (const auto& [n, conj] : m.properties) {
                    if (n == name) return conj;
                }
                return m.additional;
            };
            auto la = literals_of(conj_of(a), depth);
            auto lb = literals_of(conj_of(b), depth);
            if (!la || !lb) continue;
            bool common = false;
            for (const Json& v : *la)
                common = common || std::find(lb->begin(), lb->end(), v) != lb->end();
            if (!common) return true;
        }
        return false;
    }

    Result<ExprId> emit(Merged m, int depth) {
        if (m.impossible) return b_.nothing();
        if (m.groups.empty()) return emit_flat(m, depth);
        const Group group = m.groups.front();
        m.groups.erase(m.groups.begin());
        std::vector<ExprId> options;
        std::vector<Merged> branches;
        // Without other constraints a branch compiles on its own, so a $ref branch becomes a call of
        // its rule (recursion through anyOf stays finite); otherwise the branch is merged into the rest.
        const bool alone = !m.constrained && m.groups.empty();
        for (const Part& branch : group.branches) {
            if (++n_alternatives_ > kMaxAlternatives) {
                return schema_error(
                    Errc::Unsupported, group.pointer,
                    "too many anyOf/oneOf combinations (more than " + std::to_string(kMaxAlternatives) + ")");
            }
            Merged with = m;
            if (auto ok = merger_.merge(with, branch, depth + 1); !ok) return std::move(ok).error();
            auto expr = alone ? compile({branch}, depth + 1) : emit(with, depth + 1);
            if (!expr) return expr;
            options.push_back(*expr);
            branches.push_back(std::move(with));
        }
        if (group.one_of) {
            for (size_t i = 0; i < branches.size(); ++i) {
                for (size_t j = i + 1; j < branches.size(); ++j) {
                    if (!provably_disjoint(branches[i], branches[j], depth)) {
                        return schema_error(
                            Errc::Unsupported, group.pointer,
                            "keyword 'oneOf' is supported only when its branches are provably "
                            "exclusive (different types, different enum/const values, or a required "
                            "property with different const values), and branches " +
                                std::to_string(i) + " and " + std::to_string(j) +
                                " may both match; use anyOf if overlapping matches are acceptable");
                    }
                }
            }
        }
        return b_.choice(std::move(options));
    }

    Result<ExprId> emit_flat(const Merged& m, int depth) {
        if (m.literals) {
            if (!m.other_keyword.empty()) {
                return schema_error(
                    Errc::Unsupported, m.other_pointer,
                    "keyword '" + m.other_keyword +
                        "' beside enum/const is not supported (only type may accompany them)");
            }
            std::vector<ExprId> options;
            for (const Json& v : *m.literals) {
                if (literal_type(v) & m.types) options.push_back(literal(v));
            }
            return b_.choice(std::move(options));
        }
        std::vector<ExprId> options;
        if (m.types & kNull) options.push_back(json_.null_value());
        if (m.types & kBoolean) options.push_back(json_.boolean());
        if (m.types & (kInteger | kNumber)) {
            auto number = emit_number(m, (m.types & kNumber) == 0);
            if (!number) return number;
            options.push_back(*number);
        }
        if (m.types & kString) {
            auto string = emit_string(m);
            if (!string) return string;
            options.push_back(*string);
        }
        if (m.types & kArray) {
            auto array = emit_array(m, depth);
            if (!array) return array;
            options.push_back(*array);
        }
        if (m.types & kObject) {
            auto object = emit_object(m, depth);
            if (!object) return object;
            options.push_back(*object);
        }
        return b_.choice(std::move(options));
    }

    Result<ExprId> emit_number(const Merged& m, bool integer_only) {
        if (!m.lower && !m.upper && !m.multiple_of) return integer_only ? json_.integer() : json_.number();
        NumberConstraints c{.lower = m.lower,
                            .lower_exclusive = m.lower_exclusive,
                            .upper = m.upper,
                            .upper_exclusive = m.upper_exclusive,
                            .multiple_of = m.multiple_of,
                            .integer_only = integer_only};
        auto expr = constrained_number(b_, c);
        if (!expr) return schema_error(expr.error().code(), m.other_pointer, expr.error().message());
        return expr;
    }

    Result<ExprId> emit_string(const Merged& m) {
        std::vector<ExprId> pieces;
        if (m.min_length > 0 || m.max_length) {
            if (m.max_length && *m.max_length < m.min_length) return b_.nothing();
            pieces.push_back(b_.repeat(json_.any_char(), static_cast<uint32_t>(m.min_length),
                                       m.max_length ? static_cast<uint32_t>(*m.max_length) : kUnbounded));
        }
        for (const auto& [pattern, pointer] : m.patterns) {
            auto expr = compile_regex(json_, pattern);
            if (!expr) return schema_error(expr.error().code(), pointer, expr.error().message());
            pieces.push_back(*expr);
        }
        if (m.format) {
            auto expr = compile_format(json_, *m.format);
            if (!expr) return schema_error(expr.error().code(), m.other_pointer, expr.error().message());
            pieces.push_back(*expr);
        }
        if (pieces.empty()) return json_.string();
        if (pieces.size() == 1) return json_.quoted(pieces[0]);
        auto dfa = compile_call_free(b_.view(), pieces[0], kMaxStringStates);
        for (size_t i = 1; dfa && i < pieces.size(); ++i) {
            auto next = compile_call_free(b_.view(), pieces[i], kMaxStringStates);
            if (!next) return schema_error(next.error().code(), m.other_pointer, next.error().message());
            dfa = dfa_product(*dfa, *next, false, kMaxStringStates);
        }
        if (!dfa) return schema_error(dfa.error().code(), m.other_pointer, dfa.error().message());
        if (dfa_is_empty(*dfa)) return b_.nothing();
        return json_.quoted(b_.automaton(std::move(*dfa)));
    }

    Result<ExprId> emit_array(const Merged& m, int depth) {
        const uint32_t max_items = m.max_items ? static_cast<uint32_t>(*m.max_items) : kUnbounded;
        if (m.prefix.empty() && m.rest.empty() && m.min_items == 0 && !m.max_items) return json_.any_array();
        std::vector<ExprId> prefix;
        for (const Conj& conj : m.prefix) {
            auto expr = conj.empty() ? Result<ExprId>(json_.any_value()) : compile(conj, depth + 1);
            if (!expr) return expr;
            prefix.push_back(*expr);
        }
        std::optional<ExprId> item;
        if (!conj_is_false(m.rest)) {
            auto expr = m.rest.empty() ? Result<ExprId>(json_.any_value()) : compile(m.rest, depth + 1);
            if (!expr) return expr;
            item = *expr;
        }
        return json_.array(prefix, item, static_cast<uint32_t>(m.min_items), max_items);
    }

    Result<ExprId> emit_object(const Merged& m, int depth) {
        if (m.properties.empty() && m.required.empty() && m.additional.empty()) return json_.any_object();
        std::vector<JoinedItem> members;
        std::vector<std::string> names;
        auto add_member = [&](const std::string& name, const Conj& conj) -> Result<bool> {
            names.push_back(name);
            const bool required = std::find(m.required.begin(), m.required.end(), name) != m.required.end();
            if (conj_is_false(conj)) return !required;  // forbidden: fine unless required
            auto value = conj.empty() ? Result<ExprId>(json_.any_value()) : compile(conj, depth + 1);
            if (!value) return std::move(value).error();
            members.push_back({json_.member(name, *value), required ? 1u : 0u, 1});
            return true;
        };
        for (const auto& [name, conj] : m.properties) {
            auto ok = add_member(name, conj);
            if (!ok) return std::move(ok).error();
            if (!*ok) return b_.nothing();
        }
        for (const std::string& name : m.required) {
            if (std::find(names.begin(), names.end(), name) != names.end()) continue;
            auto ok = add_member(name, m.additional);
            if (!ok) return std::move(ok).error();
            if (!*ok) return b_.nothing();
        }
        if (!conj_is_false(m.additional)) {
            auto value =
                m.additional.empty() ? Result<ExprId>(json_.any_value()) : compile(m.additional, depth + 1);
            if (!value) return value;
            auto key = key_except(names);
            if (!key) return key;
            ExprId member = b_.sequence({*key, json_.ws(), b_.literal(":"), json_.ws(), *value});
            members.push_back({member, 0, kUnbounded});
        }
        return json_.object(members);
    }

    // A quoted key that is none of `names` (in canonical encoding, so no escape can spell a listed name).
    Result<ExprId> key_except(const std::vector<std::string>& names) {
        ExprId any = b_.star(json_.any_char());
        if (names.empty()) return json_.quoted(any);
        std::vector<ExprId> literals;
        for (const std::string& name : names) {
            std::string encoded = JsonGrammarBlocks::encode_string(name);
            literals.push_back(b_.literal(std::string_view(encoded).substr(1, encoded.size() - 2)));
        }
        auto all = compile_call_free(b_.view(), any, kMaxStringStates);
        if (!all) return std::move(all).error();
        auto listed = compile_call_free(b_.view(), b_.choice(std::move(literals)), kMaxStringStates);
        if (!listed) return std::move(listed).error();
        auto rest = dfa_product(*all, *listed, true, kMaxStringStates);
        if (!rest) return std::move(rest).error();
        return json_.quoted(b_.automaton(std::move(*rest)));
    }

    ExprId literal(const Json& v) {
        switch (v.type()) {
            case Json::value_t::null:
                return json_.null_value();
            case Json::value_t::boolean:
                return b_.literal(v.get<bool>() ? "true" : "false");
            case Json::value_t::string:
                return b_.literal(JsonGrammarBlocks::encode_string(v.get<std::string>()));
            case Json::value_t::array: {
                std::vector<ExprId> items;
                for (const Json& item : v)
                    items.push_back(literal(item));
                const auto n = static_cast<uint32_t>(items.size());
                return json_.array(items, std::nullopt, n, n);
            }
            case Json::value_t::object: {
                std::vector<std::pair<std::string, ExprId>> members;
                for (const auto& [key, value] : v.items())
                    members.push_back({key, literal(value)});
                return json_.fixed_object(members);
            }
            default:
                return b_.literal(number_text(v));
        }
    }

    JsonGrammarBlocks& json_;
    GrammarBuilder& b_;
    Merger merger_;
    std::map<std::string, RuleId> ref_rules_;
    size_t n_alternatives_ = 0;
};

}  // namespace

Result<ExprId> compile_json_schema(JsonGrammarBlocks& json, std::string_view schema_json,
                                   const JsonSchemaOptions& options) {
    Json root;
    try {
        root = Json::parse(schema_json);
    } catch (const nlohmann::json::exception& e) {
        return Error{Errc::InvalidArgument, std::string("json schema: not valid JSON: ") + e.what()};
    }
    SchemaCompiler compiler(json, root, options);
    return compiler.compile({Part{&root, ""}}, 0);
}

Result<std::shared_ptr<const CompiledGrammar>> compile_json_schema_grammar(std::string_view schema_json,
                                                                           const JsonSchemaOptions& options) {
    GrammarBuilder builder;
    JsonGrammarBlocks json(builder, options.max_indent);
    auto value = compile_json_schema(json, schema_json, options);
    if (!value) return std::move(value).error();
    auto grammar =
        CompiledGrammar::compile(builder.finish_with(builder.sequence({json.ws(), *value, json.ws()})));
    if (!grammar && grammar.error().code() == Errc::InvalidArgument &&
        grammar.error().message().find("accepts no input") != std::string::npos) {
        return Error{Errc::InvalidArgument, "json schema: the schema accepts no JSON value at all"};
    }
    return grammar;
}

}  // namespace vela::grammar
