// The public Tokenizer and IncrementalDetokenizer on vela's synthesized vocabularies (no model files):
// BOS/EOS flags, byte-fallback and byte-level characters spanning several tokens, special tokens, and
// clear errors for a missing or malformed tokenizer.json and unsupported model types.
#include "vela/core/tokenizer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "loader/gguf_writer.h"
#include "tokenizer/gguf_export.h"
#include "tokenizer/utf8.h"
#include "tokenizer/vocab_synth.h"

namespace vela {
namespace {

namespace fs = std::filesystem;

fs::path scratch_dir(const std::string& name) {
    const fs::path dir = fs::path(VELA_TEST_DATA) / "unit" / "tokenizer" / name;
    fs::create_directories(dir);
    return dir;
}

void write_text(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

EncodeOptions encode_options(bool add_special, bool parse_special = true) {
    EncodeOptions o;
    o.add_special = add_special;
    o.parse_special = parse_special;
    return o;
}

tokenizer::SynthTokenizerOptions synth(tokenizer::SynthVocabStyle style) {
    tokenizer::SynthTokenizerOptions o;
    o.style = style;
    return o;
}

std::unique_ptr<Tokenizer> load_synth(tokenizer::SynthVocabStyle style, const std::string& name) {
    const fs::path dir = scratch_dir(name);
    EXPECT_TRUE(tokenizer::write_synthesized_tokenizer(synth(style), dir).ok());
    Result<std::unique_ptr<Tokenizer>> t = Tokenizer::load(dir);
    EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error().message());
    return t.ok() ? std::move(*t) : nullptr;
}

// Pushes ids one at a time, checking every returned piece is valid UTF-8; returns the pieces.
std::vector<std::string> stream(const Tokenizer& t, const std::vector<TokenId>& ids) {
    IncrementalDetokenizer detokenizer(t);
    std::vector<std::string> pieces;
    for (const TokenId id : ids) {
        pieces.push_back(detokenizer.push(id));
        EXPECT_TRUE(tokenizer::is_valid_utf8(pieces.back())) << "piece after id " << id;
    }
    pieces.push_back(detokenizer.flush());
    return pieces;
}

std::string join(const std::vector<std::string>& pieces) {
    std::string out;
    for (const std::string& p : pieces)
        out += p;
    return out;
}

TEST(Tokenizer, SentencePieceBosEosAndByteFallback) {
    auto t = load_synth(tokenizer::SynthVocabStyle::SentencePiece, "spm");
    ASSERT_NE(t, nullptr);
    EXPECT_TRUE(t->adds_bos());
    EXPECT_FALSE(t->adds_eos());
    ASSERT_TRUE(t->bos_id() && t->eos_id());
    EXPECT_EQ(t->bos_token(), "<s>");
    EXPECT_EQ(t->eos_token(), "</s>");
    const std::vector<TokenId> plain = t->encode("the model");
    const std::vector<TokenId> with_special = t->encode("the model", encode_options(true));
    ASSERT_EQ(with_special.size(), plain.size() + 1);
    EXPECT_EQ(with_special.front(), *t->bos_id());
    EXPECT_TRUE(t->is_special(*t->bos_id()));
    EXPECT_TRUE(t->is_end_of_generation(*t->eos_id()));
    // Special tokens written in the text are recognized unless parse_special is off.
    EXPECT_EQ(t->encode("</s>").size(), 1u);
    EXPECT_GT(t->encode("</s>", encode_options(false, false)).size(), 1u);
    // A byte-fallback token adds exactly its byte.
    const std::optional<TokenId> byte = t->find("<0xE6>");
    ASSERT_TRUE(byte);
    EXPECT_EQ(t->token_bytes(*byte), "\xE6");
    EXPECT_EQ(t->token_bytes(*t->eos_id()), "</s>");
}

TEST(Tokenizer, IncrementalDetokenizerHoldsCharactersSpanningByteTokens) {
    auto t = load_synth(tokenizer::SynthVocabStyle::SentencePiece, "spm-stream");
    ASSERT_NE(t, nullptr);
    // Not in the synthesized alphabet: 2-, 3- and 4-byte characters become 2-4 byte-fallback tokens.
    const std::string text =
        "caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\xA6\x99 \xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9 "
        "end";
    const std::vector<TokenId> ids = t->encode(text);
    const std::vector<std::string> pieces = stream(*t, ids);
    EXPECT_EQ(join(pieces), t->decode(ids));
    EXPECT_EQ(t->decode(ids), text);
    // The llama emoji is four byte tokens: three pushes return nothing, the fourth the whole character.
    const std::optional<TokenId> f0 = t->find("<0xF0>");
    ASSERT_TRUE(f0);
    size_t i = 0;
    while (ids[i] != *f0)
        ++i;
    EXPECT_EQ(pieces[i], "");
    EXPECT_EQ(pieces[i + 1], "");
    EXPECT_EQ(pieces[i + 2], "");
    EXPECT_NE(pieces[i + 3].find("\xF0\x9F\xA6\x99"), std::string::npos);
}

TEST(Tokenizer, IncrementalDetokenizerOnByteLevelTokens) {
    auto t = load_synth(tokenizer::SynthVocabStyle::ByteLevel, "byte-level-stream");
    ASSERT_NE(t, nullptr);
    EXPECT_FALSE(t->adds_bos());
    const std::string text = "\xE4\xBD\xA0\xE5\xA5\xBD\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD <|im_end|> ok";
    const std::vector<TokenId> ids = t->encode(text);
    const std::vector<std::string> pieces = stream(*t, ids);
    EXPECT_EQ(join(pieces), text);
    size_t n_empty = 0;
    for (const std::string& p : pieces)
        n_empty += p.empty() ? 1 : 0;
    EXPECT_GE(n_empty, 3u) << "characters should have spanned several tokens";
    const std::optional<TokenId> im_end = t->find("<|im_end|>");
    ASSERT_TRUE(im_end);
    EXPECT_TRUE(t->is_end_of_generation(*im_end));
    // Skipping special tokens drops the marker and nothing else.
    EXPECT_EQ(t->decode(ids, DecodeOptions{true}),
              "\xE4\xBD\xA0\xE5\xA5\xBD\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD  ok");
}

TEST(Tokenizer, UnfinishedCharacterAtTheEndBecomesReplacement) {
    auto t = load_synth(tokenizer::SynthVocabStyle::SentencePiece, "spm-cut");
    ASSERT_NE(t, nullptr);
    std::vector<TokenId> ids = t->encode("\xF0\x9F\xA6\x99");
    ids.pop_back();  // cut the emoji short
    EXPECT_EQ(join(stream(*t, ids)), t->decode(ids));
    EXPECT_NE(t->decode(ids).find("\xEF\xBF\xBD"), std::string::npos);
}

TEST(Tokenizer, ConfigOverridesAddBosAndAddEos) {
    const fs::path dir = scratch_dir("spm-eos");
    ASSERT_TRUE(
        tokenizer::write_synthesized_tokenizer(synth(tokenizer::SynthVocabStyle::SentencePiece), dir).ok());
    auto config = nlohmann::json::parse(std::ifstream(dir / "tokenizer_config.json"));
    config["add_bos_token"] = false;
    config["add_eos_token"] = true;
    config["eos_token"] = nlohmann::json{{"__type", "AddedToken"}, {"content", "</s>"}};
    write_text(dir / "tokenizer_config.json", config.dump());
    auto t = Tokenizer::load(dir);
    ASSERT_TRUE(t.ok()) << t.error().message();
    EXPECT_FALSE((*t)->adds_bos());
    EXPECT_TRUE((*t)->adds_eos());
    const std::vector<TokenId> ids = (*t)->encode("hi", encode_options(true));
    EXPECT_EQ(ids.back(), *(*t)->eos_id());
    EXPECT_NE(ids.front(), *(*t)->bos_id());
}

TEST(Tokenizer, VocabGgufTokenizesLikeTheTokenizerJson) {
    for (const auto style :
         {tokenizer::SynthVocabStyle::ByteLevel, tokenizer::SynthVocabStyle::SentencePiece}) {
        const fs::path dir =
            scratch_dir(style == tokenizer::SynthVocabStyle::ByteLevel ? "gguf-bl" : "gguf-spm");
        ASSERT_TRUE(tokenizer::write_synthesized_tokenizer(synth(style), dir).ok());
        ASSERT_TRUE(write_vocab_gguf(dir, dir / "vocab.gguf").ok());
        auto from_json = Tokenizer::load(dir);
        auto from_gguf = Tokenizer::load(dir / "vocab.gguf");
        ASSERT_TRUE(from_json.ok() && from_gguf.ok());
        for (const std::string text :
             {"", " ", "The model writes one token at a time.", "  tokens\n\n\tmerge 2024!",
              "\xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\xA6\x99"}) {
            for (const bool add_special : {false, true}) {
                EXPECT_EQ((*from_json)->encode(text, encode_options(add_special)),
                          (*from_gguf)->encode(text, encode_options(add_special)))
                    << text;
            }
            const std::vector<TokenId> ids = (*from_json)->encode(text);
            EXPECT_EQ((*from_gguf)->decode(ids), (*from_json)->decode(ids));
            EXPECT_EQ((*from_json)->decode(ids), text);
        }
    }
}

struct LoadFailure {
    Errc code;
    std::string message;
};

LoadFailure load_failure(const fs::path& path) {
    Result<std::unique_ptr<Tokenizer>> t = Tokenizer::load(path);
    EXPECT_FALSE(t.ok());
    if (t.ok()) return {Errc::Internal, ""};
    return {t.error().code(), t.error().message()};
}

TEST(Tokenizer, MissingTokenizerJsonNamesTheFolder) {
    const fs::path dir = scratch_dir("empty-folder");
    fs::remove(dir / "tokenizer.json");
    const LoadFailure f = load_failure(dir);
    EXPECT_EQ(f.code, Errc::NotFound);
    EXPECT_NE(f.message.find(dir.string()), std::string::npos) << f.message;
    EXPECT_NE(f.message.find("tokenizer.json"), std::string::npos) << f.message;
    EXPECT_EQ(load_failure(dir / "nothing-here.json").code, Errc::NotFound);
}

TEST(Tokenizer, MalformedJsonNamesTheFile) {
    const fs::path file = scratch_dir("malformed") / "tokenizer.json";
    write_text(file, "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0,}");
    const LoadFailure f = load_failure(file);
    EXPECT_EQ(f.code, Errc::Corrupt);
    EXPECT_NE(f.message.find(file.string()), std::string::npos) << f.message;
    EXPECT_NE(f.message.find("invalid JSON"), std::string::npos) << f.message;
}

TEST(Tokenizer, UnsupportedModelTypesAreNamed) {
    for (const std::string type : {"WordPiece", "Unigram", "WordLevel"}) {
        const fs::path file = scratch_dir("model-" + type) / "tokenizer.json";
        write_text(file, nlohmann::json{{"model", {{"type", type}, {"vocab", {{"a", 0}}}}}}.dump());
        const LoadFailure f = load_failure(file);
        EXPECT_EQ(f.code, Errc::Unsupported);
        EXPECT_NE(f.message.find(file.string()), std::string::npos) << f.message;
        EXPECT_NE(f.message.find("\"" + type + "\""), std::string::npos) << f.message;
    }
}

TEST(Tokenizer, InconsistentVocabularyIsCorrupt) {
    const fs::path file = scratch_dir("bad-merge") / "tokenizer.json";
    write_text(file, nlohmann::json{{"model",
                                     {{"type", "BPE"}, {"vocab", {{"a", 0}, {"b", 1}}}, {"merges", {"a b"}}}},
                                    {"decoder", {{"type", "Fuse"}}}}
                         .dump());
    const LoadFailure f = load_failure(file);
    EXPECT_EQ(f.code, Errc::Corrupt);
    EXPECT_NE(f.message.find("merges[0]"), std::string::npos) << f.message;
}

TEST(Tokenizer, UnsupportedPipelineComponentsAreNamed) {
    const fs::path dir = scratch_dir("bad-component");
    ASSERT_TRUE(
        tokenizer::write_synthesized_tokenizer(synth(tokenizer::SynthVocabStyle::ByteLevel), dir).ok());
    auto json = nlohmann::json::parse(std::ifstream(dir / "tokenizer.json"));
    json["pre_tokenizer"] = {{"type", "BertPreTokenizer"}};
    write_text(dir / "tokenizer.json", json.dump());
    const LoadFailure f = load_failure(dir);
    EXPECT_EQ(f.code, Errc::Unsupported);
    EXPECT_NE(f.message.find("\"BertPreTokenizer\""), std::string::npos) << f.message;
}

TEST(Tokenizer, GgufErrorsNameTheKeyAndValue) {
    const fs::path dir = scratch_dir("gguf-errors");
    ASSERT_TRUE(
        tokenizer::write_synthesized_tokenizer(synth(tokenizer::SynthVocabStyle::ByteLevel), dir).ok());
    Result<tokenizer::GgufTokenizerMetadata> metadata = tokenizer::export_gguf_tokenizer(dir);
    ASSERT_TRUE(metadata.ok()) << metadata.error().message();
    auto write_variant = [&](const std::string& name, auto&& edit) {
        GgufWriter writer;
        writer.set_string("general.architecture", "llama");
        tokenizer::add_tokenizer_metadata(writer, *metadata);
        edit(writer);
        const fs::path path = dir / (name + ".gguf");
        EXPECT_TRUE(writer.write(path).ok());
        return path;
    };
    const fs::path unknown_pre =
        write_variant("pre", [](GgufWriter& w) { w.set_string("tokenizer.ggml.pre", "made-up-pre"); });
    LoadFailure f = load_failure(unknown_pre);
    EXPECT_EQ(f.code, Errc::Unsupported);
    EXPECT_NE(f.message.find(unknown_pre.string()), std::string::npos) << f.message;
    EXPECT_NE(f.message.find("tokenizer.ggml.pre \"made-up-pre\""), std::string::npos) << f.message;

    const fs::path unknown_model =
        write_variant("model", [](GgufWriter& w) { w.set_string("tokenizer.ggml.model", "t5"); });
    f = load_failure(unknown_model);
    EXPECT_EQ(f.code, Errc::Unsupported);
    EXPECT_NE(f.message.find("tokenizer.ggml.model \"t5\""), std::string::npos) << f.message;

    const fs::path bad_id =
        write_variant("id", [](GgufWriter& w) { w.set_u32("tokenizer.ggml.eos_token_id", 1000000); });
    f = load_failure(bad_id);
    EXPECT_EQ(f.code, Errc::Corrupt);
    EXPECT_NE(f.message.find("tokenizer.ggml.eos_token_id"), std::string::npos) << f.message;

    const fs::path bad_types = write_variant("types", [](GgufWriter& w) {
        const std::vector<int32_t> two = {1, 1};
        w.set_i32_array("tokenizer.ggml.token_type", two);
    });
    f = load_failure(bad_types);
    EXPECT_EQ(f.code, Errc::Corrupt);
    EXPECT_NE(f.message.find("tokenizer.ggml.token_type"), std::string::npos) << f.message;

    GgufWriter no_tokenizer;
    no_tokenizer.set_string("general.architecture", "llama");
    ASSERT_TRUE(no_tokenizer.write(dir / "none.gguf").ok());
    f = load_failure(dir / "none.gguf");
    EXPECT_EQ(f.code, Errc::Corrupt);
    EXPECT_NE(f.message.find("tokenizer.ggml.model is missing"), std::string::npos) << f.message;
}

}  // namespace
}  // namespace vela
