#include "tokenizer/special_tokens.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>

namespace vela::tokenizer {

namespace {

struct SpecialText {
    std::string_view text;
    bool ends_generation;
};

// End-of-turn and end-of-text markers of the model families llama.cpp knows, then its
// fill-in-the-middle markers (whose pad, repository and file-separator tokens also end generation).
constexpr std::array<SpecialText, 57> kSpecialTexts = {{
    {"<|eot_id|>", true},
    {"<|im_end|>", true},
    {"<|end|>", true},
    {"<|return|>", true},
    {"<|call|>", true},
    {"<|flush|>", true},
    {"<|calls|>", true},
    {"<end_of_turn>", true},
    {"<|endoftext|>", true},
    {"</s>", true},
    {"<|eom_id|>", true},
    {"<EOT>", true},
    {"_<EOT>", true},
    {"[EOT]", true},
    {"[EOS]", true},
    {"<|end_of_text|>", true},
    {"<end_of_utterance>", true},
    {"<eos>", true},
    {"<turn|>", true},
    {"<|tool_response>", true},
    {"<\xEF\xBD\x9C"
     "end\xE2\x96\x81of\xE2\x96\x81sentence\xEF\xBD\x9C>",
     true},  // <｜end▁of▁sentence｜>
    {"[e~[", true},
    {"<|fim_prefix|>", false},
    {"<fim-prefix>", false},
    {"<fim_prefix>", false},
    {"<\xEF\xBD\x9C"
     "fim\xE2\x96\x81"
     "begin\xEF\xBD\x9C>",
     false},  // <｜fim▁begin｜>
    {"<PRE>", false},
    {"\xE2\x96\x81<PRE>", false},
    {"<|code_prefix|>", false},
    {"<|prefix|>", false},
    {"<|fim_suffix|>", false},
    {"<fim-suffix>", false},
    {"<fim_suffix>", false},
    {"<\xEF\xBD\x9C"
     "fim\xE2\x96\x81hole\xEF\xBD\x9C>",
     false},  // <｜fim▁hole｜>
    {"<SUF>", false},
    {"\xE2\x96\x81<SUF>", false},
    {"<|code_suffix|>", false},
    {"<|suffix|>", false},
    {"<|fim_middle|>", false},
    {"<fim-middle>", false},
    {"<fim_middle>", false},
    {"<\xEF\xBD\x9C"
     "fim\xE2\x96\x81"
     "end\xEF\xBD\x9C>",
     false},  // <｜fim▁end｜>
    {"<MID>", false},
    {"\xE2\x96\x81<MID>", false},
    {"<|code_middle|>", false},
    {"<|middle|>", false},
    {"<|fim_pad|>", true},
    {"<fim-pad>", true},
    {"<fim_pad>", true},
    {"<PAD>", true},
    {"[PAD]", true},
    {"<|fim_repo|>", true},
    {"<|repo_name|>", true},
    {"<fim-repo>", true},
    {"<REPO>", true},
    {"<reponame>", true},
    {"<|file_sep|>", true},
}};

}  // namespace

namespace {

void set_type(detail::TokenizerData& data, TokenId id, TokenType type) {
    data.token_types[static_cast<size_t>(id)] = type;
    const auto added = std::find_if(data.added_tokens.begin(), data.added_tokens.end(),
                                    [id](const AddedToken& t) { return t.id == id; });
    const bool cut_out =
        type == TokenType::Control || type == TokenType::UserDefined || type == TokenType::Unknown;
    if (added == data.added_tokens.end()) {
        if (cut_out) {
            data.added_tokens.push_back(AddedToken{id, data.token_texts[static_cast<size_t>(id)],
                                                   type != TokenType::UserDefined, false, false, false});
        }
    } else if (cut_out) {
        added->special = type != TokenType::UserDefined;
    } else {
        data.added_tokens.erase(added);
    }
}

std::optional<TokenId> eog_with_text(const detail::TokenizerData& data, std::string_view text) {
    for (const TokenId id : data.eog_ids) {
        if (data.token_texts[static_cast<size_t>(id)] == text) return id;
    }
    return std::nullopt;
}

// llama.cpp's two exceptions to its own rule: with the gpt-oss (harmony) markers <|return|>/<|call|>
// or <|calls|>/<|flush|>, <|end|> ends a message, not generation, and stays an ordinary added token;
// with Gemma 4's <|tool_response>, "</s>" is ordinary text.
void apply_llama_cpp_exceptions(detail::TokenizerData& data) {
    const bool has_call = eog_with_text(data, "<|call|>") || eog_with_text(data, "<|calls|>");
    const std::optional<TokenId> end = eog_with_text(data, "<|end|>");
    if (end &&
        ((eog_with_text(data, "<|return|>") && has_call) || (has_call && eog_with_text(data, "<|flush|>")))) {
        std::erase(data.eog_ids, *end);
        set_type(data, *end, TokenType::UserDefined);
    }
    const std::optional<TokenId> s = eog_with_text(data, "</s>");
    if (s && eog_with_text(data, "<|tool_response>")) {
        std::erase(data.eog_ids, *s);
        set_type(data, *s, TokenType::Normal);
    }
}

}  // namespace

void finish_special_tokens(detail::TokenizerData& data, SpecialTokenRule rule) {
    if (data.eos_id) data.eog_ids.push_back(*data.eos_id);
    for (const SpecialText& special : kSpecialTexts) {
        const auto it = data.text_to_id.find(special.text);
        if (it == data.text_to_id.end()) continue;
        const TokenId id = it->second;
        if (rule == SpecialTokenRule::LlamaCpp &&
            data.token_types[static_cast<size_t>(id)] != TokenType::Control) {
            set_type(data, id, TokenType::Control);
        }
        if (special.ends_generation && data.token_types[static_cast<size_t>(id)] == TokenType::Control) {
            data.eog_ids.push_back(id);
        }
    }
    std::sort(data.eog_ids.begin(), data.eog_ids.end());
    data.eog_ids.erase(std::unique(data.eog_ids.begin(), data.eog_ids.end()), data.eog_ids.end());
    if (rule == SpecialTokenRule::LlamaCpp) apply_llama_cpp_exceptions(data);
}

}  // namespace vela::tokenizer
