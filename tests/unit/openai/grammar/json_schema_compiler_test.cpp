// JSON Schema compiler: errors that name the keyword and its pointer, strict mode, member order,
// additional properties, combinators, $ref recursion, and the whitespace bound.
#include "grammar/json_schema_compiler.h"

#include <gtest/gtest.h>

#include <string>

#include "unit/openai/grammar/grammar_test_util.h"

namespace vela::grammar {
namespace {

using testing::accepts;
using testing::schema_error;
using testing::schema_grammar;

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

TEST(JsonSchemaCompiler, UnsupportedKeywordsNameTheKeywordAndPointer) {
    struct Case {
        const char* schema;
        const char* keyword;
        const char* pointer;
    };
    const Case cases[] = {
        {R"({"properties":{"a":{"not":{"type":"null"}}}})", "'not'", "#/properties/a"},
        {R"({"type":"object","patternProperties":{"^x":{}}})", "'patternProperties'", "at #"},
        {R"({"items":{"uniqueItems":true}})", "'uniqueItems'", "#/items"},
        {R"({"anyOf":[{"type":"string"},{"fancy":1}]})", "'fancy'", "#/anyOf/1"},
        {R"({"type":"string","format":"uri"})", "format 'uri'", "at #"},
        {R"({"$ref":"other.json#/a"})", "$ref 'other.json#/a'", "at #"},
        {R"({"$defs":{"a":{"type":"integer"}},"$ref":"#/$defs/a","minimum":3})", "'minimum' beside $ref",
         "at #"},
        {R"({"oneOf":[{"type":"integer"},{"minimum":2}]})", "'oneOf'", "#/oneOf"},
        {R"J({"properties":{"s":{"type":"string","pattern":"(?=x)"}}})J", "pattern '(?=x)'",
         "#/properties/s/pattern"},
        {R"({"type":"string","maxLength":100000})", "maxLength", "at #"},
        {R"({"enum":["a","bb"],"minLength":2})", "'minLength' beside enum", "at #"},
        {R"({"items":{"$id":"x"}})", "'$id'", "#/items"},
        {R"({"dependentRequired":{"a":["b"]}})", "'dependentRequired'", "at #"},
        {R"({"minimum":true})", "minimum must be a number", "at #"},
    };
    for (const Case& c : cases) {
        const std::string message = schema_error(c.schema);
        EXPECT_TRUE(contains(message, c.keyword)) << c.schema << " -> " << message;
        EXPECT_TRUE(contains(message, c.pointer)) << c.schema << " -> " << message;
        EXPECT_EQ(message.rfind("json schema", 0), 0u) << message;
    }
    EXPECT_TRUE(contains(schema_error("{not json"), "not valid JSON"));
    EXPECT_TRUE(contains(schema_error("false"), "accepts no JSON value"));
}

TEST(JsonSchemaCompiler, AnnotationsAreIgnored) {
    auto g =
        schema_grammar(R"({"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"urn:x","title":"T",
        "description":"d","type":"integer","default":3,"examples":[1],"$comment":"c","deprecated":false,"x-vendor":1})");
    ASSERT_TRUE(g);
    EXPECT_TRUE(accepts(g, "42"));
    EXPECT_FALSE(accepts(g, "\"42\""));
}

TEST(JsonSchemaCompiler, MembersComeInSchemaOrderAndOptionalOnesMayBeLeftOut) {
    auto g = schema_grammar(
        R"({"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"string"},"c":{"type":"boolean"}},
        "required":["b"],"additionalProperties":false})");
    ASSERT_TRUE(g);
    EXPECT_TRUE(accepts(g, R"({"a":1,"b":"x","c":true})"));
    EXPECT_TRUE(accepts(g, R"({"b":"x"})"));
    EXPECT_TRUE(accepts(g, R"({"a":1,"b":"x"})"));
    EXPECT_TRUE(accepts(g, R"({"b":"x","c":false})"));
    EXPECT_FALSE(accepts(g, R"({"b":"x","a":1})"));  // schema order only
    EXPECT_FALSE(accepts(g, R"({"a":1})"));          // b is required
    EXPECT_FALSE(accepts(g, R"({"a":1,"b":"x","d":1})"));
    EXPECT_FALSE(accepts(g, R"({"b":"x",})"));
    EXPECT_FALSE(accepts(g, R"({,"b":"x"})"));
}

TEST(JsonSchemaCompiler, AdditionalPropertiesCannotRepeatAListedName) {
    auto g = schema_grammar(
        R"({"properties":{"a":{"type":"integer"}},"additionalProperties":{"type":"boolean"}})");
    ASSERT_TRUE(g);
    EXPECT_TRUE(accepts(g, R"({"a":1,"x":true,"y":false})"));
    EXPECT_TRUE(accepts(g, R"({"x":true})"));
    EXPECT_TRUE(accepts(g, R"({"ab":true})"));
    EXPECT_FALSE(accepts(g, R"({"a":true})"));
    EXPECT_FALSE(accepts(g, R"({"x":1})"));
    EXPECT_FALSE(accepts(g, R"({"\u0061":true})"));  // no escape can spell a listed name
    EXPECT_TRUE(accepts(g, "7"));                    // not an object: properties do not apply
}

TEST(JsonSchemaCompiler, StrictMode) {
    JsonSchemaOptions strict{.strict = true};
    EXPECT_TRUE(contains(
        schema_error(R"({"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false})",
                     strict),
        "'a' is not"));
    EXPECT_TRUE(contains(
        schema_error(
            R"({"type":"object","properties":{"a":{"type":"string"}},"required":["a"],"additionalProperties":true})",
            strict),
        "additionalProperties to be false"));
    auto g = schema_grammar(
        R"({"type":"object","properties":{"a":{"type":["string","null"]}},"required":["a"]})", strict);
    ASSERT_TRUE(g);
    EXPECT_TRUE(accepts(g, R"({"a":null})"));
    EXPECT_FALSE(accepts(g, R"({"a":null,"b":1})"));  // a missing additionalProperties counts as false
    auto loose = schema_grammar(R"({"type":"object","properties":{"a":{"type":"string"}}})");
    ASSERT_TRUE(loose);
    EXPECT_TRUE(accepts(loose, R"({"a":"x","b":1})"));
}

TEST(JsonSchemaCompiler, CombinatorsAndRecursion) {
    auto any_of = schema_grammar(R"({"type":"string","anyOf":[{"maxLength":2},{"minLength":4}]})");
    ASSERT_TRUE(any_of);
    EXPECT_TRUE(accepts(any_of, R"("ab")"));
    EXPECT_FALSE(accepts(any_of, R"("abc")"));
    EXPECT_TRUE(accepts(any_of, R"("abcd")"));
    auto one_of = schema_grammar(
        R"({"oneOf":[{"type":"object","properties":{"kind":{"const":"a"},"x":{"type":"integer"}},"required":["kind"]},
        {"type":"object","properties":{"kind":{"const":"b"}},"required":["kind"]},{"type":"string"}]})");
    ASSERT_TRUE(one_of);
    EXPECT_TRUE(accepts(one_of, R"({"kind":"a","x":1})"));
    EXPECT_TRUE(accepts(one_of, R"({"kind":"b"})"));
    EXPECT_TRUE(accepts(one_of, R"("s")"));
    EXPECT_FALSE(accepts(one_of, R"({"kind":"c"})"));
    auto all_of = schema_grammar(
        R"({"allOf":[{"properties":{"a":{"type":"integer"}},"required":["a"]},{"properties":{"a":{"minimum":5},"b":{"type":"string"}}}]})");
    ASSERT_TRUE(all_of);
    EXPECT_TRUE(accepts(all_of, R"({"a":5,"b":"x"})"));
    EXPECT_FALSE(accepts(all_of, R"({"a":4})"));
    EXPECT_FALSE(accepts(all_of, R"({"b":"x"})"));
    auto tree = schema_grammar(
        R"({"$defs":{"node":{"type":"object","properties":{"children":{"type":"array","items":{"$ref":"#/$defs/node"}}},
        "additionalProperties":false}},"$ref":"#/$defs/node"})");
    ASSERT_TRUE(tree);
    EXPECT_TRUE(accepts(tree, R"({"children":[{},{"children":[{"children":[]}]}]})"));
    EXPECT_FALSE(accepts(tree, R"({"children":[{"x":1}]})"));
    EXPECT_TRUE(contains(schema_error(R"({"$defs":{"a":{"$ref":"#/$defs/a"}},"$ref":"#/$defs/a"})"),
                         "accepts no JSON value"));
    EXPECT_TRUE(contains(
        schema_error(
            R"({"$defs":{"a":{"anyOf":[{"$ref":"#/$defs/a"},{"type":"integer"}]}},"$ref":"#/$defs/a"})"),
        "left recursion"));
}

TEST(JsonSchemaCompiler, ArraysAndLiterals) {
    auto tuple = schema_grammar(
        R"({"prefixItems":[{"type":"integer"},{"type":"string"}],"items":false,"minItems":1})");
    ASSERT_TRUE(tuple);
    EXPECT_TRUE(accepts(tuple, "[1]"));
    EXPECT_TRUE(accepts(tuple, R"([1,"a"])"));
    EXPECT_FALSE(accepts(tuple, "[]"));
    EXPECT_FALSE(accepts(tuple, R"([1,"a",2])"));
    EXPECT_FALSE(accepts(tuple, R"(["a"])"));
    auto literals = schema_grammar(R"({"enum":[1.0,"a\"b",{"k":[null,true]},[]]})");
    ASSERT_TRUE(literals);
    EXPECT_TRUE(accepts(literals, "1"));
    EXPECT_TRUE(accepts(literals, R"("a\"b")"));
    EXPECT_TRUE(accepts(literals, R"({"k": [null, true]})"));
    EXPECT_TRUE(accepts(literals, "[]"));
    EXPECT_FALSE(accepts(literals, "2"));
    EXPECT_FALSE(accepts(literals, R"({"k":[null]})"));
    auto typed = schema_grammar(R"({"type":"string","enum":["x",1]})");
    ASSERT_TRUE(typed);
    EXPECT_TRUE(accepts(typed, R"("x")"));
    EXPECT_FALSE(accepts(typed, "1"));
}

TEST(JsonSchemaCompiler, WhitespaceIsBounded) {
    auto g =
        schema_grammar(R"({"type":"object","properties":{"a":{"type":"array","items":{"type":"integer"}}}})",
                       JsonSchemaOptions{.max_indent = 4});
    ASSERT_TRUE(g);
    EXPECT_TRUE(accepts(g, "{\n    \"a\": [\n    1 , 2\n]\n}"));
    EXPECT_TRUE(accepts(g, " {\"a\":[]} "));
    EXPECT_FALSE(accepts(g, "{     \"a\":[]}"));    // five spaces
    EXPECT_FALSE(accepts(g, "{\n     \"a\":[]}"));  // newline and five spaces
    EXPECT_FALSE(accepts(g, "{\n\n\"a\":[]}"));     // two newlines
    EXPECT_FALSE(accepts(g, "{\t\"a\":[]}"));       // tabs are not offered
    EXPECT_FALSE(accepts(g, "{\"a\":[]}\n\n"));
}

TEST(JsonSchemaCompiler, StringsHonourLengthInCharacters) {
    auto g = schema_grammar(R"({"type":"string","minLength":2,"maxLength":3})");
    ASSERT_TRUE(g);
    EXPECT_TRUE(accepts(g, "\"\xF0\x9F\x98\x80\xC3\xA9\""));  // two code points, six bytes
    EXPECT_TRUE(accepts(g, R"("a\nb")"));
    EXPECT_FALSE(accepts(g, "\"a\""));
    EXPECT_FALSE(accepts(g, "\"abcd\""));
    auto free = schema_grammar(R"({"type":"string"})");
    ASSERT_TRUE(free);
    EXPECT_TRUE(accepts(free, R"("\ud83d\ude00 \/ \u00e9")"));
    EXPECT_FALSE(accepts(free, R"("\ud83d")"));  // lone surrogate escape
    EXPECT_FALSE(accepts(free, "\"\xC3\""));     // broken UTF-8
    EXPECT_FALSE(accepts(free, "\"\x01\""));     // raw control character
}

}  // namespace
}  // namespace vela::grammar
