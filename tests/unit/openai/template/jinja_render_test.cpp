// Rendering tests for vela's Jinja engine. Every expected output below was produced by Python Jinja2
// 3.1 configured as Hugging Face does (ImmutableSandboxedEnvironment, trim_blocks, lstrip_blocks,
// loopcontrols, transformers' tojson, raise_exception, strftime_now pinned to 2026-01-02); a case whose
// `raises` is true is one Jinja2 refuses to render (syntax error, undefined value used, TypeError,
// SecurityError, raise_exception), and vela must refuse it too.
#include <gtest/gtest.h>

#include <ctime>
#include <string>

#include "vela/openai/chat_template.h"

namespace vela::openai {
namespace {

struct RenderCase {
    const char* source;
    const char* context;   // JSON object of template variables
    const char* expected;  // Jinja2's output (unused when raises)
    bool raises;
};

std::tm fixed_now() {
    std::tm tm{};
    tm.tm_year = 2026 - 1900;
    tm.tm_mon = 0;
    tm.tm_mday = 2;
    timegm(&tm);
    return tm;
}

template <size_t N>
void check_cases(const RenderCase (&cases)[N]) {
    ChatTemplateOptions options;
    options.now = fixed_now();
    for (const RenderCase& c : cases) {
        SCOPED_TRACE(c.source);
        auto compiled = ChatTemplate::compile(c.source);
        if (!compiled) {
            EXPECT_TRUE(c.raises) << compiled.error().message();
            continue;
        }
        auto rendered = compiled->render(c.context, options);
        if (c.raises) {
            EXPECT_FALSE(rendered.ok()) << "rendered: " << *rendered;
        } else {
            ASSERT_TRUE(rendered.ok()) << rendered.error().message();
            EXPECT_EQ(*rendered, c.expected);
        }
    }
}

constexpr RenderCase kStatements[] = {
    {R"J({% if x %}a{% elif y %}b{% else %}c{% endif %})J", R"J({"x": 0, "y": 1})J", R"J(b)J", false},
    {R"J({% if x %}a{% elif y %}b{% else %}c{% endif %})J", R"J({"x": 0, "y": 0})J", R"J(c)J", false},
    {R"J({% if x %}a{% endif %}[{% if not x %}n{% endif %}])J", R"J({"x": 1})J", R"J(a[])J", false},
    {R"J({% for i in [1, 2, 3] %}{{ i }}{% endfor %})J", R"J({})J", R"J(123)J", false},
    {R"J({% for i in [1, 2, 3, 4] if i is even %}{{ i }}{% else %}none{% endfor %})J", R"J({})J", R"J(24)J",
     false},
    {R"J({% for i in [] %}{{ i }}{% else %}empty{% endfor %})J", R"J({})J", R"J(empty)J", false},
    {R"J({% for k, v in {'a': 1, 'b': 2}.items() %}{{ k }}={{ v }};{% endfor %})J", R"J({})J",
     R"J(a=1;b=2;)J", false},
    {R"J({% for (a, b), c in [((1, 2), 3)] %}{{ a }}{{ b }}{{ c }}{% endfor %})J", R"J({})J", R"J(123)J",
     false},
    {R"J({% for i in range(10) %}{% if i == 2 %}{% continue %}{% endif %}{% if i > 4 %}{% break %}{% endif %}{{ i }}{% endfor %})J",
     R"J({})J", R"J(0134)J", false},
    {R"J({% for i in [1] %}{% break %}{% else %}else{% endfor %}done)J", R"J({})J", R"J(elsedone)J", false},
    {R"J({% for i in [1, 2] %}{% for j in 'ab' %}{{ i }}{{ j }} {% endfor %}{% endfor %})J", R"J({})J",
     R"J(1a 1b 2a 2b )J", false},
    {R"J({% set x = 1 %}{% set y = x + 1 %}{{ x }}{{ y }})J", R"J({})J", R"J(12)J", false},
    {R"J({% set a, b = 1, 2 %}{{ a }}{{ b }}{% set c = 1, 2 %}{{ c }})J", R"J({})J", R"J(12(1, 2))J", false},
    {R"J({% set blk %}inner {{ 1 + 1 }}
{% endset %}[{{ blk }}])J",
     R"J({})J",
     R"J([inner 2
])J",
     false},
    {R"J({% set up | upper | replace('O', '0') %}foo{% endset %}{{ up }})J", R"J({})J", R"J(F00)J", false},
    {R"J({% set ns = namespace(n=0, items=[]) %}{% for i in [1, 2, 3] %}{% set ns.n = ns.n + i %}{% set ns.items = ns.items + [i] %}{% endfor %}{{ ns.n }}{{ ns.items }})J",
     R"J({})J", R"J(6[1, 2, 3])J", false},
    {R"J({% set y = 1 %}{% for i in [1, 2] %}{{ y }}{% set y = y + 10 %}{{ y }},{% endfor %}{{ y }})J",
     R"J({})J", R"J(111,111,1)J", false},
    {R"J({% if true %}{% set v = 'in' %}{% endif %}{{ v }})J", R"J({})J", R"J(in)J", false},
    {R"J({% macro greet(name, punct='!') %}Hello {{ name }}{{ punct }}{% endmacro %}{{ greet('A') }} {{ greet('B', '?') }} {{ greet(punct='.', name='C') }})J",
     R"J({})J", R"J(Hello A! Hello B? Hello C.)J", false},
    {R"J({% macro m(a) %}{{ a }}{{ varargs }}{{ kwargs }}{% endmacro %}{{ m(1, 2, 3, x=4) }})J", R"J({})J",
     R"J(1(2, 3){'x': 4})J", false},
    {R"J({% macro fact(n) %}{% if n <= 1 %}1{% else %}{{ n * (fact(n - 1)|int) }}{% endif %}{% endmacro %}{{ fact(6) }})J",
     R"J({})J", R"J(720)J", false},
    {R"J({% macro m() %}{{ later }}{% endmacro %}{% set later = 'L' %}{{ m() }})J", R"J({})J", R"J(L)J",
     false},
    {R"J({% macro m(a, b=a ~ '!') %}{{ b }}{% endmacro %}{{ m('x') }})J", R"J({})J", R"J(x!)J", false},
    {R"J({% macro m(a) %}[{{ a }}]{% endmacro %}{{ m() }})J", R"J({})J", R"J([])J", false},
    {R"J({% macro wrap(tag) %}<{{ tag }}>{{ caller() }}</{{ tag }}>{% endmacro %}{% call wrap('b') %}bold {{ 1 + 1 }}{% endcall %})J",
     R"J({})J", R"J(<b>bold 2</b>)J", false},
    {R"J({% macro each(items) %}{% for i in items %}{{ caller(i) }}{% endfor %}{% endmacro %}{% call(x) each([1, 2]) %}[{{ x }}]{% endcall %})J",
     R"J({})J", R"J([1][2])J", false},
    {R"J({% filter upper %}hello {{ 'world' }}{% endfilter %}|{% filter trim|replace('a', 'o') %}  banana  {% endfilter %})J",
     R"J({})J", R"J(HELLO WORLD|bonono)J", false},
    {R"J({% raw %}{{ not evaluated }}{% if %}{% endraw %})J", R"J({})J", R"J({{ not evaluated }}{% if %})J",
     false},
    {R"J({% print 'p' ~ 1 %})J", R"J({})J", R"J(p1)J", false},
    {R"J({% for m in messages %}{% if m.role == 'assistant' %}{% generation %}{{ m.content }}{% endgeneration %}{% else %}{{ m.content }}{% endif %}{% endfor %})J",
     R"J({"messages": [{"role": "user", "content": "u"}, {"role": "assistant", "content": "a"}]})J",
     R"J(ua)J", false},
    {R"J({% macro m(a) %}{{ a }}{% endmacro %}{{ m(1, 2) }})J", R"J({})J", R"J()J", true},
    {R"J({% macro m(a) %}{{ a }}{% endmacro %}{{ m(b=1) }})J", R"J({})J", R"J()J", true},
    {R"J({% if true %}x)J", R"J({})J", R"J()J", true},
    {R"J({% frobnicate %})J", R"J({})J", R"J()J", true},
};

TEST(JinjaRender, Statements) {
    check_cases(kStatements);
}

constexpr RenderCase kWhitespace[] = {
    {R"J(A
  {% if true %}
    B
  {% endif %}
C)J",
     R"J({})J",
     R"J(A
    B
C)J",
     false},
    {R"J({% for i in [1, 2] %}
  {{ i }}
{% endfor %}
D)J",
     R"J({})J",
     R"J(  1
  2
D)J",
     false},
    {R"J(x  
  {%- if true -%}  
  y  
  {%- endif -%}  
  z)J",
     R"J({})J", R"J(xyz)J", false},
    {R"J(a {{- ' b ' -}} c

{{ 'q' -}}

  r)J",
     R"J({})J",
     R"J(a b c

qr)J",
     false},
    {R"J(a
    {%+ if true %}b{% endif %}
    {% if true +%}
c
{% endif %})J",
     R"J({})J",
     R"J(a
    b
c
)J",
     false},
    {R"J(a
  {# comment #}
b {#- strip -#} c
{# multi
line #}
d)J",
     R"J({})J",
     R"J(a
bc
d)J",
     false},
    {R"J({% raw %}
keep
{% endraw %}
end|
  {%- raw -%}  x  {%- endraw -%}  |)J",
     R"J({})J",
     R"J(
keep
end|x|)J",
     false},
    {R"J(line
)J",
     R"J({})J", R"J(line)J", false},
    {"a\015\n{% if true %}\015\nb\015\n{% endif %}\015\nc\015\n", R"J({})J",
     R"J(a
b
c)J",
     false},
    {R"J(x
	 	{% if true %}
	y
	{% endif %}
z)J",
     R"J({})J",
     R"J(x
	y
z)J",
     false},
    {R"J(x
   {{ 'v' }}
   {% set a = 1 %}
w)J",
     R"J({})J",
     R"J(x
   v
w)J",
     false},
    {R"J(text {% if true %}
T
{% endif %} tail)J",
     R"J({})J",
     R"J(text T
 tail)J",
     false},
    {R"J({% if true %}  {% if true %}x{% endif %}{% endif %})J", R"J({})J", R"J(  x)J", false},
};

TEST(JinjaRender, Whitespace) {
    check_cases(kWhitespace);
}

constexpr RenderCase kExpressions[] = {
    {R"J({{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 7 % -3 }} {{ 7.5 // 2 }} {{ -7.5 % 2 }} {{ 10 / 4 }} {{ 10 / 5 }} {{ 2 ** 10 }} {{ 2 ** -1 }} {{ 3 * 1.5 }} {{ true + 1 }})J",
     R"J({})J", R"J(3 -4 1 2 -2 3.0 0.5 2.5 2.0 1024 0.5 4.5 2)J", false},
    {R"J({{ 'ab' * 3 }}|{{ 3 * 'x' }}|{{ 'a' + 'b' }}|{{ 'a' ~ 1 ~ none ~ true ~ 1.0 }}|{{ [1] + [2, 3] }}|{{ [0] * 3 }}|{{ -(3) }})J",
     R"J({})J", R"J(ababab|xxx|ab|a1NoneTrue1.0|[1, 2, 3]|[0, 0, 0]|-3)J", false},
    {R"J({{ 1 == 1.0 }} {{ 1 == true }} {{ 'a' < 'b' }} {{ [1, 2] < [1, 3] }} {{ 1 < 2 < 3 }} {{ 3 > 2 > 2 }} {{ none == none }} {{ {'a': 1} == {'a': 1} }} {{ [1] == (1,) }} {{ missing == none }})J",
     R"J({})J", R"J(True True True True True False True True False False)J", false},
    {R"J({{ 'b' in 'abc' }} {{ 2 in [1, 2] }} {{ 'k' in {'k': 1} }} {{ 'z' not in 'abc' }} {{ 'x' in missing }})J",
     R"J({})J", R"J(True True True True False)J", false},
    {R"J({{ 0 or 'x' }}|{{ 'a' and 'b' }}|{{ '' and 'b' }}|{{ not [] }}|{{ 1 if 0 else 2 }}|[{{ 'no' if '' }}])J",
     R"J({})J", R"J(x|b||True|2|[])J", false},
    {R"J({{ 1 + 2 * 3 }}{{ (1 + 2) * 3 }}{{ 2 ** 3 ** 2 }}{{ -2 ** 2 }}{{ 10 - 2 - 3 }}{{ not true and false }}{{ 1 + 1 == 2 }}{{ -1|abs }})J",
     R"J({})J", R"J(796445FalseTrue1)J", false},
    {R"J({{ 'a' if x else 'b' if y else 'c' }})J", R"J({"x": false, "y": true})J", R"J(b)J", false},
    {R"J({{ 1_000 }} {{ 0x1f }} {{ 0o17 }} {{ 0b11 }} {{ 1.5e3 }} {{ 'a\tb\x41\u00e9\101' }} {{ 'con' 'cat' }})J",
     R"J({})J", R"J(1000 31 15 3 1500.0 a	bAéA concat)J", false},
    {R"J({{ [1, [2, 3], {'k': (4, 5)}] }}{{ {'a': 1, 'a': 2} }}{{ [1, 2, ] }})J", R"J({})J",
     R"J([1, [2, 3], {'k': (4, 5)}]{'a': 2}[1, 2])J", false},
    {R"J({{ 'a' + 1 }})J", R"J({})J", R"J()J", true},
    {R"J({{ 1 / 0 }})J", R"J({})J", R"J()J", true},
    {R"J({{ 1 + }})J", R"J({})J", R"J()J", true},
};

TEST(JinjaRender, Expressions) {
    check_cases(kExpressions);
}

constexpr RenderCase kSlicing[] = {
    {R"J({{ 'hello'[1:3] }}|{{ 'hello'[::-1] }}|{{ 'hello'[-2:] }}|{{ [1, 2, 3, 4][::2] }}|{{ [1, 2, 3][::-1] }}|{{ 'abc'[5:] }}|{{ (1, 2, 3)[1:] }}|{{ 'abcdef'[1:5:2] }}|{{ [1, 2, 3, 4, 5][-2:0:-1] }})J",
     R"J({})J", R"J(el|olleh|lo|[1, 3]|[3, 2, 1]||(2, 3)|bd|[4, 3, 2])J", false},
    {R"J({{ 'héllo wörld'[2:8] }}|{{ 'héllo'[::-1] }}|{{ '世界'[1] }}|{{ 'abc'[-1] }}|[{{ [1][5] }}]|{{ messages[-1].role }})J",
     R"J({"messages": [{"role": "system"}, {"role": "user"}]})J", R"J(llo wö|olléh|界|c|[]|user)J", false},
    {R"J({{ [1, 2, 3][::0] }})J", R"J({})J", R"J()J", true},
};

TEST(JinjaRender, Slicing) {
    check_cases(kSlicing);
}

constexpr RenderCase kPythonRepr[] = {
    {R"J({{ none }}|{{ true }}|{{ false }}|{{ 1 }}|{{ -0.0 }}|{{ 1.0 }}|{{ 1.5e300 }}|{{ 1e16 }}|{{ 1e-5 }}|{{ 0.1 + 0.2 }}|{{ 123456789.123 }}|{{ 1e15 }}|{{ 1.5e-4 }})J",
     R"J({})J",
     R"J(None|True|False|1|-0.0|1.0|1.5e+300|1e+16|1e-05|0.30000000000000004|123456789.123|1000000000000000.0|0.00015)J",
     false},
    {R"J({{ [1, 'a', none, true, 2.5] }}|{{ {'k': 'v', 'n': [1, {'x': none}]} }}|{{ (1,) }}|{{ () }}|{{ (1, 'b') }}|{{ [] }}|{{ {} }})J",
     R"J({})J", R"J([1, 'a', None, True, 2.5]|{'k': 'v', 'n': [1, {'x': None}]}|(1,)|()|(1, 'b')|[]|{})J",
     false},
    {R"J({{ ['it\'s', 'say "hi"', 'both \' "', 'tab\tnl\nback\\', '\x01\x7f', 'é世🎉', '\u200b\xa0'] }})J",
     R"J({})J", R"J(["it's", 'say "hi"', 'both \' "', 'tab\tnl\nback\\', '\x01\x7f', 'é世🎉', '\u200b\xa0'])J",
     false},
    {R"J({{ d.items() }}|{{ d.keys() }}|{{ d.values() }}|{{ d.items()|list }})J",
     R"J({"d": {"a": 1, "b": [2]}})J",
     R"J(dict_items([('a', 1), ('b', [2])])|dict_keys(['a', 'b'])|dict_values([1, [2]])|[('a', 1), ('b', [2])])J",
     false},
    {R"J({% set ns = namespace(a=1) %}{{ ns }}|{% for i in [1, 2] %}{{ loop }}{% endfor %})J", R"J({})J",
     R"J(<Namespace {'a': 1}>|<LoopContext 1/2><LoopContext 2/2>)J", false},
    {R"J({{ a }} {{ b }} {{ c }} {{ neg }})J", R"J({"a": 1, "b": 2.0, "c": 1e+100, "neg": -0.5})J",
     R"J(1 2.0 1e+100 -0.5)J", false},
};

TEST(JinjaRender, PythonRepr) {
    check_cases(kPythonRepr);
}

constexpr RenderCase kUndefined[] = {
    {R"J([{{ missing }}][{{ missing|string }}][{{ [missing] }}][{{ missing is defined }}][{{ missing|default('dflt') }}][{{ missing|length }}])J",
     R"J({})J", R"J([][][[Undefined]][False][dflt][0])J", false},
    {R"J({% for x in missing %}x{% else %}empty{% endfor %}|{{ missing and 1 }}|{{ missing or 'y' }}|{{ not missing }})J",
     R"J({})J", R"J(empty||y|True)J", false},
    {R"J([{{ d.nokey }}][{{ d['nokey'] }}][{{ d.nokey is defined }}][{{ n.foo }}])J",
     R"J({"d": {}, "n": null})J", R"J([][][False][])J", false},
    {R"J({{ missing.foo }})J", R"J({})J", R"J()J", true},
    {R"J({{ missing['foo'] }})J", R"J({})J", R"J()J", true},
    {R"J({{ missing() }})J", R"J({})J", R"J()J", true},
    {R"J({{ missing + 1 }})J", R"J({})J", R"J()J", true},
    {R"J({{ d.nokey.strip() }})J", R"J({"d": {}})J", R"J()J", true},
    {R"J({{ missing < 1 }})J", R"J({})J", R"J()J", true},
    {R"J([{{ '%s' % missing }}])J", R"J({})J", R"J([])J", false},
};

TEST(JinjaRender, Undefined) {
    check_cases(kUndefined);
}

constexpr RenderCase kLoopVariables[] = {
    {R"J({% for x in ['a', 'b', 'c'] %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }}[{{ loop.previtem }}][{{ loop.nextitem }}]{{ loop.cycle('x', 'y') }};{% endfor %})J",
     R"J({})J", R"J(1032TrueFalse3[][b]x;2121FalseFalse3[a][c]y;3210FalseTrue3[b][]x;)J", false},
    {R"J({% for i in [1, 2] %}{% set outer = loop %}{% for j in 'ab' %}{{ outer.index }}{{ j }}{{ loop.index }} {% endfor %}{% endfor %})J",
     R"J({})J", R"J(1a1 1b2 2a1 2b2 )J", false},
    {R"J({% for x in [1, 1, 2, 2, 3] %}{% if loop.changed(x) %}{{ x }}{% endif %}{% endfor %})J", R"J({})J",
     R"J(123)J", false},
    {R"J({% for x in [1, 2, 3, 4] if x > 1 %}{{ loop.index }}/{{ loop.length }}{{ loop.last }} {% endfor %})J",
     R"J({})J", R"J(1/3False 2/3False 3/3True )J", false},
    {R"J({% for c in 'a1b2' if c.isdigit() %}{{ c }}{% endfor %}{{ loop is defined }})J", R"J({})J",
     R"J(12False)J", false},
};

TEST(JinjaRender, LoopVariables) {
    check_cases(kLoopVariables);
}

constexpr RenderCase kFilters[] = {
    {R"J({{ '  x  '|trim }}|{{ 'xxaxx'|trim('x') }}|{{ 'hello'|upper }}|{{ 'HeLLo'|lower }}|{{ 'hello world-foo (bar'|title }}|{{ 'hELLO'|capitalize }}|{{ 'a-b'|replace('-', '+') }}|{{ 'aaa'|replace('a', 'b', 2) }}|{{ 'abc'|center(9) }}|{{ 'one two  three'|wordcount }})J",
     R"J({})J", R"J(x|a|HELLO|hello|Hello World-Foo (Bar|Hello|a+b|bba|   abc   |3)J", false},
    {R"J({{ [1, 2, 3]|length }}{{ 'héllo'|length }}{{ {'a': 1}|length }}{{ [1, 2, 3]|count }}{{ [1, 2, 3]|first }}{{ [1, 2, 3]|last }}{{ 'abc'|first }}{{ 'abc'|last }}[{{ []|first }}])J",
     R"J({})J", R"J(351313ac[])J", false},
    {R"J({{ [1, 2, 3]|join(', ') }}{{ ['a', 'b']|join }}{{ 'abc'|list }}{{ {'k': 1}|list }}{{ [{'n': 'a'}, {'n': 'b'}]|join('|', attribute='n') }}{{ [1, none, 'x']|join('-') }})J",
     R"J({})J", R"J(1, 2, 3ab['a', 'b', 'c']['k']a|b1-None-x)J", false},
    {R"J({{ missing|default('d') }}{{ none|default('d') }}{{ ''|default('d', true) }}{{ 0|d('z', boolean=true) }}{{ 'v'|d('d') }})J",
     R"J({})J", R"J(dNonedzv)J", false},
    {R"J({{ -3|abs }} {{ '42'|int }} {{ '4.7'|int }} {{ 'x'|int }} {{ 'x'|int(7) }} {{ '0x1A'|int(0, 16) }} {{ 3.9|int }} {{ '3.5'|float }} {{ 'abc'|float }} {{ 2|float }} {{ 2.5|round }} {{ 3.5|round }} {{ 2.675|round(2) }} {{ 2.1|round(0, 'ceil') }} {{ 2.9|round(method='floor') }} {{ 7|round }})J",
     R"J({})J", R"J(3 42 4 0 7 26 3 3.5 0.0 2.0 2.0 4.0 2.67 3.0 2.0 7)J", false},
    {R"J({{ users|map(attribute='name')|join(',') }}|{{ users|selectattr('active')|map(attribute='name')|list }}|{{ users|rejectattr('active')|map(attribute='name')|list }}|{{ [1, 2, 3, 4]|select('odd')|list }}|{{ [1, 2, 3, 4]|reject('odd')|list }}|{{ ['a', 'b']|map('upper')|list }}|{{ users|map(attribute='missing', default='?')|list }}|{{ users|selectattr('name', 'in', ['a', 'c'])|map(attribute='name')|join }})J",
     R"J({"users": [{"name": "a", "active": true}, {"name": "b", "active": false}, {"name": "c", "active": true}]})J",
     R"J(a,b,c|['a', 'c']|['b']|[1, 3]|[2, 4]|['A', 'B']|['?', '?', '?']|ac)J", false},
    {R"J({% set g = [1, 2, 3]|select('odd') %}{{ g|list }}{{ g|list }}|{% if []|select %}truthy{% endif %}|{{ none|map('upper')|list }})J",
     R"J({})J", R"J([1, 3][]|truthy|[])J", false},
    {R"J({{ [1, 2]|map('string')|tojson }})J", R"J({})J", R"J()J", true},
    {R"J({{ [3, 1, 2]|sort }}{{ [3, 1, 2]|sort(reverse=true) }}{{ ['b', 'A', 'c']|sort }}{{ users|sort(attribute='age')|map(attribute='n')|join }}{{ [1, 2, 1, 3, 2]|unique|list }}{{ [3, 1, 2]|min }}{{ [3, 1, 2]|max }}{{ [1, 2, 3]|sum }}{{ users|sum(attribute='age') }})J",
     R"J({"users": [{"n": "x", "age": 30}, {"n": "y", "age": 20}]})J",
     R"J([1, 2, 3][3, 2, 1]['A', 'b', 'c']yx[1, 2, 3]13650)J", false},
    {R"J({{ d|dictsort }}{{ d|dictsort(reverse=true) }}{{ d|dictsort(by='value') }}{% for k, v in d|items %}{{ k }}{{ v }}{% endfor %})J",
     R"J({"d": {"b": 2, "a": 3, "C": 1}})J",
     R"J([('a', 3), ('b', 2), ('C', 1)][('C', 1), ('b', 2), ('a', 3)][('C', 1), ('b', 2), ('a', 3)]b2a3C1)J",
     false},
    {R"J({{ 'abc'|reverse }}{{ [1, 2, 3]|reverse|list }}{{ [1, 2, 3, 4, 5]|batch(2)|list }}{{ [1, 2, 3, 4, 5]|batch(2, 0)|list }}{{ [1, 2, 3, 4, 5]|slice(2)|list }})J",
     R"J({})J", R"J(cba[3, 2, 1][[1, 2], [3, 4], [5]][[1, 2], [3, 4], [5, 0]][[1, 2, 3], [4, 5]])J", false},
    {R"J([{{ 'a\nb\n\nc'|indent }}][{{ 'a\nb'|indent(2, true) }}][{{ 'a\n\nb'|indent(width='> ', blank=true) }}])J",
     R"J({})J",
     R"J([a
    b

    c][  a
  b][a
> 
> b])J",
     false},
    {R"J({{ '<b>x</b> &amp; y'|striptags }}|{{ 'a < b'|e }}|{{ 'hello world foo'|truncate(9) }}|{{ 'hello world foo'|truncate(9, true) }}|{{ '%s-%d'|format('a', 3) }}|{{ 42|string ~ 'x' }}|{{ 'abc'|attr('upper') is callable }})J",
     R"J({})J", R"J(x & y|a &lt; b|hello...|hello ...|a-3|42x|True)J", false},
    {R"J({{ d|tojson }}|{{ d|tojson(indent=2) }}|{{ d|tojson(ensure_ascii=true) }}|{{ d|tojson(sort_keys=true) }}|{{ d|tojson(separators=(',', ':')) }}|{{ [1.0, 2.5e-10, none, true, 'é"\n\u0001']|tojson }})J",
     R"J({"d": {"b": [1, {"c": "é世🎉"}], "a": null}})J",
     R"J({"b": [1, {"c": "é世🎉"}], "a": null}|{
  "b": [
    1,
    {
      "c": "é世🎉"
    }
  ],
  "a": null
}|{"b": [1, {"c": "\u00e9\u4e16\ud83c\udf89"}], "a": null}|{"a": null, "b": [1, {"c": "é世🎉"}]}|{"b":[1,{"c":"é世🎉"}],"a":null}|[1.0, 2.5e-10, null, true, "é\"\n\u0001"])J",
     false},
    {R"J({{ 'a&b'|safe + '<i>' }}|{{ '<x>' + 'y'|safe }}|{{ ('<p>'|safe) ~ '<q>' }}|{{ ('%s'|safe) % '<z>' }})J",
     R"J({})J", R"J(a&b&lt;i&gt;|&lt;x&gt;y|<p><q>|&lt;z&gt;)J", false},
    {R"J({{ x|nosuchfilter }})J", R"J({})J", R"J()J", true},
    {R"J({% if false %}{{ x|nosuchfilter }}{% endif %}ok)J", R"J({})J", R"J(ok)J", false},
};

TEST(JinjaRender, Filters) {
    check_cases(kFilters);
}

constexpr RenderCase kTests[] = {
    {R"J({% for v in [1, 1.5, 'a', none, true, [1], {'a': 1}, (1, 2)] %}{{ v is number }}{{ v is integer }}{{ v is float }}{{ v is string }}{{ v is none }}{{ v is boolean }}{{ v is mapping }}{{ v is iterable }}{{ v is sequence }}{{ v is true }}{{ v is false }}{{ v is callable }};{% endfor %})J",
     R"J({})J",
     R"J(TrueTrueFalseFalseFalseFalseFalseFalseFalseFalseFalseFalse;TrueFalseTrueFalseFalseFalseFalseFalseFalseFalseFalseFalse;FalseFalseFalseTrueFalseFalseFalseTrueTrueFalseFalseFalse;FalseFalseFalseFalseTrueFalseFalseFalseFalseFalseFalseFalse;TrueFalseFalseFalseFalseTrueFalseFalseFalseTrueFalseFalse;FalseFalseFalseFalseFalseFalseFalseTrueTrueFalseFalseFalse;FalseFalseFalseFalseFalseFalseTrueTrueTrueFalseFalseFalse;FalseFalseFalseFalseFalseFalseFalseTrueTrueFalseFalseFalse;)J",
     false},
    {R"J({{ missing is defined }}{{ missing is undefined }}{{ missing is none }}{{ missing is iterable }}{{ missing is sequence }}{{ missing is callable }})J",
     R"J({})J", R"J(FalseTrueFalseTrueTrueTrue)J", false},
    {R"J({{ 4 is divisibleby 2 }}{{ 5 is divisibleby(2) }}{{ 3 is odd }}{{ 3 is even }}{{ 'a' is eq 'a' }}{{ 1 is equalto 2 }}{{ 1 is ne 2 }}{{ 1 is lt 2 }}{{ 2 is gt 1 }}{{ 2 is ge 2 }}{{ 2 is le 1 }}{{ 2 is in [1, 2] }}{{ 'ab' is lower }}{{ 'AB' is upper }}{{ none is sameas none }}{{ 'tojson' is filter }}{{ 'odd' is test }}{{ 'x' is not string }})J",
     R"J({})J", R"J(TrueFalseTrueFalseTrueFalseTrueTrueTrueTrueFalseTrueTrueTrueTrueTrueTrueFalse)J", false},
    {R"J({% if x is nosuchtest %}a{% endif %}b)J", R"J({})J", R"J()J", true},
};

TEST(JinjaRender, Tests) {
    check_cases(kTests);
}

constexpr RenderCase kMethods[] = {
    {R"J([{{ '  a b  '.strip() }}][{{ 'xxaxx'.strip('x') }}][{{ '  a '.lstrip() }}][{{ ' a  '.rstrip() }}][{{ '\n\na\n'.strip('\n') }}][{{ '\u3000a\xa0'.strip() }}])J",
     R"J({})J", R"J([a b][a][a ][ a][a][a])J", false},
    {R"J({{ 'a b  c'.split() }}{{ 'a,b,,c'.split(',') }}{{ 'a b c'.split(' ', 1) }}{{ 'a b c'.rsplit(' ', 1) }}{{ '  a  b  '.split(None, 1) }}{{ '  a  b  '.rsplit(None, 1) }}{{ 'a\nb\r\nc\n'.splitlines() }}{{ ''.split(',') }}{{ ''.split() }})J",
     R"J({})J",
     R"J(['a', 'b', 'c']['a', 'b', '', 'c']['a', 'b c']['a b', 'c']['a', 'b  ']['  a', 'b']['a', 'b', 'c'][''][])J",
     false},
    {R"J({{ 'hello'.startswith('he') }}{{ 'hello'.endswith(('x', 'lo')) }}{{ 'hello'.startswith('l', 2) }}{{ 'hello'.endswith('l', 0, 4) }})J",
     R"J({})J", R"J(TrueTrueTrueTrue)J", false},
    {R"J({{ 'hello'.find('l') }}{{ 'hello'.rfind('l') }}{{ 'hello'.find('z') }}{{ 'hello'.index('e') }}{{ 'a-b-c'.replace('-', '', 1) }}{{ 'banana'.count('an') }}{{ 'héllo'.find('l') }}{{ 'ab'.replace('', '.') }})J",
     R"J({})J", R"J(23-11ab-c22.a.b.)J", false},
    {R"J({{ 'hello world'.title() }}{{ 'hello'.upper() }}{{ 'hELLO wORLD'.capitalize() }}{{ 'AbC'.swapcase() }}{{ "they're".title() }}{{ 'éa'.upper() }})J",
     R"J({})J", R"J(Hello WorldHELLOHello worldaBcThey'ReÉA)J", false},
    {R"J({{ '123'.isdigit() }}{{ '12a'.isdigit() }}{{ 'abc'.isalpha() }}{{ ' \t'.isspace() }}{{ ''.isspace() }}{{ 'ABC'.isupper() }}{{ 'abc1'.islower() }}{{ 'Ab'.istitle() }}{{ 'a1'.isalnum() }})J",
     R"J({})J", R"J(TrueFalseTrueTrueFalseTrueTrueTrueTrue)J", false},
    {R"J([{{ 'ab'.center(7) }}][{{ 'ab'.center(7, '*') }}][{{ 'ab'.ljust(5, '-') }}][{{ 'ab'.rjust(5) }}][{{ '42'.zfill(5) }}][{{ '-42'.zfill(6) }}])J",
     R"J({})J", R"J([   ab  ][***ab**][ab---][   ab][00042][-00042])J", false},
    {R"J({{ ', '.join(['a', 'b']) }}{{ '{}={}'.format('k', 1) }}{{ '{1}{0}{x:>3}'.format('a', 'b', x=1) }}{{ 'k=v=w'.partition('=') }}{{ 'k=v=w'.rpartition('=') }})J",
     R"J({})J", R"J(a, bk=1ba  1('k', '=', 'v=w')('k=v', '=', 'w'))J", false},
    {R"J({{ [1, 2, 3, 2].index(2) }}{{ [1, 2, 2].count(2) }}{{ d.get('a') }}{{ d.get('z', 'def') }}[{{ d.get('z') }}]{{ d.keys()|list }}{{ d.values()|list }})J",
     R"J({"d": {"a": 1, "b": 2}})J", R"J(121def[None]['a', 'b'][1, 2])J", false},
    {R"J({{ '%s and %s' % ('a', 1) }}|{{ '%5.2f|%-5d|%05d|%x|%#x|%e' % (3.14159, 42, 42, 255, 255, 12345.678) }}|{{ '%(a)s' % {'a': 1} }})J",
     R"J({})J", R"J(a and 1| 3.14|42   |00042|ff|0xff|1.234568e+04|1)J", false},
};

TEST(JinjaRender, Methods) {
    check_cases(kMethods);
}

constexpr RenderCase kGlobalsAndSandbox[] = {
    {R"J({{ range(3)|list }}{{ range(1, 10, 3)|list }}{{ range(5, 0, -2)|list }}{{ dict(a=1, b=2) }}{% set c = cycler('a', 'b') %}{{ c.next() }}{{ c.next() }}{{ c.next() }}{% set j = joiner('+') %}{% for i in [1, 2, 3] %}{{ j() }}{{ i }}{% endfor %})J",
     R"J({})J", R"J([0, 1, 2][1, 4, 7][5, 3, 1]{'a': 1, 'b': 2}aba1+2+3)J", false},
    {R"J({{ strftime_now('%Y-%m-%d %A %B') }})J", R"J({})J", R"J(2026-01-02 Friday January)J", false},
    {R"J(before{{ raise_exception('bad thing') }}after)J", R"J({})J", R"J()J", true},
    {R"J({% set l = [1] %}{% set _ = l.append(2) %}{{ l }})J", R"J({})J", R"J()J", true},
    {R"J({% set d = {} %}{% set _ = d.update({'a': 1}) %}{{ d }})J", R"J({})J", R"J()J", true},
    {R"J([{{ [1].append }}][{{ 'a'.__class__ }}])J", R"J({})J", R"J([][])J", false},
    {R"J({{ range(200000)|length }})J", R"J({})J", R"J()J", true},
};

TEST(JinjaRender, GlobalsAndSandbox) {
    check_cases(kGlobalsAndSandbox);
}

}  // namespace
}  // namespace vela::openai
