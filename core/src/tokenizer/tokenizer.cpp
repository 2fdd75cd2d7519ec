// Tokenizer: the public pipeline over TokenizerData, and load() dispatching to the tokenizer.json and
// GGUF loaders by what the path is.
#include "vela/core/tokenizer.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <system_error>

#include "loader/gguf_file.h"
#include "tokenizer/gguf_tokenizer_loader.h"
#include "tokenizer/tokenizer_data.h"
#include "tokenizer/tokenizer_json_loader.h"
#include "tokenizer/utf8.h"

namespace vela {

namespace {

const std::string kEmpty;

// True when the file starts with the GGUF magic.
bool is_gguf(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    char magic[4] = {};
    return in.read(magic, sizeof(magic)) && std::string_view(magic, 4) == "GGUF";
}

}  // namespace

Result<std::unique_ptr<Tokenizer>> Tokenizer::load(const std::filesystem::path& path) {
    std::error_code ec;
    const std::filesystem::file_status status = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(status)) {
        return Error{Errc::NotFound, path.string() +
                                         ": no such file or folder (expected a tokenizer.json, "
                                         "a folder holding one, or a .gguf file)"};
    }
    Result<std::unique_ptr<detail::TokenizerData>> data = Error{Errc::Internal, {}};
    if (std::filesystem::is_directory(status)) {
        const std::filesystem::path json = path / "tokenizer.json";
        if (!std::filesystem::exists(json, ec)) {
            return Error{Errc::NotFound, path.string() +
                                             ": the folder holds no tokenizer.json (vela reads "
                                             "Hugging Face fast-tokenizer files)"};
        }
        data = tokenizer::load_tokenizer_json(json);
    } else if (is_gguf(path)) {
        Result<GgufFile> file = GgufFile::open(path);
        if (!file) return std::move(file).error();
        data = tokenizer::load_gguf_tokenizer(*file);
    } else {
        data = tokenizer::load_tokenizer_json(path);
    }
    if (!data) return std::move(data).error();
    return std::make_unique<Tokenizer>(std::move(*data));
}

Tokenizer::Tokenizer(std::unique_ptr<detail::TokenizerData> data) : data_(std::move(data)) {}

Tokenizer::~Tokenizer() = default;

std::vector<TokenId> Tokenizer::encode(std::string_view text, const EncodeOptions& options) const {
    const detail::TokenizerData& d = *data_;
    std::string repaired;
    if (!tokenizer::is_valid_utf8(text)) {
        repaired = tokenizer::repair_utf8(text);
        text = repaired;
    }
    std::vector<TokenId> out;
    out.reserve(text.size() / 3 + 4);
    if (options.add_special) out.insert(out.end(), d.prefix_ids.begin(), d.prefix_ids.end());
    for (const tokenizer::TextSection& section : d.added_matcher.split(text, options.parse_special)) {
        if (section.is_token) {
            out.push_back(section.id);
            continue;
        }
        const std::string_view raw = text.substr(section.begin, section.end - section.begin);
        const std::string normalized = d.normalizer.apply(raw);
        if (normalized.empty()) continue;
        for (const std::string& word : d.pre_tokenizer.split(normalized, section.begin == 0)) {
            if (!word.empty()) d.model->encode_word(word, out);
        }
    }
    if (options.add_special) out.insert(out.end(), d.suffix_ids.begin(), d.suffix_ids.end());
    return out;
}

std::string Tokenizer::decode(std::span<const TokenId> ids, const DecodeOptions& options) const {
    IncrementalDetokenizer detokenizer(*this, options);
    std::string out;
    for (const TokenId id : ids)
        out += detokenizer.push(id);
    out += detokenizer.flush();
    return out;
}

const std::string& Tokenizer::token_bytes(TokenId id) const {
    if (id < 0 || static_cast<size_t>(id) >= data_->pieces.size()) return kEmpty;
    return data_->pieces[static_cast<size_t>(id)];
}

const std::string& Tokenizer::token_text(TokenId id) const {
    if (id < 0 || static_cast<size_t>(id) >= data_->token_texts.size()) return kEmpty;
    return data_->token_texts[static_cast<size_t>(id)];
}

int32_t Tokenizer::vocab_size() const {
    return static_cast<int32_t>(data_->token_texts.size());
}

std::optional<TokenId> Tokenizer::bos_id() const {
    return data_->bos_id;
}

std::optional<TokenId> Tokenizer::eos_id() const {
    return data_->eos_id;
}

std::span<const TokenId> Tokenizer::end_of_generation_ids() const {
    return data_->eog_ids;
}

bool Tokenizer::is_end_of_generation(TokenId id) const {
    return std::binary_search(data_->eog_ids.begin(), data_->eog_ids.end(), id);
}

bool Tokenizer::is_special(TokenId id) const {
    if (id < 0 || static_cast<size_t>(id) >= data_->token_types.size()) return false;
    const tokenizer::TokenType type = data_->token_types[static_cast<size_t>(id)];
    return type == tokenizer::TokenType::Control || type == tokenizer::TokenType::Unknown ||
           type == tokenizer::TokenType::Unused;
}

std::optional<TokenId> Tokenizer::find(std::string_view token_text) const {
    const auto it = data_->text_to_id.find(token_text);
    if (it == data_->text_to_id.end()) return std::nullopt;
    return it->second;
}

bool Tokenizer::adds_bos() const {
    return data_->bos_id && !data_->prefix_ids.empty() && data_->prefix_ids.front() == *data_->bos_id;
}

bool Tokenizer::adds_eos() const {
    return data_->eos_id && !data_->suffix_ids.empty() && data_->suffix_ids.back() == *data_->eos_id;
}

const std::optional<std::string>& Tokenizer::chat_template() const {
    return data_->chat_template;
}

std::optional<std::string> Tokenizer::bos_token() const {
    return data_->bos_token;
}

std::optional<std::string> Tokenizer::eos_token() const {
    return data_->eos_token;
}

const std::filesystem::path& Tokenizer::source() const {
    return data_->source;
}

IncrementalDetokenizer::IncrementalDetokenizer(const Tokenizer& tokenizer, const DecodeOptions& options)
    : tokenizer_(&tokenizer),
      options_(options),
      n_spaces_to_strip_(tokenizer.data().leading_strip == tokenizer::LeadingStrip::Output
                             ? tokenizer.data().n_leading_strip
                             : 0) {}

std::string IncrementalDetokenizer::push(TokenId id) {
    const detail::TokenizerData& d = tokenizer_->data();
    if (id < 0 || static_cast<size_t>(id) >= d.pieces.size()) return {};
    if (options_.skip_special && tokenizer_->is_special(id)) return {};
    std::string_view piece = d.pieces[static_cast<size_t>(id)];
    if (first_token_ && d.leading_strip == tokenizer::LeadingStrip::FirstToken && piece.starts_with(' ')) {
        piece.remove_prefix(1);
    }
    first_token_ = false;
    while (n_spaces_to_strip_ > 0 && !piece.empty()) {
        if (piece.front() == ' ') {
            piece.remove_prefix(1);
            --n_spaces_to_strip_;
        } else {
            n_spaces_to_strip_ = 0;  // the text has started; later spaces stay
        }
    }
    pending_.append(piece);
    const size_t n_complete = tokenizer::utf8_complete_prefix(pending_);
    if (n_complete == 0) return {};
    std::string out = tokenizer::repair_utf8(std::string_view(pending_).substr(0, n_complete));
    pending_.erase(0, n_complete);
    return out;
}

std::string IncrementalDetokenizer::flush() {
    std::string out = tokenizer::repair_utf8(pending_);
    pending_.clear();
    return out;
}

}  // namespace vela
