// Errors from the Jinja engine name the template line and column and say what went wrong, for
// syntax errors, runtime errors and raise_exception(). (Jinja2 reports only the line; the lines
// asserted here are the ones Jinja2 reports for the same templates.)
#include <gtest/gtest.h>

#include <string>

#include "vela/openai/chat_template.h"

namespace vela::openai {
namespace {

std::string error_of(const std::string& source, const std::string& context = "{}") {
    auto compiled = ChatTemplate::compile(source);
    if (!compiled) return compiled.error().message();
    auto rendered = compiled->render(context);
    if (rendered) return "rendered: " + *rendered;
    return rendered.error().message();
}

TEST(JinjaErrors, SyntaxErrorsNameLineAndColumn) {
    EXPECT_EQ(error_of("{% if true %}\n{{ 1 + }}"),
              "chat template syntax error at line 2, column 8: unexpected end of print statement");
    EXPECT_EQ(error_of("\n\n{% nope %}").substr(0, 72),
              "chat template syntax error at line 3, column 4: Encountered unknown tag ");
    EXPECT_EQ(error_of("{{ x | nope }}"),
              "chat template syntax error at line 1, column 8: No filter named 'nope'.");
    EXPECT_EQ(error_of("{# open"),
              "chat template syntax error at line 1, column 1: Missing end of comment tag");
    EXPECT_NE(
        error_of("{% if x %}\n{% for y in z %}").find("the 'for' block opened at line 2 was never closed"),
        std::string::npos);
    EXPECT_NE(
        error_of("{% macro m(a=1, b) %}{% endmacro %}").find("non-default argument follows default argument"),
        std::string::npos);
}

TEST(JinjaErrors, RuntimeErrorsNameTheInnermostExpression) {
    EXPECT_EQ(error_of("a\n  {{ missing.x }}"),
              "chat template error at line 2, column 6: 'missing' is undefined");
    EXPECT_EQ(error_of("{% macro m() %}\n{{ 1 / 0 }}\n{% endmacro %}{{ m() }}"),
              "chat template error at line 2, column 4: ZeroDivisionError: division by zero");
    EXPECT_EQ(error_of("{{ messages[0].content.strip() }}", R"({"messages": [{"role": "user"}]})"),
              "chat template error at line 1, column 4: 'dict object' has no attribute 'content'");
    EXPECT_EQ(
        error_of("{{ [1].append(2) }}"),
        "chat template error at line 1, column 4: access to attribute 'append' of 'list' object is unsafe.");
    EXPECT_EQ(error_of("{% for x in 5 %}{% endfor %}"),
              "chat template error at line 1, column 4: 'int' object is not iterable");
    EXPECT_EQ(error_of("{{ 'a' + 1 }}"),
              "chat template error at line 1, column 4: can only concatenate str (not \"int\") to str");
}

TEST(JinjaErrors, RaiseExceptionCarriesTheTemplatesMessage) {
    EXPECT_EQ(
        error_of("{% if true %}\n  {{ raise_exception('Conversation roles must alternate') }}\n{% endif %}"),
        "chat template raised an exception at line 2, column 6: Conversation roles must alternate");
}

TEST(JinjaErrors, BadContextIsRejected) {
    EXPECT_EQ(error_of("x", "[1, 2]"), "chat template context must be a JSON object, got list");
    EXPECT_NE(error_of("x", "{\"a\": }").find("chat template context: invalid JSON at byte"),
              std::string::npos);
}

TEST(JinjaErrors, RunawayRecursionIsAnErrorNotACrash) {
    EXPECT_NE(
        error_of("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}").find("maximum template recursion depth"),
        std::string::npos);
}

TEST(JinjaErrors, HostileTemplatesHitLimitsInsteadOfExhaustingTheMachine) {
    const std::string parens = "{{ " + std::string(5000, '(') + "1" + std::string(5000, ')') + " }}";
    EXPECT_NE(error_of(parens).find("expressions nest more than"), std::string::npos);
    std::string ifs;
    for (int i = 0; i < 500; ++i)
        ifs += "{% if true %}";
    EXPECT_NE(error_of(ifs).find("blocks nest more than 100 levels deep"), std::string::npos);
    EXPECT_NE(
        error_of("{% set ns = namespace(x=1) %}{% for i in range(5000) %}{% set ns.x = [ns.x] %}{% endfor %}")
            .find("lists and dicts nest more than 1000 levels deep"),
        std::string::npos);
    EXPECT_NE(error_of("{% set ns = namespace(s='ab') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}"
                       "{% endfor %}{{ ns.s }}")
                  .find("exceeds 64 MiB"),
              std::string::npos);
    EXPECT_NE(error_of("{% set ns = namespace(l=[1]) %}{% for i in range(40) %}{% set ns.l = ns.l + ns.l %}"
                       "{% endfor %}")
                  .find("list concatenation result is too large"),
              std::string::npos);
    EXPECT_NE(error_of("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}")
                  .find("the template did too much work"),
              std::string::npos);
}

}  // namespace
}  // namespace vela::openai
