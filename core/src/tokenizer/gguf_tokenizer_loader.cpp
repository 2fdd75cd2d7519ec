// Reads GGUF tokenizer metadata into TokenizerData, reproducing how llama.cpp tokenizes:
//
// - model "gpt2": byte-level BPE; stored entries are byte-level text (user-defined and control
//   tokens are stored as raw text, which for their printable ASCII is the same thing); the
//   pre-tokenizer comes from `tokenizer.ggml.pre` (gguf_pre_tokenizers.h); no normalization.
// - model "llama": SentencePiece BPE by score; each text section gets a leading "▁" when
//   add_space_prefix is on (the default), spaces become "▁", and unknown characters become <0xXX>
//   byte tokens.
// - model "gemma4": BPE by rank over characters with spaces as "▁" (see build_gemma4).
//
// In all, control, user-defined and unknown tokens are cut out of the text first, and BOS/EOS are
// added per add_bos_token / add_eos_token with llama.cpp's defaults for the vocabulary type.
#include "tokenizer/gguf_tokenizer_loader.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "tokenizer/bpe_model.h"
#include "tokenizer/byte_level.h"
#include "tokenizer/gguf_pre_tokenizers.h"
#include "tokenizer/special_tokens.h"
#include "tokenizer/spm_model.h"

namespace vela::tokenizer {

namespace {

constexpr std::string_view kMetaspace = "\xE2\x96\x81";

struct GgufReader {
    const GgufFile& file;

    Error error(Errc code, const std::string& message) const {
        return Error{code, file.path().string() + ": " + message};
    }

    // An optional token id key; out of range ids are an error naming the key.
    Result<std::optional<TokenId>> id(std::string_view key, size_t n_tokens) const {
        const GgufValue* value = file.find(key);
        if (value == nullptr) return std::optional<TokenId>{};
        const std::optional<int64_t> v = value->as_int();
        if (!v)
            return error(Errc::Corrupt,
                         std::string(key) + " should be an integer, found " + value->describe());
        // llama.cpp writes -1 (or UINT32_MAX) for "none".
        if (*v < 0 || *v == 0xFFFFFFFFLL) return std::optional<TokenId>{};
        if (*v >= static_cast<int64_t>(n_tokens)) {
            return error(Errc::Corrupt, std::string(key) + " = " + std::to_string(*v) +
                                            " is outside the vocabulary of " + std::to_string(n_tokens) +
                                            " tokens");
        }
        return std::optional<TokenId>{static_cast<TokenId>(*v)};
    }

    std::optional<bool> flag(std::string_view key) const {
        const GgufValue* value = file.find(key);
        if (value == nullptr) return std::nullopt;
        if (std::optional<bool> b = value->as_bool()) return b;
        if (std::optional<int64_t> i = value->as_int()) return *i != 0;
        return std::nullopt;
    }
};

std::optional<char> byte_token_value(std::string_view text) {
    if (text.size() != 6 || !text.starts_with("<0x") || text[5] != '>') return std::nullopt;
    int value = 0;
    for (const char c : text.substr(3, 2)) {
        const int digit = (c >= '0' && c <= '9') ? c - '0' : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
        if (digit < 0) return std::nullopt;
        value = value * 16 + digit;
    }
    return static_cast<char>(value);
}

std::string replace_metaspace(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t pos = 0; pos < text.size();) {
        if (text.substr(pos, kMetaspace.size()) == kMetaspace) {
            out += ' ';
            pos += kMetaspace.size();
        } else {
            out += text[pos++];
        }
    }
    return out;
}

bool is_cut_out(TokenType type) {
    return type == TokenType::Control || type == TokenType::UserDefined || type == TokenType::Unknown;
}

Result<void> read_vocabulary(const GgufReader& r, detail::TokenizerData& data) {
    const GgufValue* tokens = r.file.find("tokenizer.ggml.tokens");
    if (tokens == nullptr) return r.error(Errc::Corrupt, "tokenizer.ggml.tokens is missing (no vocabulary)");
    std::optional<std::vector<std::string>> texts = tokens->as_string_array();
    if (!texts || texts->empty()) {
        return r.error(Errc::Corrupt, "tokenizer.ggml.tokens should be a non-empty array of strings, found " +
                                          tokens->describe());
    }
    data.token_texts = std::move(*texts);
    const size_t n = data.token_texts.size();
    data.token_types.assign(n, TokenType::Normal);
    data.text_to_id.reserve(n);
    if (const GgufValue* types = r.file.find("tokenizer.ggml.token_type")) {
        std::optional<std::vector<int64_t>> values = types->as_int_array();
        if (!values || values->size() != n) {
            return r.error(Errc::Corrupt, "tokenizer.ggml.token_type should be " + std::to_string(n) +
                                              " integers, found " + types->describe());
        }
        for (size_t i = 0; i < n; ++i) {
            const int64_t t = (*values)[i];
            // 0 is "undefined" in llama.cpp and treated like a normal token.
            data.token_types[i] = (t >= 1 && t <= 6) ? static_cast<TokenType>(t) : TokenType::Normal;
        }
    }
    for (size_t i = 0; i < n; ++i) {
        // Later duplicates win, as in llama.cpp's text-to-token map.
        data.text_to_id[data.token_texts[i]] = static_cast<TokenId>(i);
        if (is_cut_out(data.token_types[i]) && !data.token_texts[i].empty()) {
            data.added_tokens.push_back(AddedToken{static_cast<TokenId>(i), data.token_texts[i],
                                                   data.token_types[i] != TokenType::UserDefined, false,
                                                   false, false});
        }
    }
    return {};
}

Result<std::vector<float>> read_scores(const GgufReader& r, size_t n) {
    const GgufValue* scores = r.file.find("tokenizer.ggml.scores");
    if (scores == nullptr) return std::vector<float>(n, 0.0f);
    std::optional<std::vector<float>> values = scores->as_float_array();
    if (!values || values->size() != n) {
        return r.error(Errc::Corrupt, "tokenizer.ggml.scores should be " + std::to_string(n) +
                                          " numbers, found " + scores->describe());
    }
    return std::move(*values);
}

// The merges of tokenizer.ggml.merges as id triples; `to_unit` turns stored text into the model's
// symbol space (raw bytes for byte-level vocabularies).
template <class ToUnit>
Result<std::vector<BpeMerge>> read_merges(const GgufReader& r, const PieceMap& vocab, ToUnit to_unit) {
    const GgufValue* merges_value = r.file.find("tokenizer.ggml.merges");
    std::optional<std::vector<std::string_view>> merges =
        merges_value ? merges_value->as_string_views() : std::nullopt;
    if (!merges) return r.error(Errc::Corrupt, "tokenizer.ggml.merges is missing or not an array of strings");
    std::vector<BpeMerge> rules;
    rules.reserve(merges->size());
    for (size_t rank = 0; rank < merges->size(); ++rank) {
        const std::string_view merge = (*merges)[rank];
        // The separator is the first space after the first character (a left part may be a space).
        const size_t space = merge.size() > 1 ? merge.find(' ', 1) : std::string_view::npos;
        std::optional<std::string> left;
        std::optional<std::string> right;
        if (space != std::string_view::npos) {
            left = to_unit(merge.substr(0, space));
            right = to_unit(merge.substr(space + 1));
        }
        const auto li = left ? vocab.find(*left) : vocab.end();
        const auto ri = right ? vocab.find(*right) : vocab.end();
        const auto result = (left && right) ? vocab.find(*left + *right) : vocab.end();
        if (li == vocab.end() || ri == vocab.end() || result == vocab.end()) {
            return r.error(Errc::Corrupt, "tokenizer.ggml.merges[" + std::to_string(rank) + "] \"" +
                                              std::string(merge) +
                                              "\" uses or makes a token missing from the vocabulary");
        }
        rules.push_back({li->second, ri->second, result->second});
    }
    return rules;
}

std::array<TokenId, 256> byte_tokens_of(const detail::TokenizerData& data) {
    std::array<TokenId, 256> byte_tokens;
    byte_tokens.fill(-1);
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (int b = 0; b < 256; ++b) {
        const auto it = data.text_to_id.find(std::string("<0x") + kHex[b >> 4] + kHex[b & 15] + ">");
        if (it != data.text_to_id.end()) byte_tokens[static_cast<size_t>(b)] = it->second;
    }
    return byte_tokens;
}

// Pieces of a SentencePiece-style vocabulary: byte tokens give their byte, others their text with
// "▁" read as a space.
void sentencepiece_pieces(detail::TokenizerData& data) {
    const size_t n = data.token_texts.size();
    data.pieces.resize(n);
    for (size_t i = 0; i < n; ++i) {
        const std::optional<char> byte =
            data.token_types[i] == TokenType::Byte ? byte_token_value(data.token_texts[i]) : std::nullopt;
        data.pieces[i] = byte ? std::string(1, *byte) : replace_metaspace(data.token_texts[i]);
    }
}

Result<void> build_byte_level(const GgufReader& r, detail::TokenizerData& data, bool& add_bos_default) {
    const std::string pre = r.file.get_string("tokenizer.ggml.pre").value_or("");
    std::optional<GgufPreTokenizer> entry = find_gguf_pre_tokenizer(pre);
    if (!entry) {
        return r.error(Errc::Unsupported,
                       (pre.empty() ? std::string("tokenizer.ggml.pre is missing")
                                    : "tokenizer.ggml.pre \"" + pre + "\" is not supported") +
                           " (vela reproduces: " + std::string(supported_gguf_pre_names()) + ")");
    }
    for (const std::string_view pattern : entry->patterns) {
        Result<Regex> regex = Regex::compile(pattern);
        if (!regex) return r.error(Errc::Internal, regex.error().message());
        data.pre_tokenizer.add_split(std::move(*regex), SplitBehavior::Isolated, false);
    }
    add_bos_default = entry->add_bos;
    data.ignore_merges = entry->ignore_merges;
    data.kind = VocabKind::ByteLevelBpe;

    const size_t n = data.token_texts.size();
    PieceMap vocab;
    vocab.reserve(n);
    data.pieces.resize(n);
    for (size_t i = 0; i < n; ++i) {
        std::optional<std::string> bytes = byte_level_to_bytes(data.token_texts[i]);
        if (bytes) vocab[*bytes] = static_cast<TokenId>(i);
        const bool decodes_bytes =
            data.token_types[i] == TokenType::Normal || data.token_types[i] == TokenType::Byte;
        data.pieces[i] = decodes_bytes && bytes ? *bytes : data.token_texts[i];
    }

    Result<std::vector<BpeMerge>> rules = read_merges(r, vocab, byte_level_to_bytes);
    if (!rules) return std::move(rules).error();
    std::array<TokenId, 256> no_byte_tokens;
    no_byte_tokens.fill(-1);
    BpeOptions options;
    options.unit = SymbolUnit::Byte;
    options.ignore_merges = entry->ignore_merges;
    options.unk_id = data.unk_id;
    data.model = std::make_unique<BpeModel>(options, std::move(vocab), *rules, no_byte_tokens);
    return {};
}

Result<void> build_sentencepiece(const GgufReader& r, detail::TokenizerData& data) {
    const size_t n = data.token_texts.size();
    Result<std::vector<float>> scores = read_scores(r, n);
    if (!scores) return std::move(scores).error();
    data.kind = VocabKind::CharBpe;
    const bool add_space_prefix = r.flag("tokenizer.ggml.add_space_prefix").value_or(true);
    if (add_space_prefix) data.normalizer.add_prepend(" ");
    data.normalizer.add_replace(" ", std::string(kMetaspace));

    sentencepiece_pieces(data);
    // llama.cpp's detokenizer drops the space it added in front of the text.
    if (add_space_prefix) {
        data.leading_strip = LeadingStrip::Output;
        data.n_leading_strip = 1;
    }
    data.model =
        std::make_unique<SpmModel>(data.text_to_id, std::move(*scores), byte_tokens_of(data), data.unk_id);
    return {};
}

// Gemma 4: BPE by merge rank over UTF-8 characters with spaces written as "▁", words split at
// newline runs, runs of newlines taken whole when the vocabulary has them, <0xXX> byte fallback, and
// BOS always added (llama.cpp overrides add_bos_token for this vocabulary).
Result<void> build_gemma4(const GgufReader& r, detail::TokenizerData& data) {
    data.kind = VocabKind::CharBpe;
    data.normalizer.add_replace(" ", std::string(kMetaspace));
    Result<Regex> newline_runs = Regex::compile("[^\\n]+|[\\n]+");
    if (!newline_runs) return r.error(Errc::Internal, newline_runs.error().message());
    data.pre_tokenizer.add_split(std::move(*newline_runs), SplitBehavior::Isolated, false);
    sentencepiece_pieces(data);
    Result<std::vector<BpeMerge>> rules = read_merges(
        r, data.text_to_id, [](std::string_view text) { return std::optional<std::string>(text); });
    if (!rules) return std::move(rules).error();
    BpeOptions options;
    options.unit = SymbolUnit::Char;
    options.byte_fallback = true;
    options.whole_newline_runs = true;
    data.model = std::make_unique<BpeModel>(options, data.text_to_id, *rules, byte_tokens_of(data));
    return {};
}

// llama.cpp gives Phi-3 models (recognized by general.name) right-stripping special tokens: every
// special or added token but <unk>, <s> and <|endoftext|> swallows the whitespace after it.
void apply_phi3_rstrip(const GgufFile& file, detail::TokenizerData& data) {
    std::string name = file.get_string("general.name").value_or("");
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (name.find("phi-3") == std::string::npos && name.find("phi3") == std::string::npos) return;
    for (AddedToken& t : data.added_tokens) {
        t.rstrip = t.content != "<unk>" && t.content != "<s>" && t.content != "<|endoftext|>";
    }
}

}  // namespace

Result<std::unique_ptr<detail::TokenizerData>> load_gguf_tokenizer(const GgufFile& file) {
    const GgufReader r{file};
    auto data = std::make_unique<detail::TokenizerData>();
    data->source = file.path();
    const std::optional<std::string> model = file.get_string("tokenizer.ggml.model");
    if (!model)
        return r.error(Errc::Corrupt, "tokenizer.ggml.model is missing (the file holds no tokenizer)");
    if (*model != "gpt2" && *model != "llama" && *model != "gemma4") {
        return r.error(Errc::Unsupported,
                       "tokenizer.ggml.model \"" + *model +
                           "\" is not supported (vela reads \"gpt2\" byte-level BPE, \"llama\" "
                           "SentencePiece and \"gemma4\" vocabularies)");
    }
    if (Result<void> v = read_vocabulary(r, *data); !v) return std::move(v).error();
    const size_t n = data->token_texts.size();

    struct IdKey {
        std::string_view key;
        std::optional<TokenId>* target;
    };
    std::optional<TokenId> eot;
    std::optional<TokenId> eom;
    const std::array<IdKey, 6> id_keys = {{
        {"tokenizer.ggml.bos_token_id", &data->bos_id},
        {"tokenizer.ggml.eos_token_id", &data->eos_id},
        {"tokenizer.ggml.unknown_token_id", &data->unk_id},
        {"tokenizer.ggml.padding_token_id", &data->pad_id},
        {"tokenizer.ggml.eot_token_id", &eot},
        {"tokenizer.ggml.eom_token_id", &eom},
    }};
    for (const IdKey& k : id_keys) {
        Result<std::optional<TokenId>> id = r.id(k.key, n);
        if (!id) return std::move(id).error();
        *k.target = *id;
    }
    if (eot) data->eog_ids.push_back(*eot);
    if (eom) data->eog_ids.push_back(*eom);

    bool add_bos = true;  // llama.cpp's default for SentencePiece vocabularies
    Result<void> built = *model == "gpt2"    ? build_byte_level(r, *data, add_bos)
                         : *model == "llama" ? build_sentencepiece(r, *data)
                                             : build_gemma4(r, *data);
    if (!built) return std::move(built).error();
    const std::optional<bool> explicit_bos = r.flag("tokenizer.ggml.add_bos_token");
    const bool add_eos = r.flag("tokenizer.ggml.add_eos_token").value_or(false);
    if (explicit_bos.value_or(false) && !data->bos_id) {
        return r.error(Errc::Corrupt, "tokenizer.ggml.add_bos_token is true but there is no bos_token_id");
    }
    if (add_eos && !data->eos_id) {
        return r.error(Errc::Corrupt, "tokenizer.ggml.add_eos_token is true but there is no eos_token_id");
    }
    add_bos = (*model == "gemma4" || explicit_bos.value_or(add_bos)) && data->bos_id.has_value();
    if (add_bos) data->prefix_ids.push_back(*data->bos_id);
    if (add_eos) data->suffix_ids.push_back(*data->eos_id);

    data->chat_template = file.get_string("tokenizer.chat_template");
    if (data->bos_id) data->bos_token = data->token_texts[static_cast<size_t>(*data->bos_id)];
    if (data->eos_id) data->eos_token = data->token_texts[static_cast<size_t>(*data->eos_id)];
    finish_special_tokens(*data, SpecialTokenRule::LlamaCpp);
    apply_phi3_rstrip(file, *data);
    data->added_matcher = AddedTokenMatcher(data->added_tokens);
    return data;
}

}  // namespace vela::tokenizer
