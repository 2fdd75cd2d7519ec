// JSON <-> Value against Python's json module (the reference): json.dumps output for each option
// combination Hugging Face's tojson forwards, and json.loads results printed with Python's repr().
#include "template/json_value.h"

#include <gtest/gtest.h>

#include "template/template_error.h"

namespace vela::openai::jinja {
namespace {

TEST(JsonValue, DumpMatchesPythonJsonDumps) {
    static const struct {
        const char* source;
        bool ensure_ascii;
        const char* indent;
        const char* item_separator;
        const char* key_separator;
        bool sort_keys;
        const char* expected;
    } kCases[] = {
        {"{\"b\": [1, {\"c\": \"\303\251\344\270\226\360\237\216\211\"}], \"a\": null, \"f\": 1.0, \"g\": "
         "2.5e-10, \"h\": true, \"s\": \"q\\\"\\\\\\n\\t\\u0001\177/\"}",
         false, nullptr, R"J(, )J", R"J(: )J", false,
         "{\"b\": [1, {\"c\": \"\303\251\344\270\226\360\237\216\211\"}], \"a\": null, \"f\": 1.0, \"g\": "
         "2.5e-10, \"h\": true, \"s\": \"q\\\"\\\\\\n\\t\\u0001\177/\"}"},
        {"{\"b\": [1, {\"c\": \"\303\251\344\270\226\360\237\216\211\"}], \"a\": null, \"f\": 1.0, \"g\": "
         "2.5e-10, \"h\": true, \"s\": \"q\\\"\\\\\\n\\t\\u0001\177/\"}",
         false, R"J(  )J", R"J(,)J", R"J(: )J", false,
         "{\n  \"b\": [\n    1,\n    {\n      \"c\": \"\303\251\344\270\226\360\237\216\211\"\n    }\n  ],\n "
         " \"a\": null,\n  \"f\": 1.0,\n  \"g\": 2.5e-10,\n  \"h\": true,\n  \"s\": "
         "\"q\\\"\\\\\\n\\t\\u0001\177/\"\n}"},
        {"{\"b\": [1, {\"c\": \"\303\251\344\270\226\360\237\216\211\"}], \"a\": null, \"f\": 1.0, \"g\": "
         "2.5e-10, \"h\": true, \"s\": \"q\\\"\\\\\\n\\t\\u0001\177/\"}",
         false, R"J(	)J", R"J(,)J", R"J(: )J", false,
         "{\n\011\"b\": [\n\011\0111,\n\011\011{\n\011\011\011\"c\": "
         "\"\303\251\344\270\226\360\237\216\211\"\n\011\011}\n\011],\n\011\"a\": null,\n\011\"f\": "
         "1.0,\n\011\"g\": 2.5e-10,\n\011\"h\": true,\n\011\"s\": \"q\\\"\\\\\\n\\t\\u0001\177/\"\n}"},
        {"{\"b\": [1, {\"c\": \"\303\251\344\270\226\360\237\216\211\"}], \"a\": null, \"f\": 1.0, \"g\": "
         "2.5e-10, \"h\": true, \"s\": \"q\\\"\\\\\\n\\t\\u0001\177/\"}",
         true, nullptr, R"J(, )J", R"J(: )J", false,
         R"J({"b": [1, {"c": "\u00e9\u4e16\ud83c\udf89"}], "a": null, "f": 1.0, "g": 2.5e-10, "h": true, "s": "q\"\\\n\t\u0001\u007f/"})J"},
        {"{\"b\": [1, {\"c\": \"\303\251\344\270\226\360\237\216\211\"}], \"a\": null, \"f\": 1.0, \"g\": "
         "2.5e-10, \"h\": true, \"s\": \"q\\\"\\\\\\n\\t\\u0001\177/\"}",
         false, nullptr, R"J(, )J", R"J(: )J", true,
         "{\"a\": null, \"b\": [1, {\"c\": \"\303\251\344\270\226\360\237\216\211\"}], \"f\": 1.0, \"g\": "
         "2.5e-10, \"h\": true, \"s\": \"q\\\"\\\\\\n\\t\\u0001\177/\"}"},
        {"{\"b\": [1, {\"c\": \"\303\251\344\270\226\360\237\216\211\"}], \"a\": null, \"f\": 1.0, \"g\": "
         "2.5e-10, \"h\": true, \"s\": \"q\\\"\\\\\\n\\t\\u0001\177/\"}",
         false, nullptr, R"J(,)J", R"J(:)J", false,
         "{\"b\":[1,{\"c\":\"\303\251\344\270\226\360\237\216\211\"}],\"a\":null,\"f\":1.0,\"g\":2.5e-10,"
         "\"h\":true,\"s\":\"q\\\"\\\\\\n\\t\\u0001\177/\"}"},
        {"{\"b\": [1, {\"c\": \"\303\251\344\270\226\360\237\216\211\"}], \"a\": null, \"f\": 1.0, \"g\": "
         "2.5e-10, \"h\": true, \"s\": \"q\\\"\\\\\\n\\t\\u0001\177/\"}",
         false, R"J()J", R"J(,)J", R"J(: )J", false,
         "{\n\"b\": [\n1,\n{\n\"c\": \"\303\251\344\270\226\360\237\216\211\"\n}\n],\n\"a\": null,\n\"f\": "
         "1.0,\n\"g\": 2.5e-10,\n\"h\": true,\n\"s\": \"q\\\"\\\\\\n\\t\\u0001\177/\"\n}"},
        {"{\"b\": [1, {\"c\": \"\303\251\344\270\226\360\237\216\211\"}], \"a\": null, \"f\": 1.0, \"g\": "
         "2.5e-10, \"h\": true, \"s\": \"q\\\"\\\\\\n\\t\\u0001\177/\"}",
         false, R"J(  )J", R"J(,)J", R"J(: )J", true,
         "{\n  \"a\": null,\n  \"b\": [\n    1,\n    {\n      \"c\": "
         "\"\303\251\344\270\226\360\237\216\211\"\n    }\n  ],\n  \"f\": 1.0,\n  \"g\": 2.5e-10,\n  \"h\": "
         "true,\n  \"s\": \"q\\\"\\\\\\n\\t\\u0001\177/\"\n}"},
        {R"J([])J", false, nullptr, R"J(, )J", R"J(: )J", false, R"J([])J"},
        {R"J([])J", false, R"J(  )J", R"J(,)J", R"J(: )J", false, R"J([])J"},
        {R"J([])J", false, R"J(	)J", R"J(,)J", R"J(: )J", false, R"J([])J"},
        {R"J([])J", true, nullptr, R"J(, )J", R"J(: )J", false, R"J([])J"},
        {R"J([])J", false, nullptr, R"J(, )J", R"J(: )J", true, R"J([])J"},
        {R"J([])J", false, nullptr, R"J(,)J", R"J(:)J", false, R"J([])J"},
        {R"J([])J", false, R"J()J", R"J(,)J", R"J(: )J", false, R"J([])J"},
        {R"J([])J", false, R"J(  )J", R"J(,)J", R"J(: )J", true, R"J([])J"},
        {R"J({})J", false, nullptr, R"J(, )J", R"J(: )J", false, R"J({})J"},
        {R"J({})J", false, R"J(  )J", R"J(,)J", R"J(: )J", false, R"J({})J"},
        {R"J({})J", false, R"J(	)J", R"J(,)J", R"J(: )J", false, R"J({})J"},
        {R"J({})J", true, nullptr, R"J(, )J", R"J(: )J", false, R"J({})J"},
        {R"J({})J", false, nullptr, R"J(, )J", R"J(: )J", true, R"J({})J"},
        {R"J({})J", false, nullptr, R"J(,)J", R"J(:)J", false, R"J({})J"},
        {R"J({})J", false, R"J()J", R"J(,)J", R"J(: )J", false, R"J({})J"},
        {R"J({})J", false, R"J(  )J", R"J(,)J", R"J(: )J", true, R"J({})J"},
        {R"J([[]])J", false, nullptr, R"J(, )J", R"J(: )J", false, R"J([[]])J"},
        {R"J([[]])J", false, R"J(  )J", R"J(,)J", R"J(: )J", false, R"J([
  []
])J"},
        {R"J([[]])J", false, R"J(	)J", R"J(,)J", R"J(: )J", false, R"J([
	[]
])J"},
        {R"J([[]])J", true, nullptr, R"J(, )J", R"J(: )J", false, R"J([[]])J"},
        {R"J([[]])J", false, nullptr, R"J(, )J", R"J(: )J", true, R"J([[]])J"},
        {R"J([[]])J", false, nullptr, R"J(,)J", R"J(:)J", false, R"J([[]])J"},
        {R"J([[]])J", false, R"J()J", R"J(,)J", R"J(: )J", false, R"J([
[]
])J"},
        {R"J([[]])J", false, R"J(  )J", R"J(,)J", R"J(: )J", true, R"J([
  []
])J"},
        {R"J([{}])J", false, nullptr, R"J(, )J", R"J(: )J", false, R"J([{}])J"},
        {R"J([{}])J", false, R"J(  )J", R"J(,)J", R"J(: )J", false, R"J([
  {}
])J"},
        {R"J([{}])J", false, R"J(	)J", R"J(,)J", R"J(: )J", false, R"J([
	{}
])J"},
        {R"J([{}])J", true, nullptr, R"J(, )J", R"J(: )J", false, R"J([{}])J"},
        {R"J([{}])J", false, nullptr, R"J(, )J", R"J(: )J", true, R"J([{}])J"},
        {R"J([{}])J", false, nullptr, R"J(,)J", R"J(:)J", false, R"J([{}])J"},
        {R"J([{}])J", false, R"J()J", R"J(,)J", R"J(: )J", false, R"J([
{}
])J"},
        {R"J([{}])J", false, R"J(  )J", R"J(,)J", R"J(: )J", true, R"J([
  {}
])J"},
        {R"J("x")J", false, nullptr, R"J(, )J", R"J(: )J", false, R"J("x")J"},
        {R"J("x")J", false, R"J(  )J", R"J(,)J", R"J(: )J", false, R"J("x")J"},
        {R"J("x")J", false, R"J(	)J", R"J(,)J", R"J(: )J", false, R"J("x")J"},
        {R"J("x")J", true, nullptr, R"J(, )J", R"J(: )J", false, R"J("x")J"},
        {R"J("x")J", false, nullptr, R"J(, )J", R"J(: )J", true, R"J("x")J"},
        {R"J("x")J", false, nullptr, R"J(,)J", R"J(:)J", false, R"J("x")J"},
        {R"J("x")J", false, R"J()J", R"J(,)J", R"J(: )J", false, R"J("x")J"},
        {R"J("x")J", false, R"J(  )J", R"J(,)J", R"J(: )J", true, R"J("x")J"},
        {R"J(0)J", false, nullptr, R"J(, )J", R"J(: )J", false, R"J(0)J"},
        {R"J(0)J", false, R"J(  )J", R"J(,)J", R"J(: )J", false, R"J(0)J"},
        {R"J(0)J", false, R"J(	)J", R"J(,)J", R"J(: )J", false, R"J(0)J"},
        {R"J(0)J", true, nullptr, R"J(, )J", R"J(: )J", false, R"J(0)J"},
        {R"J(0)J", false, nullptr, R"J(, )J", R"J(: )J", true, R"J(0)J"},
        {R"J(0)J", false, nullptr, R"J(,)J", R"J(:)J", false, R"J(0)J"},
        {R"J(0)J", false, R"J()J", R"J(,)J", R"J(: )J", false, R"J(0)J"},
        {R"J(0)J", false, R"J(  )J", R"J(,)J", R"J(: )J", true, R"J(0)J"},
        {R"J(-5)J", false, nullptr, R"J(, )J", R"J(: )J", false, R"J(-5)J"},
        {R"J(-5)J", false, R"J(  )J", R"J(,)J", R"J(: )J", false, R"J(-5)J"},
        {R"J(-5)J", false, R"J(	)J", R"J(,)J", R"J(: )J", false, R"J(-5)J"},
        {R"J(-5)J", true, nullptr, R"J(, )J", R"J(: )J", false, R"J(-5)J"},
        {R"J(-5)J", false, nullptr, R"J(, )J", R"J(: )J", true, R"J(-5)J"},
        {R"J(-5)J", false, nullptr, R"J(,)J", R"J(:)J", false, R"J(-5)J"},
        {R"J(-5)J", false, R"J()J", R"J(,)J", R"J(: )J", false, R"J(-5)J"},
        {R"J(-5)J", false, R"J(  )J", R"J(,)J", R"J(: )J", true, R"J(-5)J"},
        {R"J(1e+100)J", false, nullptr, R"J(, )J", R"J(: )J", false, R"J(1e+100)J"},
        {R"J(1e+100)J", false, R"J(  )J", R"J(,)J", R"J(: )J", false, R"J(1e+100)J"},
        {R"J(1e+100)J", false, R"J(	)J", R"J(,)J", R"J(: )J", false, R"J(1e+100)J"},
        {R"J(1e+100)J", true, nullptr, R"J(, )J", R"J(: )J", false, R"J(1e+100)J"},
        {R"J(1e+100)J", false, nullptr, R"J(, )J", R"J(: )J", true, R"J(1e+100)J"},
        {R"J(1e+100)J", false, nullptr, R"J(,)J", R"J(:)J", false, R"J(1e+100)J"},
        {R"J(1e+100)J", false, R"J()J", R"J(,)J", R"J(: )J", false, R"J(1e+100)J"},
        {R"J(1e+100)J", false, R"J(  )J", R"J(,)J", R"J(: )J", true, R"J(1e+100)J"},
        {R"J([1.5, -0.0, 1.2345678901234568e+16])J", false, nullptr, R"J(, )J", R"J(: )J", false,
         R"J([1.5, -0.0, 1.2345678901234568e+16])J"},
        {R"J([1.5, -0.0, 1.2345678901234568e+16])J", false, R"J(  )J", R"J(,)J", R"J(: )J", false, R"J([
  1.5,
  -0.0,
  1.2345678901234568e+16
])J"},
        {R"J([1.5, -0.0, 1.2345678901234568e+16])J", false, R"J(	)J", R"J(,)J", R"J(: )J", false, R"J([
	1.5,
	-0.0,
	1.2345678901234568e+16
])J"},
        {R"J([1.5, -0.0, 1.2345678901234568e+16])J", true, nullptr, R"J(, )J", R"J(: )J", false,
         R"J([1.5, -0.0, 1.2345678901234568e+16])J"},
        {R"J([1.5, -0.0, 1.2345678901234568e+16])J", false, nullptr, R"J(, )J", R"J(: )J", true,
         R"J([1.5, -0.0, 1.2345678901234568e+16])J"},
        {R"J([1.5, -0.0, 1.2345678901234568e+16])J", false, nullptr, R"J(,)J", R"J(:)J", false,
         R"J([1.5,-0.0,1.2345678901234568e+16])J"},
        {R"J([1.5, -0.0, 1.2345678901234568e+16])J", false, R"J()J", R"J(,)J", R"J(: )J", false, R"J([
1.5,
-0.0,
1.2345678901234568e+16
])J"},
        {R"J([1.5, -0.0, 1.2345678901234568e+16])J", false, R"J(  )J", R"J(,)J", R"J(: )J", true, R"J([
  1.5,
  -0.0,
  1.2345678901234568e+16
])J"},
        {R"J({"nested": {"deep": [1, [2, [3, {"k": "v"}]]]}})J", false, nullptr, R"J(, )J", R"J(: )J", false,
         R"J({"nested": {"deep": [1, [2, [3, {"k": "v"}]]]}})J"},
        {R"J({"nested": {"deep": [1, [2, [3, {"k": "v"}]]]}})J", false, R"J(  )J", R"J(,)J", R"J(: )J", false,
         R"J({
  "nested": {
    "deep": [
      1,
      [
        2,
        [
          3,
          {
            "k": "v"
          }
        ]
      ]
    ]
  }
})J"},
        {R"J({"nested": {"deep": [1, [2, [3, {"k": "v"}]]]}})J", false, R"J(	)J", R"J(,)J", R"J(: )J",
         false, R"J({
	"nested": {
		"deep": [
			1,
			[
				2,
				[
					3,
					{
						"k": "v"
					}
				]
			]
		]
	}
})J"},
        {R"J({"nested": {"deep": [1, [2, [3, {"k": "v"}]]]}})J", true, nullptr, R"J(, )J", R"J(: )J", false,
         R"J({"nested": {"deep": [1, [2, [3, {"k": "v"}]]]}})J"},
        {R"J({"nested": {"deep": [1, [2, [3, {"k": "v"}]]]}})J", false, nullptr, R"J(, )J", R"J(: )J", true,
         R"J({"nested": {"deep": [1, [2, [3, {"k": "v"}]]]}})J"},
        {R"J({"nested": {"deep": [1, [2, [3, {"k": "v"}]]]}})J", false, nullptr, R"J(,)J", R"J(:)J", false,
         R"J({"nested":{"deep":[1,[2,[3,{"k":"v"}]]]}})J"},
        {R"J({"nested": {"deep": [1, [2, [3, {"k": "v"}]]]}})J", false, R"J()J", R"J(,)J", R"J(: )J", false,
         R"J({
"nested": {
"deep": [
1,
[
2,
[
3,
{
"k": "v"
}
]
]
]
}
})J"},
        {R"J({"nested": {"deep": [1, [2, [3, {"k": "v"}]]]}})J", false, R"J(  )J", R"J(,)J", R"J(: )J", true,
         R"J({
  "nested": {
    "deep": [
      1,
      [
        2,
        [
          3,
          {
            "k": "v"
          }
        ]
      ]
    ]
  }
})J"},
    };
    for (const auto& c : kCases) {
        SCOPED_TRACE(c.expected);
        JsonDumpOptions options;
        options.ensure_ascii = c.ensure_ascii;
        if (c.indent != nullptr) options.indent = c.indent;
        options.item_separator = c.item_separator;
        options.key_separator = c.key_separator;
        options.sort_keys = c.sort_keys;
        EXPECT_EQ(dump_json(parse_json(c.source), options), c.expected);
    }
}

TEST(JsonValue, ParseMatchesPythonJsonLoads) {
    static const struct {
        const char* text;
        const char* repr;
    } kCases[] = {
        {R"J({"a": 1, "b": 1.0, "c": 1e2, "d": -0, "e": 1234567890123456789, "e2": -9223372036854775808, "f": "\ud83c\udf89\u00e9", "a": 2})J",
         R"J({'a': 2, 'b': 1.0, 'c': 100.0, 'd': 0, 'e': 1234567890123456789, 'e2': -9223372036854775808, 'f': '🎉é'})J"},
        {R"J([true, false, null, NaN, Infinity, -Infinity])J", R"J([True, False, None, nan, inf, -inf])J"},
        {R"J(  "x"  )J", R"J('x')J"},
        {R"J([1, [2, {"k": []}]])J", R"J([1, [2, {'k': []}]])J"},
        {R"J({"z": 1, "a": 2})J", R"J({'z': 1, 'a': 2})J"},
    };
    for (const auto& c : kCases)
        EXPECT_EQ(py_repr(parse_json(c.text)), c.repr) << c.text;
}

TEST(JsonValue, MalformedInputIsAnErrorNotACrash) {
    static const char* const kBad[] = {R"J({"a": })J", R"J([1, 2)J", R"J({"a" 1})J",    R"J("unterminated)J",
                                       R"J([1,])J",    R"J(tru)J",   R"J({"a": 1} x)J", R"J("\x")J",
                                       R"J("a
b")J",         R"J(01)J"};
    for (const char* text : kBad) {
        EXPECT_THROW(parse_json(text), TemplateError) << text;
    }
    std::string deep(2000, '[');
    EXPECT_THROW(parse_json(deep), TemplateError);
}

TEST(JsonValue, UnserialisableValuesAreErrors) {
    EXPECT_THROW(dump_json(Value(), {}), TemplateError);
    EXPECT_THROW(dump_json(make_generator({Value::integer(1)}), {}), TemplateError);
    const Value tuple_key = Value::list({Value::integer(1)}, ListKind::Tuple);
    auto dict = std::make_shared<DictData>();
    dict->set(tuple_key, Value::integer(1));
    EXPECT_THROW(dump_json(Value::dict(dict), {}), TemplateError);
}

}  // namespace
}  // namespace vela::openai::jinja
