// Schema merging: reads the keywords of one or more JSON schemas that must all hold (a schema and its
// allOf branches, a property's schema from several allOf branches, an anyOf branch with the keywords
// beside the anyOf) into one Merged summary per JSON type, which the schema compiler then turns into
// grammar. The merge is exact: types intersect, bounds tighten, literal sets intersect, and a
// property not listed by one schema gets that schema's additionalProperties (positions beyond its
// prefixItems get its items). Keywords are checked here: an unknown or unsupported keyword is an error
// naming it and its JSON pointer. $ref is resolved against the root document (local JSON pointers).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "grammar/json_schema_compiler.h"
#include "grammar/number_range.h"
#include "vela/core/error.h"

namespace vela::grammar::schema {

/// The JSON document type of schemas (member order preserved: properties come in schema order).
using Json = nlohmann::ordered_json;

/// JSON types as bits; kNumber includes the integers.
enum TypeBit : uint8_t {
    kNull = 1,
    kBoolean = 2,
    kObject = 4,
    kArray = 8,
    kString = 16,
    kInteger = 32,
    kNumber = 64,
};
/// Every type.
constexpr uint8_t kAllTypes = 127;
/// The deepest nesting of schemas (and of $ref resolution inside allOf) that is compiled.
constexpr int kMaxDepth = 128;

/// A schema location: the schema and its JSON pointer.
struct Part {
    const Json* schema = nullptr;
    std::string pointer;
};
/// Schemas that must all hold.
using Conj = std::vector<Part>;

/// An anyOf / oneOf keyword still to distribute.
struct Group {
    bool one_of = false;
    Conj branches;
    std::string pointer;
};

/// The keywords of a conjunction of schemas, merged (see the file comment).
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

/// The JSON value `false` (a schema that accepts nothing).
const Json& json_false();
/// A JSON pointer as shown in messages ("#/properties/a").
std::string show(const std::string& pointer);
/// `pointer` extended by a member name (escaped per RFC 6901).
std::string child(const std::string& pointer, std::string_view token);
/// `pointer` extended by an array index.
std::string child(const std::string& pointer, size_t index);
/// An error about the schema at `pointer`: "json schema: <what> at #<pointer>".
Error schema_error(Errc code, const std::string& pointer, const std::string& what);
/// The shortest JSON text of a number (integral values without a fraction).
std::string number_text(const Json& v);
/// The TypeBits of a JSON value (an integral number is both integer and number).
uint8_t literal_type(const Json& v);
/// Types with integer folded into number, for overlap tests.
uint8_t folded(uint8_t types);

/// Reads schemas into Merged summaries; see the file comment.
class Merger {
  public:
    /// Resolves $ref against `root`; `options` decides strict mode.
    Merger(const Json& root, const JsonSchemaOptions& options) : root_(root), options_(options) {}

    /// Adds the keywords of `part` (following its $ref and allOf) to `m`.
    Result<void> merge(Merged& m, const Part& part, int depth);
    /// The schema a `$ref` part points to; an error for remote references or sibling keywords.
    Result<Part> ref_target(const Part& part);

  private:
    Result<std::optional<Decimal>> number_keyword(const Json& v, const std::string& pointer,
                                                  const std::string& key);
    Result<uint64_t> count_keyword(const Json& v, const std::string& pointer, const std::string& key);
    void note_other(Merged& m, const std::string& key, const std::string& pointer);
    Result<void> check_strict_object(const Json& s, const std::string& pointer);
    Result<void> merge_array(Merged& m, const Json& s, const std::string& p);
    Result<void> merge_object(Merged& m, const Json& s, const std::string& p);

    const Json& root_;
    JsonSchemaOptions options_;
};

}  // namespace vela::grammar::schema
