#include <gtest/gtest.h>

#include <string>

#include "vela/core/params.h"

namespace vela {
namespace {

std::string error_of(const GenerationParams& params) {
    auto ok = validate(params);
    return ok ? "" : ok.error().message();
}

TEST(GenerationParams, DefaultsAreTheDocumentedOnes) {
    const GenerationParams p;
    EXPECT_EQ(p.max_tokens, 256);
    EXPECT_EQ(p.temperature, 1.0f);
    EXPECT_EQ(p.top_p, 1.0f);
    EXPECT_EQ(p.top_k, 0);
    EXPECT_EQ(p.min_p, 0.0f);
    EXPECT_EQ(p.repetition_penalty, 1.0f);
    EXPECT_EQ(p.presence_penalty, 0.0f);
    EXPECT_EQ(p.frequency_penalty, 0.0f);
    EXPECT_TRUE(p.logit_bias.empty());
    EXPECT_FALSE(p.seed.has_value());
    EXPECT_TRUE(p.stop.empty());
    EXPECT_TRUE(p.stop_token_ids.empty());
    EXPECT_FALSE(p.ignore_eos);
    EXPECT_EQ(p.n, 1);
    EXPECT_FALSE(p.logprobs);
    EXPECT_EQ(p.top_logprobs, 0);
    EXPECT_FALSE(static_cast<bool>(p.constraint));
    EXPECT_TRUE(validate(p).ok());
}

TEST(GenerationParams, ValidationRejectsOutOfRangeValues) {
    EXPECT_NE(error_of({.max_tokens = 0}).find("max_tokens must be >= 1"), std::string::npos);
    EXPECT_NE(error_of({.temperature = -0.5f}).find("temperature"), std::string::npos);
    EXPECT_NE(error_of({.top_p = 0.0f}).find("top_p must be in (0, 1]"), std::string::npos);
    EXPECT_NE(error_of({.top_p = 1.5f}).find("top_p"), std::string::npos);
    EXPECT_NE(error_of({.top_k = -1}).find("top_k"), std::string::npos);
    EXPECT_NE(error_of({.min_p = 2.0f}).find("min_p"), std::string::npos);
    EXPECT_NE(error_of({.repetition_penalty = 0.0f}).find("repetition_penalty"), std::string::npos);
    EXPECT_NE(error_of({.presence_penalty = 2.5f}).find("presence_penalty"), std::string::npos);
    EXPECT_NE(error_of({.frequency_penalty = -3.0f}).find("frequency_penalty"), std::string::npos);
    EXPECT_NE(error_of({.logit_bias = {{5, 101.0f}}}).find("logit_bias of token 5"), std::string::npos);
    EXPECT_NE(error_of({.stop = {"ok", ""}}).find("stop strings must not be empty"), std::string::npos);
    EXPECT_NE(error_of({.n = 0}).find("n must be >= 1"), std::string::npos);
    EXPECT_NE(error_of({.logprobs = true, .top_logprobs = 21}).find("top_logprobs must be in [0, 20]"),
              std::string::npos);
    EXPECT_NE(error_of({.top_logprobs = 2}).find("needs logprobs"), std::string::npos);
    EXPECT_EQ(error_of({.temperature = 0.0f, .top_k = 40, .logprobs = true, .top_logprobs = 20}), "");
}

}  // namespace
}  // namespace vela
