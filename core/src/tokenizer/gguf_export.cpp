#include "tokenizer/gguf_export.h"

#include <algorithm>
#include <limits>

#include "tokenizer/json_util.h"
#include "tokenizer/pre_tokenizer.h"
#include "tokenizer/tokenizer_data.h"
#include "vela/core/tokenizer.h"

namespace vela::tokenizer {

namespace {

using nlohmann::json;

constexpr std::string_view kMetaspace = "\xE2\x96\x81";

// The Split regexes of Hugging Face tokenizer.json files that a GGUF `pre` reproduces exactly.
struct PreMatch {
    std::string_view regex;
    std::string_view pre;
    bool ignore_merges;  // what llama.cpp assumes for that pre
};
constexpr PreMatch kPreMatches[] = {
    {R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)",
     "llama-bpe", true},
    {R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)",
     "qwen2", false},
    {kGpt2SplitPattern, "gpt-2", false},
};

std::string type_of(const json* node) {
    if (node == nullptr) return "";
    return json_string(*node, "type", "component").value_or("");
}

// The pre_tokenizer steps, a Sequence flattened.
void flatten_pre_tokenizer(const json* node, std::vector<const json*>& out) {
    if (node == nullptr) return;
    if (type_of(node) == "Sequence") {
        if (const json* steps = json_member(*node, "pretokenizers")) {
            for (const json& step : *steps)
                flatten_pre_tokenizer(&step, out);
        }
        return;
    }
    out.push_back(node);
}

void flatten_normalizer(const json* node, std::vector<const json*>& out) {
    if (node == nullptr) return;
    if (type_of(node) == "Sequence") {
        if (const json* steps = json_member(*node, "normalizers")) {
            for (const json& step : *steps)
                flatten_normalizer(&step, out);
        }
        return;
    }
    out.push_back(node);
}

std::string pattern_string(const json& node, std::string_view kind) {
    const json* pattern = json_member(node, "pattern");
    return pattern ? json_string(*pattern, kind, "pattern").value_or("") : "";
}

// The `pre` of a byte-level tokenizer: its pre_tokenizer must be one Split regex plus a plain
// ByteLevel, or a ByteLevel with GPT-2's regex.
std::string byte_level_pre(const json& root, bool ignore_merges) {
    std::vector<const json*> steps;
    flatten_pre_tokenizer(json_member(root, "pre_tokenizer"), steps);
    std::string regex;
    bool byte_level_seen = false;
    for (const json* step : steps) {
        const std::string type = type_of(step);
        if (type == "Split" && regex.empty() && !byte_level_seen) {
            regex = pattern_string(*step, "Regex");
            if (regex.empty() || json_string(*step, "behavior", "Split").value_or("Isolated") != "Isolated" ||
                json_bool(*step, "invert", false, "Split")) {
                fail(Errc::Unsupported,
                     "pre_tokenizer Split must be an Isolated, non-inverted regex for GGUF export");
            }
        } else if (type == "ByteLevel" && !byte_level_seen) {
            byte_level_seen = true;
            if (json_bool(*step, "add_prefix_space", false, "ByteLevel")) {
                fail(Errc::Unsupported,
                     "pre_tokenizer ByteLevel with add_prefix_space has no GGUF equivalent");
            }
            if (json_bool(*step, "use_regex", true, "ByteLevel")) {
                if (!regex.empty())
                    fail(Errc::Unsupported, "pre_tokenizer splits twice; no GGUF pre does that");
                regex = std::string(kGpt2SplitPattern);
            }
        } else {
            fail(Errc::Unsupported, "pre_tokenizer step \"" + type + "\" has no GGUF equivalent");
        }
    }
    for (const PreMatch& m : kPreMatches) {
        if (regex == m.regex) {
            if (ignore_merges != m.ignore_merges) {
                fail(Errc::Unsupported, "model.ignore_merges differs from what llama.cpp assumes for pre \"" +
                                            std::string(m.pre) + "\"");
            }
            return std::string(m.pre);
        }
    }
    fail(Errc::Unsupported,
         "no GGUF tokenizer.ggml.pre reproduces the pre-tokenizer regex \"" + regex + "\"");
}

// Checks a byte-level tokenizer's normalizer: none, or NFC (llama.cpp skips it; see the header).
void check_byte_level_normalizer(const json& root) {
    std::vector<const json*> steps;
    flatten_normalizer(json_member(root, "normalizer"), steps);
    for (const json* step : steps) {
        if (type_of(step) != "NFC")
            fail(Errc::Unsupported, "normalizer \"" + type_of(step) + "\" has no GGUF equivalent");
    }
}

// Whether a SentencePiece-style tokenizer puts "▁" before each text section, checking that its
// normalizer and pre_tokenizer do nothing llama.cpp's SPM tokenizer would not.
bool sentencepiece_space_prefix(const json& root) {
    std::vector<const json*> normalizers;
    flatten_normalizer(json_member(root, "normalizer"), normalizers);
    bool prepend = false;
    bool replace = false;
    for (const json* step : normalizers) {
        const std::string type = type_of(step);
        if (type == "Prepend" && !replace &&
            json_string(*step, "prepend", "Prepend").value_or("") == kMetaspace) {
            prepend = true;
        } else if (type == "Replace" && pattern_string(*step, "String") == " " &&
                   json_string(*step, "content", "Replace").value_or("") == kMetaspace) {
            replace = true;
        } else {
            fail(Errc::Unsupported, "normalizer \"" + type + "\" has no GGUF equivalent");
        }
    }
    std::vector<const json*> pre;
    flatten_pre_tokenizer(json_member(root, "pre_tokenizer"), pre);
    for (const json* step : pre) {
        const std::string type = type_of(step);
        if (type == "Split" && replace && pattern_string(*step, "String") == " ") {
            continue;  // spaces are gone after the Replace normalizer, so this split never fires
        }
        if (type == "Metaspace" && !replace &&
            json_string(*step, "replacement", "Metaspace").value_or("") == kMetaspace &&
            !json_bool(*step, "split", true, "Metaspace")) {
            const std::string scheme =
                json_string(*step, "prepend_scheme", "Metaspace")
                    .value_or(json_bool(*step, "add_prefix_space", true, "Metaspace") ? "always" : "never");
            if (scheme == "first")
                fail(Errc::Unsupported, "Metaspace prepend_scheme \"first\" has no GGUF equivalent");
            replace = true;
            prepend = scheme == "always";
            continue;
        }
        fail(Errc::Unsupported, "pre_tokenizer step \"" + type + "\" has no GGUF equivalent");
    }
    if (!replace) fail(Errc::Unsupported, "SentencePiece-style tokenizer does not turn spaces into \"▁\"");
    return prepend;
}

// Scores that make llama.cpp's score-ordered merging follow the tokenizer.json merge ranks.
std::vector<float> scores_from_merges(const detail::TokenizerData& data) {
    const float unreachable = -static_cast<float>(data.merges.size() + 1);
    std::vector<float> scores(data.token_texts.size(), unreachable);
    for (size_t rank = data.merges.size(); rank-- > 0;) {
        const auto& [left, right] = data.merges[rank];
        const auto it = data.text_to_id.find(left + right);
        if (it != data.text_to_id.end()) scores[static_cast<size_t>(it->second)] = -static_cast<float>(rank);
    }
    return scores;
}

void export_template(const detail::TokenizerData& data, GgufTokenizerMetadata& out) {
    const bool prefix_ok =
        data.prefix_ids.empty() || (data.prefix_ids.size() == 1 && data.prefix_ids[0] == data.bos_id);
    const bool suffix_ok =
        data.suffix_ids.empty() || (data.suffix_ids.size() == 1 && data.suffix_ids[0] == data.eos_id);
    if (!prefix_ok || !suffix_ok) {
        fail(Errc::Unsupported,
             "the post-processor adds tokens other than one BOS and one EOS; GGUF cannot express that");
    }
    out.add_bos = !data.prefix_ids.empty();
    out.add_eos = !data.suffix_ids.empty();
    auto id = [](const std::optional<TokenId>& v) {
        return v ? std::optional<uint32_t>(static_cast<uint32_t>(*v)) : std::nullopt;
    };
    out.bos_id = id(data.bos_id);
    out.eos_id = id(data.eos_id);
    out.unk_id = id(data.unk_id);
    out.pad_id = id(data.pad_id);
    out.chat_template = data.chat_template;
}

GgufTokenizerMetadata export_loaded(const json& root, const detail::TokenizerData& data) {
    GgufTokenizerMetadata out;
    const size_t n = data.token_texts.size();
    out.tokens.resize(n);
    out.token_types.resize(n);
    for (size_t i = 0; i < n; ++i) {
        const TokenType type = data.token_types[i];
        out.token_types[i] = static_cast<int32_t>(type);
        // Empty slots get a unique placeholder text, as llama.cpp's converter writes.
        out.tokens[i] = type == TokenType::Unused && data.token_texts[i].empty()
                            ? "[PAD" + std::to_string(i) + "]"
                            : data.token_texts[i];
    }
    if (data.kind == VocabKind::ByteLevelBpe) {
        check_byte_level_normalizer(root);
        out.model = "gpt2";
        out.pre = byte_level_pre(root, data.ignore_merges);
        out.merges.reserve(data.merges.size());
        for (const auto& [left, right] : data.merges)
            out.merges.push_back(left + " " + right);
    } else {
        const json* model = json_member(root, "model");
        if (model == nullptr || !json_bool(*model, "byte_fallback", false, "model")) {
            fail(Errc::Unsupported, "a non-byte-level BPE without byte_fallback has no GGUF equivalent");
        }
        out.model = "llama";
        out.pre = "default";
        out.add_space_prefix = sentencepiece_space_prefix(root);
        out.scores = scores_from_merges(data);
    }
    export_template(data, out);
    return out;
}

}  // namespace

Result<GgufTokenizerMetadata> export_gguf_tokenizer(const std::filesystem::path& path) {
    std::error_code ec;
    const std::filesystem::path json_path =
        std::filesystem::is_directory(path, ec) ? path / "tokenizer.json" : path;
    Result<std::unique_ptr<Tokenizer>> tokenizer = Tokenizer::load(json_path);
    if (!tokenizer) return std::move(tokenizer).error();
    Result<json> root = read_json_file(json_path);
    if (!root) return std::move(root).error();
    try {
        return export_loaded(*root, (*tokenizer)->data());
    } catch (const LoadError& e) {
        return Error{e.code, json_path.string() + ": " + e.message};
    } catch (const json::exception& e) {
        return Error{Errc::Corrupt, json_path.string() + ": " + e.what()};
    }
}

void add_tokenizer_metadata(GgufWriter& writer, const GgufTokenizerMetadata& m) {
    writer.set_string("tokenizer.ggml.model", m.model);
    writer.set_string("tokenizer.ggml.pre", m.pre);
    writer.set_string_array("tokenizer.ggml.tokens", m.tokens);
    writer.set_i32_array("tokenizer.ggml.token_type", m.token_types);
    if (!m.scores.empty()) writer.set_f32_array("tokenizer.ggml.scores", m.scores);
    if (!m.merges.empty()) writer.set_string_array("tokenizer.ggml.merges", m.merges);
    if (m.bos_id) writer.set_u32("tokenizer.ggml.bos_token_id", *m.bos_id);
    if (m.eos_id) writer.set_u32("tokenizer.ggml.eos_token_id", *m.eos_id);
    if (m.unk_id) writer.set_u32("tokenizer.ggml.unknown_token_id", *m.unk_id);
    if (m.pad_id) writer.set_u32("tokenizer.ggml.padding_token_id", *m.pad_id);
    writer.set_bool("tokenizer.ggml.add_bos_token", m.add_bos);
    writer.set_bool("tokenizer.ggml.add_eos_token", m.add_eos);
    if (m.add_space_prefix) writer.set_bool("tokenizer.ggml.add_space_prefix", *m.add_space_prefix);
    if (m.chat_template) writer.set_string("tokenizer.chat_template", *m.chat_template);
}

}  // namespace vela::tokenizer

namespace vela {

Result<void> write_vocab_gguf(const std::filesystem::path& tokenizer_source,
                              const std::filesystem::path& gguf_path) {
    Result<tokenizer::GgufTokenizerMetadata> metadata = tokenizer::export_gguf_tokenizer(tokenizer_source);
    if (!metadata) return std::move(metadata).error();
    GgufWriter writer;
    // A loader reads the architecture header even for a vocab-only file; these describe a minimal model.
    writer.set_string("general.architecture", "llama");
    writer.set_string("general.name", "vocab-only " + tokenizer_source.filename().string());
    writer.set_u32("llama.vocab_size", static_cast<uint32_t>(metadata->tokens.size()));
    writer.set_u32("llama.context_length", 4096);
    writer.set_u32("llama.embedding_length", 64);
    writer.set_u32("llama.block_count", 1);
    writer.set_u32("llama.feed_forward_length", 128);
    writer.set_u32("llama.attention.head_count", 1);
    writer.set_u32("llama.attention.head_count_kv", 1);
    writer.set_u32("llama.rope.dimension_count", 64);
    writer.set_f32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
    tokenizer::add_tokenizer_metadata(writer, *metadata);
    return writer.write(gguf_path);
}

}  // namespace vela
