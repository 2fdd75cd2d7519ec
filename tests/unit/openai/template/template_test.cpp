// jinja::Template, the engine's private entry point: rendering with a Value context built in C++ (as
// the OpenAI adapter does), compile-once/render-many, and concurrent renders of one template.
#include "template/template.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace vela::openai::jinja {
namespace {

constexpr const char* kChatml =
    "{%- for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}"
    "{%- if tools %}tools={{ tools | tojson }}{% endif %}"
    "{%- if add_generation_prompt %}<|im_start|>assistant\n{% endif %}";

Value message(const char* role, const char* content) {
    return Value::dict({{"role", Value::string(role)}, {"content", Value::string(content)}});
}

TEST(Template, RendersAValueContext) {
    auto compiled = Template::compile(kChatml);
    ASSERT_TRUE(compiled.ok()) << compiled.error().message();
    const Value context = Value::dict({
        {"messages", Value::list({message("system", "Be brief."), message("user", "Hi")})},
        {"tools", Value::none()},
        {"add_generation_prompt", Value::boolean(true)},
    });
    auto rendered = compiled->render(context);
    ASSERT_TRUE(rendered.ok()) << rendered.error().message();
    EXPECT_EQ(
        *rendered,
        "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
}

TEST(Template, AbsentVariablesAreUndefined) {
    auto compiled = Template::compile("{{ x is defined }}|{{ x }}|{{ y is none }}");
    ASSERT_TRUE(compiled.ok());
    auto rendered = compiled->render(Value::dict({{"y", Value::none()}}));
    ASSERT_TRUE(rendered.ok());
    EXPECT_EQ(*rendered, "False||True");
}

TEST(Template, RendersManyTimesFromOneCompile) {
    auto compiled = Template::compile(
        "{% set ns = namespace(n=0) %}{% for i in items %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}");
    ASSERT_TRUE(compiled.ok());
    for (int64_t n = 0; n < 20; ++n) {
        std::vector<Value> items;
        for (int64_t i = 0; i <= n; ++i)
            items.push_back(Value::integer(i));
        auto rendered = compiled->render(Value::dict({{"items", Value::list(items)}}));
        ASSERT_TRUE(rendered.ok());
        EXPECT_EQ(*rendered, std::to_string(n * (n + 1) / 2));
    }
}

TEST(Template, ConcurrentRendersAreIndependent) {
    auto compiled = Template::compile(
        "{% set ns = namespace(s='') %}{% for m in messages %}{% set ns.s = ns.s ~ m.content %}{% endfor %}"
        "{{ ns.s }}{{ messages | map(attribute='role') | join(',') }}");
    ASSERT_TRUE(compiled.ok());
    std::vector<std::thread> threads;
    std::vector<int> failures(4, 0);
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            const std::string tag = std::to_string(t);
            const Value context = Value::dict(
                {{"messages",
                  Value::list({message("user", tag.c_str()), message("assistant", tag.c_str())})}});
            for (int i = 0; i < 200; ++i) {
                auto rendered = compiled->render(context);
                if (!rendered || *rendered != tag + tag + "user,assistant")
                    ++failures[static_cast<size_t>(t)];
            }
        });
    }
    for (auto& thread : threads)
        thread.join();
    EXPECT_EQ(failures, (std::vector<int>{0, 0, 0, 0}));
}

TEST(Template, StrftimeNowUsesTheFixedTime) {
    auto compiled = Template::compile("{{ strftime_now('%d %B %Y, %A') }}");
    ASSERT_TRUE(compiled.ok());
    RenderOptions options;
    std::tm tm{};
    tm.tm_year = 2026 - 1900;
    tm.tm_mon = 0;
    tm.tm_mday = 2;
    timegm(&tm);
    options.now = tm;
    auto rendered = compiled->render(Value::dict(std::make_shared<DictData>()), options);
    ASSERT_TRUE(rendered.ok());
    EXPECT_EQ(*rendered, "02 January 2026, Friday");  // Python: datetime(2026, 1, 2).strftime(...)
}

}  // namespace
}  // namespace vela::openai::jinja
