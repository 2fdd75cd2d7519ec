// Reasoning marker selection and the "prompt already opened the block" check, on generation prompts as
// the real templates render them (Qwen3 with enable_thinking off, Qwen3.5 / QwQ / DeepSeek-R1 with it on).
#include "reasoning/reasoning_format.h"

#include <gtest/gtest.h>

#include <string>

namespace vela::openai {
namespace {

const ReasoningFormat& think() {
    return **find_reasoning_format("think");
}

TEST(ReasoningFormat, FindsNamesAndRejectsUnknownOnes) {
    EXPECT_EQ((*find_reasoning_format("think"))->start, "<think>");
    EXPECT_EQ((*find_reasoning_format("mistral"))->end, "[/THINK]");
    EXPECT_EQ(*find_reasoning_format("none"), nullptr);
    auto bad = find_reasoning_format("cot");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message().find("think"), std::string::npos) << bad.error().message();
}

TEST(ReasoningFormat, SelectsFromTemplateVocabularyOrOverride) {
    const auto none = [](std::string_view) { return false; };
    const auto has_think = [](std::string_view t) { return t == "<think>"; };
    EXPECT_EQ((*select_reasoning_format("{{ '<think>\\n' }}", none, std::nullopt))->name, "think");
    EXPECT_EQ((*select_reasoning_format("[THINK]{{ x }}[/THINK]", none, std::nullopt))->name, "mistral");
    EXPECT_EQ(*select_reasoning_format("{{ messages }}", none, std::nullopt), nullptr);
    EXPECT_EQ((*select_reasoning_format(std::nullopt, has_think, std::nullopt))->name, "think");
    EXPECT_EQ(*select_reasoning_format("<think>", none, std::string("none")), nullptr);
    EXPECT_FALSE(select_reasoning_format(std::nullopt, none, std::string("bogus")).ok());
}

TEST(ReasoningFormat, DetectsAPromptThatOpensTheBlock) {
    // Qwen3.5 / QwQ generation prompt with thinking on.
    EXPECT_TRUE(
        prompt_opens_reasoning("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n<think>\n", think()));
    // DeepSeek-R1.
    EXPECT_TRUE(prompt_opens_reasoning("<｜User｜>hi<｜Assistant｜><think>\n", think()));
    // Qwen3 with enable_thinking false closes it again.
    EXPECT_FALSE(prompt_opens_reasoning("<|im_start|>assistant\n<think>\n\n</think>\n\n", think()));
    // Qwen3 with thinking on leaves it to the model.
    EXPECT_FALSE(prompt_opens_reasoning("<|im_start|>assistant\n", think()));
    // An earlier turn's closed block does not count, nor does text after an open marker.
    EXPECT_FALSE(prompt_opens_reasoning("<think>a</think>b<|im_start|>assistant\n", think()));
    EXPECT_FALSE(prompt_opens_reasoning("<think>already started", think()));
    EXPECT_TRUE(prompt_opens_reasoning("[INST]q[/INST][THINK]", **find_reasoning_format("mistral")));
}

}  // namespace
}  // namespace vela::openai
