#include "grammar/json_schema_compiler.h"

#include <charconv>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "grammar/nfa.h"
#include "grammar/number_range.h"
#include "grammar/regex_compiler.h"
#include "grammar/string_formats.h"

namespace vela::grammar {
namespace {

using Json = nlohmann::ordered_json;

// JSON types as bits; kNumber includes the integers.
enum TypeBit : uint8_t {
    kNull = 1,
    kBoolean = 2,
    kObject = 4,
    kArray = 8,
    kString = 16,
    kInteger = 32,
    kNumber = 64,
};
constexpr uint8_t kAllTypes = 127;
constexpr int kMaxDepth = 128;
constexpr size_t kMaxAlternatives = 1024;
constexpr size_t kMaxStringStates = 200'000;

const Json& json_false() {
    static const Json value = false;
    return value;
}

enum class KeywordKind { Annotation, Supported, Unsupported };

const std::unordered_map<std::string_view, KeywordKind>& keywords() {
    using K = KeywordKind;
    static const std::unordered_map<std::string_view, KeywordKind> table = {
        {"title", K::Annotation},
        {"description", K::Annotation},
        {"default", K::Annotation},
        {"examples", K::Annotation},
        {"$schema", K::Annotation},
        {"$comment", K::Annotation},
        {"deprecated", K::Annotation},
        {"readOnly", K::Annotation},
        {"writeOnly", K::Annotation},
        {"$defs", K::Annotation},
        {"definitions", K::Annotation},
        {"$id", K::Annotation},
        {"type", K::Supported},
        {"enum", K::Supported},
        {"const", K::Supported},
        {"properties", K::Supported},
        {"required", K::Supported},
        {"additionalProperties", K::Supported},
        {"items", K::Supported},
        {"prefixItems", K::Supported},
        {"additionalItems", K::Supported},
        {"minItems", K::Supported},
        {"maxItems", K::Supported},
        {"uniqueItems", K::Supported},
        {"anyOf", K::Supported},
        {"oneOf", K::Supported},
        {"allOf", K::Supported},
        {"$ref", K::Supported},
        {"minLength", K::Supported},
        {"maxLength", K::Supported},
        {"pattern", K::Supported},
        {"format", K::Supported},
        {"minimum", K::Supported},
        {"maximum", K::Supported},
        {"exclusiveMinimum", K::Supported},
        {"exclusiveMaximum", K::Supported},
        {"multipleOf", K::Supported},
    };
    return table;
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string show(const std::string& pointer) {
    return "#" + pointer;
}

std::string child(const std::string& pointer, std::string_view token) {
    std::string out = pointer + "/";
    for (char c : token) {
        if (c == '~') {
            out += "~0";
        } else if (c == '/') {
            out += "~1";
        } else {
            out += c;
        }
    }
    return out;
}

std::string child(const std::string& pointer, size_t index) {
    return pointer + "/" + std::to_string(index);
}

Error schema_error(Errc code, const std::string& pointer, const std::string& what) {
    return Error{code, "json schema: " + what + " at " + show(pointer)};
}

// A schema location: the schema and its JSON pointer.
struct Part {
    const Json* schema = nullptr;
    std::string pointer;
};
using Conj = std::vector<Part>;  // all must hold

// An anyOf / oneOf keyword still to distribute.
struct Group {
    bool one_of = false;
    Conj branches;
    std::string pointer;
};

// The keywords of a conjunction of schemas, merged (see the exact merge rules in merge()).
struct Merged {
    bool impossible = false;
    bool constrained = false;  // some validation keyword other than anyOf/oneOf was merged
    uint8_t types = kAllTypes;
    std::optional<std::vector<Json>> literals;
    std::string other_keyword;  // a validation keyword beside type/enum/const, for the enum error
    std::string other_pointer;
    // numbers
    std::optional<Decimal> lower;
    bool lower_exclusive = false;
    std::optional<Decimal> upper;
    bool upper_exclusive = false;
    std::optional<Decimal> multiple_of;
    // strings
    uint64_t min_length = 0;
    std::optional<uint64_t> max_length;
    std::vector<std::pair<std::string, std::string>> patterns;  // (pattern, pointer)
    std::optional<std::string> format;
    // arrays
    std::vector<Conj> prefix;
    Conj rest;
    uint64_t min_items = 0;
    std::optional<uint64_t> max_items;
    // objects
    std::vector<std::pair<std::string, Conj>> properties;
    std::vector<std::string> required;
    Conj additional;
    std::vector<Group> groups;
};

std::string number_text(const Json& v) {
    if (v.is_number_integer()) return v.dump();
    const double d = v.get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e15) {
        return std::to_string(static_cast<long long>(d));
    }
    char buffer[64];
    auto result = std::to_chars(buffer, buffer + sizeof(buffer), d);
    return std::string(buffer, result.ptr);
}

uint8_t literal_type(const Json& v) {
    switch (v.type()) {
        case Json::value_t::null:
            return kNull;
        case Json::value_t::boolean:
            return kBoolean;
        case Json::value_t::object:
            return kObject;
        case Json::value_t::array:
            return kArray;
        case Json::value_t::string:
            return kString;
        case Json::value_t::number_integer:
        case Json::value_t::number_unsigned:
            return kInteger | kNumber;
        case Json::value_t::number_float: {
            const double d = v.get<double>();
            return d == std::floor(d) ? (kInteger | kNumber) : kNumber;
        }
        default:
            return 0;
    }
}

// Types with integer folded into number, for overlap tests.
uint8_t folded(uint8_t types) {
    return (types & (kInteger | kNumber)) ? static_cast<uint8_t>((types & ~kInteger) | kNumber) : types;
}

class SchemaCompiler {
  public:
    SchemaCompiler(JsonGrammarBlocks& json, const Json& root, const JsonSchemaOptions& options)
        : json_(json), b_(json.builder()), root_(root), options_(options) {}

    Result<ExprId> compile(const Conj& conj, int depth) {
        if (depth > kMaxDepth)
            return schema_error(Errc::Unsupported, conj.empty() ? "" : conj[0].pointer,
                                "schema nested too deeply");
        if (conj.size() == 1 && conj[0].schema->is_object() && conj[0].schema->contains("$ref")) {
            auto target = ref_target(conj[0]);
            if (!target) return std::move(target).error();
            return call_rule(*target, depth);
        }
        Merged m;
        for (const Part& part : conj) {
            if (auto ok = merge(m, part, depth); !ok) return std::move(ok).error();
        }
        return emit(std::move(m), depth);
    }

  private:
    // --- $ref ----------------------------------------------------------------------------------
    Result<Part> ref_target(const Part& part) {
        const Json& s = *part.schema;
        for (const auto& [key, value] : s.items()) {
            if (key == "$ref") continue;
            auto it = keywords().find(key);
            if (it != keywords().end() && it->second == KeywordKind::Annotation) continue;
            if (key.rfind("x-", 0) == 0) continue;
            return schema_error(Errc::Unsupported, part.pointer,
                                "keyword '" + key +
                                    "' beside $ref is not supported (its meaning differs between "
                                    "drafts); wrap the $ref in allOf");
        }
        const Json& ref = s["$ref"];
        if (!ref.is_string())
            return schema_error(Errc::InvalidArgument, part.pointer, "$ref must be a string");
        const std::string text = ref.get<std::string>();
        if (text.empty() || text[0] != '#') {
            return schema_error(
                Errc::Unsupported, part.pointer,
                "$ref '" + text + "' is not supported: only local references (\"#\" or \"#/...\") are");
        }
        std::string decoded;
        for (size_t i = 1; i < text.size(); ++i) {
            int hi = i + 2 < text.size() ? hex_digit(text[i + 1]) : -1;
            int lo = i + 2 < text.size() ? hex_digit(text[i + 2]) : -1;
            if (text[i] == '%' && hi >= 0 && lo >= 0) {
                decoded += static_cast<char>(hi * 16 + lo);
                i += 2;
            } else {
                decoded += text[i];
            }
        }
        if (!decoded.empty() && decoded[0] != '/') {
            return schema_error(Errc::Unsupported, part.pointer,
                                "$ref '" + text + "' is not supported: anchors are not, only JSON pointers");
        }
        const Json* node = &root_;
        std::string pointer;
        size_t pos = 1;
        while (pos <= decoded.size() && !decoded.empty()) {
            size_t end = decoded.find('/', pos);
            if (end == std::string::npos) end = decoded.size();
            std::string token;
            for (size_t i = pos; i < end; ++i) {
                if (decoded[i] == '~' && i + 1 < end && (decoded[i + 1] == '0' || decoded[i + 1] == '1')) {
                    token += decoded[i + 1] == '0' ? '~' : '/';
                    ++i;
                } else {
                    token += decoded[i];
                }
            }
            if (node->is_object() && node->contains(token)) {
                node = &(*node)[token];
            } else if (node->is_array() && !token.empty() &&
                       token.find_first_not_of("0123456789") == std::string::npos &&
                       std::stoull(token) < node->size()) {
                node = &(*node)[std::stoull(token)];
            } else {
                return schema_error(Errc::InvalidArgument, part.pointer,
                                    "$ref '" + text + "' points to nothing");
            }
            pointer = child(pointer, token);
            pos = end + 1;
        }
        return Part{node, pointer};
    }

    Result<ExprId> call_rule(const Part& target, int depth) {
        if (auto it = ref_rules_.find(target.pointer); it != ref_rules_.end()) return b_.call(it->second);
        RuleId rule = b_.declare_rule("$ref " + show(target.pointer));
        ref_rules_.emplace(target.pointer, rule);
        auto body = compile({target}, depth + 1);
        if (!body) return body;
        b_.define_rule(rule, *body);
        return b_.call(rule);
    }

    // --- merging -------------------------------------------------------------------------------
    Result<std::optional<Decimal>> number_keyword(const Json& v, const std::string& pointer,
                                                  const std::string& key) {
        if (!v.is_number()) {
            return schema_error(
                Errc::InvalidArgument, pointer,
                key + " must be a number (draft 4 boolean exclusive bounds are not supported)");
        }
        auto d = parse_decimal(number_text(v));
        if (!d) return schema_error(d.error().code(), pointer, key + ": " + d.error().message());
        return std::optional<Decimal>(*d);
    }

    Result<uint64_t> count_keyword(const Json& v, const std::string& pointer, const std::string& key) {
        bool integral =
            v.is_number_integer() || (v.is_number_float() && v.get<double>() == std::floor(v.get<double>()));
        if (!v.is_number() || !integral || v.get<double>() < 0) {
            return schema_error(Errc::InvalidArgument, pointer, key + " must be a non-negative integer");
        }
        const double d = v.get<double>();
        if (d > static_cast<double>(kMaxSchemaCount)) {
            return schema_error(
                Errc::Unsupported, pointer,
                key + " " + v.dump() + " is above the supported " + std::to_string(kMaxSchemaCount));
        }
        return static_cast<uint64_t>(d);
    }

    void note_other(Merged& m, const std::string& key, const std::string& pointer) {
        m.constrained = true;
        if (m.other_keyword.empty()) {
            m.other_keyword = key;
            m.other_pointer = pointer;
        }
    }

    Result<void> check_strict_object(const Json& s, const std::string& pointer) {
        if (!options_.strict) return {};
        if (s.contains("additionalProperties") && s["additionalProperties"] != false) {
            return schema_error(Errc::InvalidArgument, pointer,
                                "strict mode requires additionalProperties to be false");
        }
        if (s.contains("properties") && s["properties"].is_object()) {
            std::vector<std::string> required;
            if (s.contains("required") && s["required"].is_array()) {
                for (const auto& r : s["required"]) {
                    if (r.is_string()) required.push_back(r.get<std::string>());
                }
            }
            for (const auto& [name, value] : s["properties"].items()) {
                if (std::find(required.begin(), required.end(), name) == required.end()) {
                    return schema_error(Errc::InvalidArgument, pointer,
                                        "strict mode requires every property in 'required', and '" + name +
                                            "' is not (make it nullable with a type array instead)");
                }
            }
        }
        return {};
    }

    Result<void> merge(Merged& m, const Part& part, int depth) {
        if (depth > kMaxDepth)
            return schema_error(Errc::Unsupported, part.pointer,
                                "schema nested too deeply (or a $ref cycle inside allOf)");
        const Json& s = *part.schema;
        if (s.is_boolean()) {
            if (!s.get<bool>()) m.impossible = true;
            return {};
        }
        if (!s.is_object())
            return schema_error(Errc::InvalidArgument, part.pointer,
                                "a schema must be an object or a boolean");
        if (s.contains("$ref")) {
            auto target = ref_target(part);
            if (!target) return std::move(target).error();
            return merge(m, *target, depth + 1);
        }
        for (const auto& [key, value] : s.items()) {
            auto it = keywords().find(key);
            if (key.rfind("x-", 0) == 0) continue;
            if (it == keywords().end()) {
                return schema_error(Errc::Unsupported, part.pointer,
                                    "keyword '" + key + "' is not supported");
            }
            if (key == "$id" && &s != &root_) {
                return schema_error(Errc::Unsupported, part.pointer,
                                    "keyword '$id' inside a subschema is not supported");
            }
        }
        const std::string& p = part.pointer;
        if (s.contains("type")) {
            const Json& t = s["type"];
            uint8_t bits = 0;
            auto add = [&](const Json& name) -> Result<void> {
                static const std::map<std::string, uint8_t> names = {{"null", kNull},
                                                                     {"boolean", kBoolean},
                                                                     {"object", kObject},
                                                                     {"array", kArray},
                                                                     {"string", kString},
                                                                     {"integer", kInteger},
                                                                     {"number", kNumber | kInteger}};
                if (!name.is_string() || !names.contains(name.get<std::string>())) {
                    return schema_error(Errc::InvalidArgument, child(p, "type"),
                                        "unknown type " + name.dump());
                }
                bits |= names.at(name.get<std::string>());
                return {};
            };
            if (t.is_array()) {
                for (const auto& name : t) {
                    if (auto ok = add(name); !ok) return ok;
                }
            } else if (auto ok = add(t); !ok) {
                return ok;
            }
            m.types &= bits;
            m.constrained = true;
            if (m.types & kObject) {
                if (auto ok = check_strict_object(s, p); !ok) return ok;
            }
        } else if (s.contains("properties") || s.contains("additionalProperties")) {
            if (auto ok = check_strict_object(s, p); !ok) return ok;
        }
        auto restrict_literals = [&](std::vector<Json> values) {
            m.constrained = true;
            if (!m.literals) {
                m.literals = std::move(values);
                return;
            }
            std::vector<Json> kept;
            for (const Json& v : *m.literals) {
                if (std::find(values.begin(), values.end(), v) != values.end()) kept.push_back(v);
            }
            m.literals = std::move(kept);
        };
        if (s.contains("enum")) {
            if (!s["enum"].is_array())
                return schema_error(Errc::InvalidArgument, child(p, "enum"), "enum must be an array");
            restrict_literals(std::vector<Json>(s["enum"].begin(), s["enum"].end()));
        }
        if (s.contains("const")) restrict_literals({s["const"]});

        // numbers
        struct BoundKeyword {
            const char* name;
            bool lower;
            bool exclusive;
        };
        for (const BoundKeyword& k :
             {BoundKeyword{"minimum", true, false}, BoundKeyword{"exclusiveMinimum", true, true},
              BoundKeyword{"maximum", false, false}, BoundKeyword{"exclusiveMaximum", false, true}}) {
            if (!s.contains(k.name)) continue;
            note_other(m, k.name, p);
            auto d = number_keyword(s[k.name], p, k.name);
            if (!d) return std::move(d).error();
            std::optional<Decimal>& bound = k.lower ? m.lower : m.upper;
            bool& bound_exclusive = k.lower ? m.lower_exclusive : m.upper_exclusive;
            // A lower bound tightens when larger, an upper bound when smaller.
            const int tighter = !bound ? 1 : (k.lower ? compare(**d, *bound) : compare(*bound, **d));
            if (tighter > 0) {
                bound = *d;
                bound_exclusive = k.exclusive;
            } else if (tighter == 0) {
                bound_exclusive = bound_exclusive || k.exclusive;
            }
        }
        if (s.contains("multipleOf")) {
            note_other(m, "multipleOf", p);
            auto d = number_keyword(s["multipleOf"], p, "multipleOf");
            if (!d) return std::move(d).error();
            if (m.multiple_of && compare(*m.multiple_of, **d) != 0) {
                return schema_error(Errc::Unsupported, p,
                                    "two different multipleOf values in allOf are not supported");
            }
            m.multiple_of = *d;
        }
        // strings
        if (s.contains("minLength")) {
            note_other(m, "minLength", p);
            auto n = count_keyword(s["minLength"], p, "minLength");
            if (!n) return std::move(n).error();
            m.min_length = std::max(m.min_length, *n);
        }
        if (s.contains("maxLength")) {
            note_other(m, "maxLength", p);
            auto n = count_keyword(s["maxLength"], p, "maxLength");
            if (!n) return std::move(n).error();
            m.max_length = std::min(m.max_length.value_or(*n), *n);
        }
        if (s.contains("pattern")) {
            note_other(m, "pattern", p);
            if (!s["pattern"].is_string())
                return schema_error(Errc::InvalidArgument, p, "pattern must be a string");
            m.patterns.push_back({s["pattern"].get<std::string>(), child(p, "pattern")});
        }
        if (s.contains("format")) {
            note_other(m, "format", p);
            if (!s["format"].is_string())
                return schema_error(Errc::InvalidArgument, p, "format must be a string");
            std::string format = s["format"].get<std::string>();
            if (m.format && *m.format != format) {
                return schema_error(Errc::Unsupported, p, "two different formats in allOf are not supported");
            }
            m.format = format;
        }
        // arrays
        if (auto ok = merge_array(m, s, p); !ok) return ok;
        // objects
        if (auto ok = merge_object(m, s, p); !ok) return ok;
        // combinators
        for (const char* key : {"anyOf", "oneOf", "allOf"}) {
            if (!s.contains(key)) continue;
            const Json& list = s[key];
            if (!list.is_array() || list.empty()) {
                return schema_error(Errc::InvalidArgument, child(p, key),
                                    std::string(key) + " must be a non-empty array");
            }
            Conj branches;
            for (size_t i = 0; i < list.size(); ++i)
                branches.push_back({&list[i], child(child(p, key), i)});
            if (key[1] == 'l') {  // allOf
                for (const Part& branch : branches) {
                    if (auto ok = merge(m, branch, depth + 1); !ok) return ok;
                }
            } else {
                m.groups.push_back({key[0] == 'o', std::move(branches), child(p, key)});
            }
        }
        return {};
    }

    Result<void> merge_array(Merged& m, const Json& s, const std::string& p) {
        if (s.contains("uniqueItems") && s["uniqueItems"] != false) {
            return schema_error(Errc::Unsupported, p, "keyword 'uniqueItems' (true) is not supported");
        }
        if (s.contains("minItems")) {
            note_other(m, "minItems", p);
            auto n = count_keyword(s["minItems"], p, "minItems");
            if (!n) return std::move(n).error();
            m.min_items = std::max(m.min_items, *n);
        }
        if (s.contains("maxItems")) {
            note_other(m, "maxItems", p);
            auto n = count_keyword(s["maxItems"], p, "maxItems");
            if (!n) return std::move(n).error();
            m.max_items = std::min(m.max_items.value_or(*n), *n);
        }
        // This part's positional schemas and the schema of every later position.
        Conj prefix_parts;
        std::optional<Part> rest;
        const bool has_prefix = s.contains("prefixItems");
        const bool items_array = s.contains("items") && s["items"].is_array();
        if (has_prefix && items_array) {
            return schema_error(Errc::InvalidArgument, p,
                                "prefixItems and an array-valued items cannot be combined");
        }
        const char* prefix_key = has_prefix ? "prefixItems" : (items_array ? "items" : nullptr);
        if (prefix_key) {
            note_other(m, prefix_key, p);
            for (size_t i = 0; i < s[prefix_key].size(); ++i) {
                prefix_parts.push_back({&s[prefix_key][i], child(child(p, prefix_key), i)});
            }
            const char* rest_key = has_prefix ? "items" : "additionalItems";
            if (s.contains(rest_key)) rest = Part{&s[rest_key], child(p, rest_key)};
        } else if (s.contains("items")) {
            rest = Part{&s["items"], child(p, "items")};
        }
        if (!rest && !prefix_key) return {};
        if (rest) note_other(m, "items", p);
        const size_t old_size = m.prefix.size();
        for (size_t k = 0; k < std::max(old_size, prefix_parts.size()); ++k) {
            if (k >= old_size) m.prefix.push_back(m.rest);
            if (k < prefix_parts.size()) {
                m.prefix[k].push_back(prefix_parts[k]);
            } else if (rest) {
                m.prefix[k].push_back(*rest);
            }
        }
        if (rest) m.rest.push_back(*rest);
        return {};
    }

    Result<void> merge_object(Merged& m, const Json& s, const std::string& p) {
        std::optional<Part> additional;
        if (s.contains("additionalProperties")) {
            note_other(m, "additionalProperties", p);
            additional = Part{&s["additionalProperties"], child(p, "additionalProperties")};
        } else if (options_.strict && s.contains("properties")) {
            additional = Part{&json_false(), child(p, "additionalProperties")};
        }
        if (s.contains("required")) {
            note_other(m, "required", p);
            if (!s["required"].is_array())
                return schema_error(Errc::InvalidArgument, p, "required must be an array");
            for (const auto& r : s["required"]) {
                if (!r.is_string())
                    return schema_error(Errc::InvalidArgument, p, "required must list strings");
                if (std::find(m.required.begin(), m.required.end(), r.get<std::string>()) ==
                    m.required.end()) {
                    m.required.push_back(r.get<std::string>());
                }
            }
        }
        std::vector<std::pair<std::string, Part>> listed;
        if (s.contains("properties")) {
            note_other(m, "properties", p);
            if (!s["properties"].is_object())
                return schema_error(Errc::InvalidArgument, p, "properties must be an object");
            for (const auto& [name, value] : s["properties"].items()) {
                listed.push_back({name, Part{&value, child(child(p, "properties"), name)}});
            }
        }
        if (listed.empty() && !additional) return {};
        // A name listed here gets its schema; a name not listed gets this part's additionalProperties.
        for (auto& [name, conj] : m.properties) {
            auto it =
                std::find_if(listed.begin(), listed.end(), [&](const auto& l) { return l.first == name; });
            if (it != listed.end()) {
                conj.push_back(it->second);
            } else if (additional) {
                conj.push_back(*additional);
            }
        }
        for (const auto& [name, part] : listed) {
            auto it = std::find_if(m.properties.begin(), m.properties.end(),
                                   [&](const auto& q) { return q.first == name; });
            if (it != m.properties.end()) continue;
            Conj conj = m.additional;
            conj.push_back(part);
            m.properties.push_back({name, std::move(conj)});
        }
        if (additional) m.additional.push_back(*additional);
        return {};
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
            if (!merge(m, part, depth + 1)) return std::nullopt;
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
            if (auto ok = merge(with, branch, depth + 1); !ok) return std::move(ok).error();
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
    const Json& root_;
    JsonSchemaOptions options_;
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
