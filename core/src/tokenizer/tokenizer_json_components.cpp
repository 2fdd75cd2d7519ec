#include "tokenizer/tokenizer_json_components.h"

#include <optional>
#include <utility>

#include "tokenizer/byte_level.h"
#include "tokenizer/json_util.h"

namespace vela::tokenizer {

namespace {

constexpr std::string_view kMetaspace = "\xE2\x96\x81";  // U+2581, SentencePiece's space

std::string type_of(const nlohmann::json& node, std::string_view where) {
    std::optional<std::string> type = json_string(node, "type", where);
    if (!type) fail(Errc::Corrupt, std::string(where) + " has no \"type\"");
    return *type;
}

// A {"String": s} or {"Regex": r} pattern object.
struct Pattern {
    bool is_regex = false;
    std::string text;
};

Pattern parse_pattern(const nlohmann::json& node, std::string_view where) {
    const nlohmann::json* pattern = json_member(node, "pattern");
    if (pattern == nullptr) fail(Errc::Corrupt, std::string(where) + " has no \"pattern\"");
    if (std::optional<std::string> s = json_string(*pattern, "String", where)) return {false, *s};
    if (std::optional<std::string> r = json_string(*pattern, "Regex", where)) return {true, *r};
    fail(Errc::Corrupt, std::string(where) + ".pattern should hold \"String\" or \"Regex\"");
}

Regex compile_or_fail(std::string_view pattern, std::string_view where) {
    Result<Regex> regex = Regex::compile(pattern);
    if (!regex) fail(Errc::Unsupported, std::string(where) + ": " + regex.error().message());
    return std::move(*regex);
}

SplitBehavior parse_behavior(const nlohmann::json& node, std::string_view where) {
    const std::string behavior = json_string(node, "behavior", where).value_or("Isolated");
    static constexpr std::pair<std::string_view, SplitBehavior> kBehaviors[] = {
        {"Removed", SplitBehavior::Removed},
        {"Isolated", SplitBehavior::Isolated},
        {"MergedWithPrevious", SplitBehavior::MergedWithPrevious},
        {"MergedWithNext", SplitBehavior::MergedWithNext},
        {"Contiguous", SplitBehavior::Contiguous},
    };
    for (const auto& [name, value] : kBehaviors) {
        if (behavior == name) return value;
    }
    fail(Errc::Unsupported, std::string(where) + ".behavior \"" + behavior + "\" is unknown");
}

PrependScheme parse_prepend_scheme(const nlohmann::json& node, std::string_view where) {
    // Older files say add_prefix_space; newer ones prepend_scheme ("always", "first", "never").
    if (std::optional<std::string> scheme = json_string(node, "prepend_scheme", where)) {
        if (*scheme == "always") return PrependScheme::Always;
        if (*scheme == "first") return PrependScheme::First;
        if (*scheme == "never") return PrependScheme::Never;
        fail(Errc::Unsupported, std::string(where) + ".prepend_scheme \"" + *scheme + "\" is unknown");
    }
    return json_bool(node, "add_prefix_space", true, where) ? PrependScheme::Always : PrependScheme::Never;
}

std::string replacement_of(const nlohmann::json& node, std::string_view where) {
    std::string replacement = json_string(node, "replacement", where).value_or(std::string(kMetaspace));
    if (replacement.empty()) fail(Errc::Corrupt, std::string(where) + ".replacement is empty");
    return replacement;
}

}  // namespace

void parse_normalizer(const nlohmann::json& node, Normalizer& out) {
    if (node.is_null()) return;
    const std::string type = type_of(node, "normalizer");
    if (type == "Sequence") {
        const nlohmann::json* steps = json_member(node, "normalizers");
        if (steps == nullptr || !steps->is_array())
            fail(Errc::Corrupt, "normalizer Sequence has no \"normalizers\" list");
        for (const nlohmann::json& step : *steps)
            parse_normalizer(step, out);
    } else if (type == "NFC" || type == "NFD" || type == "NFKC" || type == "NFKD") {
        const UnicodeForm form = type == "NFC"    ? UnicodeForm::Nfc
                                 : type == "NFD"  ? UnicodeForm::Nfd
                                 : type == "NFKC" ? UnicodeForm::Nfkc
                                                  : UnicodeForm::Nfkd;
        out.add_unicode_form(form);
    } else if (type == "Replace") {
        const Pattern pattern = parse_pattern(node, "normalizer Replace");
        std::string content = json_string(node, "content", "normalizer Replace").value_or("");
        if (pattern.is_regex) {
            out.add_replace_regex(compile_or_fail(pattern.text, "normalizer Replace"), std::move(content));
        } else {
            out.add_replace(pattern.text, std::move(content));
        }
    } else if (type == "Prepend") {
        std::string prepend = json_string(node, "prepend", "normalizer Prepend").value_or("");
        out.add_prepend(std::move(prepend));
    } else if (type == "Strip") {
        out.add_strip(json_bool(node, "strip_left", true, "normalizer Strip"),
                      json_bool(node, "strip_right", true, "normalizer Strip"));
    } else {
        fail(Errc::Unsupported, "normalizer type \"" + type +
                                    "\" is not supported (vela implements Sequence, NFC, NFD, NFKC, NFKD, "
                                    "Replace, Prepend and Strip)");
    }
}

void parse_pre_tokenizer(const nlohmann::json& node, PreTokenizer& out, PreTokenizerFacts& facts) {
    if (node.is_null()) return;
    const std::string type = type_of(node, "pre_tokenizer");
    if (type == "Sequence") {
        const nlohmann::json* steps = json_member(node, "pretokenizers");
        if (steps == nullptr || !steps->is_array())
            fail(Errc::Corrupt, "pre_tokenizer Sequence has no \"pretokenizers\" list");
        for (const nlohmann::json& step : *steps)
            parse_pre_tokenizer(step, out, facts);
    } else if (type == "Split") {
        const Pattern pattern = parse_pattern(node, "pre_tokenizer Split");
        const SplitBehavior behavior = parse_behavior(node, "pre_tokenizer Split");
        const bool invert = json_bool(node, "invert", false, "pre_tokenizer Split");
        if (pattern.is_regex) {
            out.add_split(compile_or_fail(pattern.text, "pre_tokenizer Split"), behavior, invert);
        } else {
            out.add_literal_split(pattern.text, behavior, invert);
        }
    } else if (type == "ByteLevel") {
        facts.byte_level = true;
        if (json_bool(node, "add_prefix_space", false, "pre_tokenizer ByteLevel")) out.add_prefix_space();
        if (json_bool(node, "use_regex", true, "pre_tokenizer ByteLevel")) {
            out.add_split(compile_or_fail(kGpt2SplitPattern, "pre_tokenizer ByteLevel"),
                          SplitBehavior::Isolated, false);
        }
    } else if (type == "Metaspace") {
        out.add_metaspace(replacement_of(node, "pre_tokenizer Metaspace"),
                          parse_prepend_scheme(node, "pre_tokenizer Metaspace"),
                          json_bool(node, "split", true, "pre_tokenizer Metaspace"));
    } else if (type == "Digits") {
        // Each digit alone, or runs of digits, as separate pieces.
        const bool individual = json_bool(node, "individual_digits", false, "pre_tokenizer Digits");
        out.add_split(compile_or_fail(individual ? R"(\p{N})" : R"(\p{N}+)", "pre_tokenizer Digits"),
                      SplitBehavior::Isolated, false);
    } else {
        fail(Errc::Unsupported, "pre_tokenizer type \"" + type +
                                    "\" is not supported (vela implements Sequence, Split, ByteLevel, "
                                    "Metaspace and Digits)");
    }
}

namespace {

// The decoder flattened into the per-token rewrites vela applies when building pieces.
struct DecoderPlan {
    bool byte_level = false;
    std::vector<std::pair<std::string, std::string>> replacements;  // applied in order to each token
    bool byte_fallback = false;
    bool fused = false;
    LeadingStrip leading_strip = LeadingStrip::None;
    int32_t n_leading_strip = 0;
};

void plan_decoder(const nlohmann::json& node, DecoderPlan& plan) {
    const std::string type = type_of(node, "decoder");
    if (type == "Sequence") {
        const nlohmann::json* steps = json_member(node, "decoders");
        if (steps == nullptr || !steps->is_array())
            fail(Errc::Corrupt, "decoder Sequence has no \"decoders\" list");
        for (const nlohmann::json& step : *steps)
            plan_decoder(step, plan);
    } else if (type == "ByteLevel") {
        plan.byte_level = true;
    } else if (type == "Replace") {
        const Pattern pattern = parse_pattern(node, "decoder Replace");
        if (pattern.is_regex)
            fail(Errc::Unsupported, "decoder Replace with a Regex pattern is not supported");
        if (plan.byte_fallback)
            fail(Errc::Unsupported, "decoder Replace after ByteFallback is not supported");
        plan.replacements.emplace_back(pattern.text,
                                       json_string(node, "content", "decoder Replace").value_or(""));
    } else if (type == "ByteFallback") {
        plan.byte_fallback = true;
    } else if (type == "Fuse") {
        plan.fused = true;
    } else if (type == "Strip") {
        const std::string content = json_string(node, "content", "decoder Strip").value_or(" ");
        const nlohmann::json* start = json_member(node, "start");
        const nlohmann::json* stop = json_member(node, "stop");
        const int64_t n_start = start != nullptr && start->is_number_integer() ? start->get<int64_t>() : 0;
        const int64_t n_stop = stop != nullptr && stop->is_number_integer() ? stop->get<int64_t>() : 0;
        // Only the form Llama/Mistral use: leading spaces of the fused text.
        if (content != " " || n_stop != 0 || !plan.fused || n_start < 0 || n_start > 64) {
            fail(Errc::Unsupported, "decoder Strip is supported only as Strip(\" \", start, 0) after Fuse");
        }
        plan.leading_strip = LeadingStrip::Output;
        plan.n_leading_strip = static_cast<int32_t>(n_start);
    } else if (type == "Metaspace") {
        const std::string replacement = replacement_of(node, "decoder Metaspace");
        plan.replacements.emplace_back(replacement, " ");
        if (parse_prepend_scheme(node, "decoder Metaspace") != PrependScheme::Never) {
            plan.leading_strip = LeadingStrip::FirstToken;
        }
    } else {
        fail(Errc::Unsupported, "decoder type \"" + type +
                                    "\" is not supported (vela implements Sequence, ByteLevel, Replace, "
                                    "ByteFallback, Fuse, Strip and Metaspace)");
    }
}

// The byte of a "<0xXX>" token, if `text` is one.
std::optional<char> byte_token_value(std::string_view text) {
    if (text.size() != 6 || !text.starts_with("<0x") || text[5] != '>') return std::nullopt;
    int value = 0;
    for (const char c : text.substr(3, 2)) {
        int digit = -1;
        if (c >= '0' && c <= '9') digit = c - '0';
        if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
        if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
        if (digit < 0) return std::nullopt;
        value = value * 16 + digit;
    }
    return static_cast<char>(value);
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
    if (from.empty()) return text;
    size_t pos = 0;
    while ((pos = text.find(from, pos)) != std::string::npos) {
        text.replace(pos, from.size(), to);
        pos += to.size();
    }
    return text;
}

}  // namespace

void parse_decoder(const nlohmann::json& node, const std::vector<bool>& is_added,
                   detail::TokenizerData& data) {
    if (node.is_null())
        fail(Errc::Unsupported, "tokenizer.json has no decoder, so its text cannot be rebuilt exactly");
    DecoderPlan plan;
    plan_decoder(node, plan);
    if (plan.byte_level && (plan.byte_fallback || !plan.replacements.empty())) {
        fail(Errc::Unsupported, "decoder mixes ByteLevel with SentencePiece-style steps");
    }
    data.leading_strip = plan.leading_strip;
    data.n_leading_strip = plan.n_leading_strip;
    data.pieces.resize(data.token_texts.size());
    for (size_t id = 0; id < data.token_texts.size(); ++id) {
        const std::string& text = data.token_texts[id];
        std::string& piece = data.pieces[id];
        if (plan.byte_level) {
            if (is_added[id]) {
                piece = text;
            } else {
                piece = byte_level_to_bytes(text).value_or(text);
            }
            continue;
        }
        piece = text;
        for (const auto& [from, to] : plan.replacements)
            piece = replace_all(std::move(piece), from, to);
        if (plan.byte_fallback) {
            if (std::optional<char> byte = byte_token_value(text)) piece = std::string(1, *byte);
        }
    }
}

void parse_post_processor(const nlohmann::json& node, detail::TokenizerData& data) {
    if (node.is_null()) return;
    const std::string type = type_of(node, "post_processor");
    if (type == "Sequence") {
        const nlohmann::json* steps = json_member(node, "processors");
        if (steps == nullptr || !steps->is_array())
            fail(Errc::Corrupt, "post_processor Sequence has no \"processors\" list");
        for (const nlohmann::json& step : *steps)
            parse_post_processor(step, data);
    } else if (type == "ByteLevel") {
        // Only adjusts offsets; ids are unchanged.
    } else if (type == "TemplateProcessing") {
        const nlohmann::json* single = json_member(node, "single");
        const nlohmann::json* special_tokens = json_member(node, "special_tokens");
        if (single == nullptr || !single->is_array())
            fail(Errc::Corrupt, "post_processor TemplateProcessing has no \"single\" template");
        data.prefix_ids.clear();
        data.suffix_ids.clear();
        bool seen_sequence = false;
        for (const nlohmann::json& item : *single) {
            if (json_member(item, "Sequence") != nullptr) {
                seen_sequence = true;
                continue;
            }
            const nlohmann::json* special = json_member(item, "SpecialToken");
            std::optional<std::string> name =
                special ? json_string(*special, "id", "TemplateProcessing") : std::nullopt;
            if (!name)
                fail(Errc::Corrupt,
                     "post_processor TemplateProcessing item is neither Sequence nor SpecialToken");
            const nlohmann::json* entry = special_tokens ? json_member(*special_tokens, *name) : nullptr;
            const nlohmann::json* ids = entry ? json_member(*entry, "ids") : nullptr;
            if (ids == nullptr || !ids->is_array()) {
                fail(Errc::Corrupt, "post_processor TemplateProcessing names special token \"" + *name +
                                        "\" without ids in special_tokens");
            }
            for (const nlohmann::json& id : *ids) {
                if (!id.is_number_integer() || id.get<int64_t>() < 0 ||
                    id.get<int64_t>() >= static_cast<int64_t>(data.token_texts.size())) {
                    fail(Errc::Corrupt,
                         "post_processor special token \"" + *name + "\" has an id outside the vocabulary");
                }
                (seen_sequence ? data.suffix_ids : data.prefix_ids)
                    .push_back(static_cast<TokenId>(id.get<int64_t>()));
            }
        }
    } else {
        fail(Errc::Unsupported, "post_processor type \"" + type +
                                    "\" is not supported (vela implements Sequence, ByteLevel and "
                                    "TemplateProcessing)");
    }
}

}  // namespace vela::tokenizer
