#include "grammar/schema_merger.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <unordered_map>

namespace vela::grammar::schema {
namespace {

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

}  // namespace

const Json& json_false() {
    static const Json value = false;
    return value;
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

uint8_t folded(uint8_t types) {
    return (types & (kInteger | kNumber)) ? static_cast<uint8_t>((types & ~kInteger) | kNumber) : types;
}

Result<Part> Merger::ref_target(const Part& part) {
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
    if (!ref.is_string()) return schema_error(Errc::InvalidArgument, part.pointer, "$ref must be a string");
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
            return schema_error(Errc::InvalidArgument, part.pointer, "$ref '" + text + "' points to nothing");
        }
        pointer = child(pointer, token);
        pos = end + 1;
    }
    return Part{node, pointer};
}

Result<std::optional<Decimal>> Merger::number_keyword(const Json& v, const std::string& pointer,
                                                      const std::string& key) {
    if (!v.is_number()) {
        return schema_error(Errc::InvalidArgument, pointer,
                            key + " must be a number (draft 4 boolean exclusive bounds are not supported)");
    }
    auto d = parse_decimal(number_text(v));
    if (!d) return schema_error(d.error().code(), pointer, key + ": " + d.error().message());
    return std::optional<Decimal>(*d);
}

Result<uint64_t> Merger::count_keyword(const Json& v, const std::string& pointer, const std::string& key) {
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

void Merger::note_other(Merged& m, const std::string& key, const std::string& pointer) {
    m.constrained = true;
    if (m.other_keyword.empty()) {
        m.other_keyword = key;
        m.other_pointer = pointer;
    }
}

Result<void> Merger::check_strict_object(const Json& s, const std::string& pointer) {
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

Result<void> Merger::merge(Merged& m, const Part& part, int depth) {
    if (depth > kMaxDepth)
        return schema_error(Errc::Unsupported, part.pointer,
                            "schema nested too deeply (or a $ref cycle inside allOf)");
    const Json& s = *part.schema;
    if (s.is_boolean()) {
        if (!s.get<bool>()) m.impossible = true;
        return {};
    }
    if (!s.is_object())
        return schema_error(Errc::InvalidArgument, part.pointer, "a schema must be an object or a boolean");
    if (s.contains("$ref")) {
        auto target = ref_target(part);
        if (!target) return std::move(target).error();
        return merge(m, *target, depth + 1);
    }
    for (const auto& [key, value] : s.items()) {
        auto it = keywords().find(key);
        if (key.rfind("x-", 0) == 0) continue;
        if (it == keywords().end()) {
            return schema_error(Errc::Unsupported, part.pointer, "keyword '" + key + "' is not supported");
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
            static const std::map<std::string, uint8_t> names = {
                {"null", kNull},     {"boolean", kBoolean}, {"object", kObject},           {"array", kArray},
                {"string", kString}, {"integer", kInteger}, {"number", kNumber | kInteger}};
            if (!name.is_string() || !names.contains(name.get<std::string>())) {
                return schema_error(Errc::InvalidArgument, child(p, "type"), "unknown type " + name.dump());
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

Result<void> Merger::merge_array(Merged& m, const Json& s, const std::string& p) {
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

Result<void> Merger::merge_object(Merged& m, const Json& s, const std::string& p) {
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
            if (!r.is_string()) return schema_error(Errc::InvalidArgument, p, "required must list strings");
            if (std::find(m.required.begin(), m.required.end(), r.get<std::string>()) == m.required.end()) {
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
        auto it = std::find_if(listed.begin(), listed.end(), [&](const auto& l) { return l.first == name; });
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

}  // namespace vela::grammar::schema
