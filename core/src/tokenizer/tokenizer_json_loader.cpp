// Reads a Hugging Face tokenizer.json into TokenizerData.
//
// The vocabulary is `model.vocab` plus `added_tokens` (which may add ids past the vocabulary; gaps
// become Unused slots). The BPE model works on raw bytes for byte-level tokenizers, so their stored
// entries and merges are turned back into bytes here; SentencePiece-style tokenizers keep their
// U+2581 entries and spell unknown characters with <0xXX> byte tokens. Added tokens also enter the
// model's vocabulary, as in transformers.js. tokenizer_config.json may then override add_bos_token /
// add_eos_token (as Hugging Face's Llama and Gemma tokenizers apply them), and names BOS/EOS texts and
// the chat template; generation_config.json may name more end-of-generation ids.
#include "tokenizer/tokenizer_json_loader.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>

#include "tokenizer/bpe_model.h"
#include "tokenizer/byte_level.h"
#include "tokenizer/json_util.h"
#include "tokenizer/special_tokens.h"
#include "tokenizer/tokenizer_json_components.h"

namespace vela::tokenizer {

namespace {

using nlohmann::json;

// Vocabulary size limit: far above any real tokenizer, low enough that a corrupt id cannot make vela
// allocate gigabytes.
constexpr int64_t kMaxVocabSize = int64_t{1} << 24;

TokenId checked_id(const json& value, std::string_view where) {
    if (!value.is_number_integer()) fail(Errc::Corrupt, std::string(where) + " should be an integer id");
    const auto id = value.get<int64_t>();
    if (id < 0 || id >= kMaxVocabSize) {
        fail(Errc::Corrupt, std::string(where) + " id " + std::to_string(id) + " is outside [0, " +
                                std::to_string(kMaxVocabSize) + ")");
    }
    return static_cast<TokenId>(id);
}

void read_vocabulary(const json& model, const json& added, detail::TokenizerData& data) {
    const json* vocab = json_member(model, "vocab");
    if (vocab == nullptr || !vocab->is_object())
        fail(Errc::Corrupt, "model.vocab should be an object of token -> id");
    TokenId max_id = -1;
    for (const auto& [text, value] : vocab->items())
        max_id = std::max(max_id, checked_id(value, "model.vocab[\"" + text + "\"]"));
    if (added.is_array()) {
        for (const json& token : added) {
            const json* id = json_member(token, "id");
            if (id == nullptr) fail(Errc::Corrupt, "an added_tokens entry has no id");
            max_id = std::max(max_id, checked_id(*id, "added_tokens"));
        }
    }
    const auto n = static_cast<size_t>(max_id + 1);
    data.token_texts.assign(n, std::string());
    data.token_types.assign(n, TokenType::Unused);
    data.text_to_id.reserve(n);
    std::vector<bool> filled(n, false);
    for (const auto& [text, value] : vocab->items()) {
        const auto id = static_cast<size_t>(value.get<int64_t>());
        if (filled[id]) fail(Errc::Corrupt, "model.vocab gives id " + std::to_string(id) + " to two tokens");
        filled[id] = true;
        data.token_texts[id] = text;
        data.token_types[id] = TokenType::Normal;
        data.text_to_id.emplace(text, static_cast<TokenId>(id));
    }
    if (!added.is_array()) return;
    for (const json& token : added) {
        AddedToken t;
        t.id = checked_id(*json_member(token, "id"), "added_tokens");
        t.content = json_string(token, "content", "added_tokens").value_or("");
        if (t.content.empty()) fail(Errc::Corrupt, "added token " + std::to_string(t.id) + " has no content");
        t.special = json_bool(token, "special", false, "added_tokens");
        t.lstrip = json_bool(token, "lstrip", false, "added_tokens");
        t.rstrip = json_bool(token, "rstrip", false, "added_tokens");
        t.single_word = json_bool(token, "single_word", false, "added_tokens");
        const auto id = static_cast<size_t>(t.id);
        data.token_texts[id] = t.content;
        data.token_types[id] = t.special ? TokenType::Control : TokenType::UserDefined;
        data.text_to_id[t.content] = t.id;
        data.added_tokens.push_back(std::move(t));
    }
}

// Splits a merge given as "a b" or ["a", "b"].
std::pair<std::string, std::string> merge_parts(const json& merge, size_t rank) {
    if (merge.is_array() && merge.size() == 2 && merge[0].is_string() && merge[1].is_string()) {
        return {merge[0].get<std::string>(), merge[1].get<std::string>()};
    }
    if (merge.is_string()) {
        const std::string& s = merge.get_ref<const std::string&>();
        const size_t space = s.find(' ');
        if (space != std::string::npos && space > 0 && space + 1 < s.size() &&
            s.find(' ', space + 1) == std::string::npos) {
            return {s.substr(0, space), s.substr(space + 1)};
        }
    }
    fail(Errc::Corrupt,
         "model.merges[" + std::to_string(rank) + "] should be \"left right\" or [\"left\", \"right\"]");
}

void build_bpe_model(const json& model, const PreTokenizerFacts& facts, detail::TokenizerData& data) {
    const std::string where = "model";
    for (const char* key : {"continuing_subword_prefix", "end_of_word_suffix"}) {
        if (json_string(model, key, where).value_or("") != "") {
            fail(Errc::Unsupported, std::string("model.") + key + " is not supported (word-suffix BPE)");
        }
    }
    if (const json* dropout = json_member(model, "dropout");
        dropout != nullptr && dropout->is_number() && dropout->get<double>() > 0.0) {
        fail(Errc::Unsupported, "model.dropout above 0 makes tokenization random; vela needs it off");
    }
    BpeOptions options;
    options.unit = facts.byte_level ? SymbolUnit::Byte : SymbolUnit::Char;
    options.byte_fallback = json_bool(model, "byte_fallback", false, where);
    options.ignore_merges = json_bool(model, "ignore_merges", false, where);
    options.fuse_unk = json_bool(model, "fuse_unk", false, where);
    data.ignore_merges = options.ignore_merges;
    data.kind = facts.byte_level ? VocabKind::ByteLevelBpe : VocabKind::CharBpe;
    if (std::optional<std::string> unk = json_string(model, "unk_token", where)) {
        const auto it = data.text_to_id.find(*unk);
        if (it == data.text_to_id.end())
            fail(Errc::Corrupt, "model.unk_token \"" + *unk + "\" is not in the vocabulary");
        options.unk_id = it->second;
        data.unk_id = it->second;
        if (data.token_types[static_cast<size_t>(it->second)] != TokenType::UserDefined) {
            data.token_types[static_cast<size_t>(it->second)] = TokenType::Unknown;
        }
    }

    // The model's symbol space: raw bytes for byte-level tokenizers, stored text otherwise.
    auto to_unit = [&](const std::string& text) -> std::optional<std::string> {
        return facts.byte_level ? byte_level_to_bytes(text) : std::optional<std::string>(text);
    };
    PieceMap vocab;
    vocab.reserve(data.token_texts.size());
    std::vector<bool> is_added(data.token_texts.size(), false);
    for (const AddedToken& t : data.added_tokens)
        is_added[static_cast<size_t>(t.id)] = true;
    for (size_t id = 0; id < data.token_texts.size(); ++id) {
        if (data.token_types[id] == TokenType::Unused || is_added[id]) continue;
        if (std::optional<std::string> unit = to_unit(data.token_texts[id]))
            vocab.emplace(std::move(*unit), static_cast<TokenId>(id));
    }
    for (const AddedToken& t : data.added_tokens)
        vocab[t.content] = t.id;

    std::array<TokenId, 256> byte_tokens;
    byte_tokens.fill(-1);
    if (!facts.byte_level) {
        static constexpr char kHex[] = "0123456789ABCDEF";
        for (int b = 0; b < 256; ++b) {
            const std::string name = std::string("<0x") + kHex[b >> 4] + kHex[b & 15] + ">";
            const auto it = data.text_to_id.find(name);
            if (it == data.text_to_id.end()) continue;
            byte_tokens[static_cast<size_t>(b)] = it->second;
            if (data.token_types[static_cast<size_t>(it->second)] == TokenType::Normal) {
                data.token_types[static_cast<size_t>(it->second)] = TokenType::Byte;
            }
        }
    }

    const json* merges = json_member(model, "merges");
    if (merges == nullptr || !merges->is_array()) fail(Errc::Corrupt, "model.merges should be a list");
    std::vector<BpeMerge> rules;
    rules.reserve(merges->size());
    data.merges.reserve(merges->size());
    for (size_t rank = 0; rank < merges->size(); ++rank) {
        auto [left, right] = merge_parts((*merges)[rank], rank);
        const std::optional<std::string> l = to_unit(left);
        const std::optional<std::string> r = to_unit(right);
        const auto li = l ? vocab.find(*l) : vocab.end();
        const auto ri = r ? vocab.find(*r) : vocab.end();
        const auto result = (l && r) ? vocab.find(*l + *r) : vocab.end();
        if (li == vocab.end() || ri == vocab.end() || result == vocab.end()) {
            fail(Errc::Corrupt, "model.merges[" + std::to_string(rank) + "] \"" + left + " " + right +
                                    "\" uses or makes a token missing from the vocabulary");
        }
        rules.push_back({li->second, ri->second, result->second});
        data.merges.emplace_back(std::move(left), std::move(right));
    }
    data.model = std::make_unique<BpeModel>(options, std::move(vocab), rules, byte_tokens);
}

std::optional<TokenId> id_of_text(const detail::TokenizerData& data, const std::optional<std::string>& text) {
    if (!text) return std::nullopt;
    const auto it = data.text_to_id.find(*text);
    if (it == data.text_to_id.end()) return std::nullopt;
    return it->second;
}

std::optional<std::string> read_text_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

// tokenizer_config.json: special token texts, add_bos/add_eos overrides and the chat template.
Result<void> apply_tokenizer_config(const std::filesystem::path& folder, detail::TokenizerData& data) {
    const std::filesystem::path path = folder / "tokenizer_config.json";
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) {
        Result<json> config = read_json_file(path);
        if (!config) return std::move(config).error();
        try {
            data.bos_token = json_token_text(json_member(*config, "bos_token"));
            data.eos_token = json_token_text(json_member(*config, "eos_token"));
            if (std::optional<TokenId> id =
                    id_of_text(data, json_token_text(json_member(*config, "pad_token"))))
                data.pad_id = id;
            if (std::optional<TokenId> id = id_of_text(data, data.bos_token)) data.bos_id = id;
            if (std::optional<TokenId> id = id_of_text(data, data.eos_token)) data.eos_id = id;
            const json* add_bos = json_member(*config, "add_bos_token");
            if (add_bos != nullptr && add_bos->is_boolean() && data.bos_id) {
                std::erase(data.prefix_ids, *data.bos_id);
                if (add_bos->get<bool>()) data.prefix_ids.insert(data.prefix_ids.begin(), *data.bos_id);
            }
            const json* add_eos = json_member(*config, "add_eos_token");
            if (add_eos != nullptr && add_eos->is_boolean() && data.eos_id) {
                std::erase(data.suffix_ids, *data.eos_id);
                if (add_eos->get<bool>()) data.suffix_ids.push_back(*data.eos_id);
            }
            if (const json* chat_template = json_member(*config, "chat_template")) {
                if (chat_template->is_string()) {
                    data.chat_template = chat_template->get<std::string>();
                } else if (chat_template->is_array()) {
                    for (const json& entry : *chat_template) {
                        if (json_string(entry, "name", "chat_template").value_or("") == "default") {
                            data.chat_template = json_string(entry, "template", "chat_template");
                        }
                    }
                }
            }
        } catch (const LoadError& e) {
            return Error{e.code, path.string() + ": " + e.message};
        } catch (const json::exception& e) {
            return Error{Errc::Corrupt, path.string() + ": " + e.what()};
        }
    }
    if (!data.chat_template) {
        // Newer Hugging Face folders keep the template in its own file.
        if (std::optional<std::string> text = read_text_file(folder / "chat_template.jinja"))
            data.chat_template = std::move(text);
    }
    return {};
}

// generation_config.json: more end-of-generation ids (Llama 3 lists eot and eom here).
Result<void> apply_generation_config(const std::filesystem::path& folder, detail::TokenizerData& data) {
    const std::filesystem::path path = folder / "generation_config.json";
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return {};
    Result<json> config = read_json_file(path);
    if (!config) return std::move(config).error();
    const json* eos = json_member(*config, "eos_token_id");
    if (eos == nullptr) return {};
    std::vector<json> ids = eos->is_array() ? eos->get<std::vector<json>>() : std::vector<json>{*eos};
    for (const json& id : ids) {
        if (!id.is_number_integer() || id.get<int64_t>() < 0 ||
            id.get<int64_t>() >= static_cast<int64_t>(data.token_texts.size())) {
            return Error{Errc::Corrupt, path.string() + ": eos_token_id " + id.dump() +
                                            " is not a token id of " + data.source.string()};
        }
        data.eog_ids.push_back(static_cast<TokenId>(id.get<int64_t>()));
    }
    return {};
}

void load_components(const json& root, detail::TokenizerData& data) {
    const json* model = json_member(root, "model");
    if (model == nullptr || !model->is_object()) fail(Errc::Corrupt, "no \"model\" object");
    std::string type = json_string(*model, "type", "model").value_or("");
    if (type.empty() && json_member(*model, "merges") != nullptr) type = "BPE";
    if (type != "BPE") {
        fail(Errc::Unsupported, "model type \"" + type +
                                    "\" is not supported (vela reads BPE tokenizers: byte-level, or "
                                    "SentencePiece-style with byte fallback)");
    }
    const json null_json;
    const json* added = json_member(root, "added_tokens");
    read_vocabulary(*model, added ? *added : null_json, data);

    const json* normalizer = json_member(root, "normalizer");
    parse_normalizer(normalizer ? *normalizer : null_json, data.normalizer);
    PreTokenizerFacts facts;
    const json* pre_tokenizer = json_member(root, "pre_tokenizer");
    parse_pre_tokenizer(pre_tokenizer ? *pre_tokenizer : null_json, data.pre_tokenizer, facts);

    build_bpe_model(*model, facts, data);

    std::vector<bool> is_added(data.token_texts.size(), false);
    for (const AddedToken& t : data.added_tokens)
        is_added[static_cast<size_t>(t.id)] = true;
    const json* decoder = json_member(root, "decoder");
    parse_decoder(decoder ? *decoder : null_json, is_added, data);
    if (facts.byte_level != (data.kind == VocabKind::ByteLevelBpe))
        fail(Errc::Internal, "inconsistent byte-level facts");

    const json* post_processor = json_member(root, "post_processor");
    parse_post_processor(post_processor ? *post_processor : null_json, data);
}

}  // namespace

Result<std::unique_ptr<detail::TokenizerData>> load_tokenizer_json(const std::filesystem::path& json_path) {
    Result<json> root = read_json_file(json_path);
    if (!root) return std::move(root).error();
    auto data = std::make_unique<detail::TokenizerData>();
    data->source = json_path;
    try {
        if (!root->is_object()) fail(Errc::Corrupt, "the top level should be a JSON object");
        load_components(*root, *data);
    } catch (const LoadError& e) {
        return Error{e.code, json_path.string() + ": " + e.message};
    } catch (const json::exception& e) {
        return Error{Errc::Corrupt, json_path.string() + ": " + e.what()};
    }
    // The template's first and last special tokens stand for BOS and EOS when the config names none.
    if (!data->bos_id && !data->prefix_ids.empty()) data->bos_id = data->prefix_ids.front();
    if (!data->eos_id && !data->suffix_ids.empty()) data->eos_id = data->suffix_ids.back();

    const std::filesystem::path folder = json_path.parent_path().empty() ? "." : json_path.parent_path();
    if (Result<void> r = apply_tokenizer_config(folder, *data); !r) return std::move(r).error();
    if (Result<void> r = apply_generation_config(folder, *data); !r) return std::move(r).error();
    if (!data->bos_token && data->bos_id)
        data->bos_token = data->token_texts[static_cast<size_t>(*data->bos_id)];
    if (!data->eos_token && data->eos_id)
        data->eos_token = data->token_texts[static_cast<size_t>(*data->eos_id)];
    finish_special_tokens(*data, SpecialTokenRule::HuggingFace);
    data->added_matcher = AddedTokenMatcher(data->added_tokens);
    return data;
}

}  // namespace vela::tokenizer
