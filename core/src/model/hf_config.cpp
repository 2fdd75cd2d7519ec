#include "model/hf_config.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "loader/json_file.h"
#include "model/family_registry.h"

namespace vela {
namespace {

using nlohmann::json;

Result<std::string> read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error{Errc::NotFound, path.string() + ": cannot open the file"};
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

Result<json> parse_object(std::string_view text, const std::string& origin) {
    auto doc = parse_json(text, origin);
    if (!doc) return std::move(doc).error();
    if (!doc->is_object()) return Error{Errc::Corrupt, origin + ": expected a JSON object at the top level"};
    return doc;
}

// Reads an integer field; missing or null gives `fallback` (a negative fallback means "required").
Result<int32_t> get_int(const json& doc, const char* key, int64_t fallback, const std::string& origin) {
    auto it = doc.find(key);
    if (it == doc.end() || it->is_null()) {
        if (fallback < 0) return Error{Errc::Corrupt, origin + ": required field \"" + key + "\" is missing"};
        return static_cast<int32_t>(fallback);
    }
    if (!it->is_number_integer() || it->get<int64_t>() < 0 || it->get<int64_t>() > INT32_MAX) {
        return Error{Errc::Corrupt,
                     origin + ": field \"" + key + "\" must be a non-negative integer, found " + it->dump()};
    }
    return static_cast<int32_t>(it->get<int64_t>());
}

Result<float> get_float(const json& doc, const char* key, double fallback, const std::string& origin) {
    auto it = doc.find(key);
    if (it == doc.end() || it->is_null()) return static_cast<float>(fallback);
    if (!it->is_number()) {
        return Error{Errc::Corrupt, origin + ": field \"" + key + "\" must be a number, found " + it->dump()};
    }
    return it->get<float>();
}

// rope_scaling / rope_parameters: {"rope_type"|"type": "linear"|"llama3"|"yarn"|"default", ...}.
Result<RopeScaling> parse_rope_scaling(const json& doc, int32_t max_context, const std::string& origin) {
    RopeScaling s;
    const json* node = nullptr;
    for (const char* key : {"rope_scaling", "rope_parameters"}) {
        auto it = doc.find(key);
        if (it != doc.end() && it->is_object()) node = &*it;
    }
    if (node == nullptr) return s;
    std::string type = node->value("rope_type", node->value("type", std::string("default")));
    if (type == "default") return s;
    auto factor = get_float(*node, "factor", 1.0, origin);
    if (!factor) return std::move(factor).error();
    s.factor = *factor;
    auto original = get_int(*node, "original_max_position_embeddings", max_context, origin);
    if (!original) return std::move(original).error();
    s.original_context = *original;
    if (type == "linear") {
        s.kind = RopeScalingKind::Linear;
    } else if (type == "llama3") {
        s.kind = RopeScalingKind::Llama3;
        auto low = get_float(*node, "low_freq_factor", 1.0, origin);
        auto high = get_float(*node, "high_freq_factor", 4.0, origin);
        if (!low) return std::move(low).error();
        if (!high) return std::move(high).error();
        s.low_freq_factor = *low;
        s.high_freq_factor = *high;
    } else if (type == "yarn") {
        s.kind = RopeScalingKind::Yarn;
        auto fast = get_float(*node, "beta_fast", 32.0, origin);
        auto slow = get_float(*node, "beta_slow", 1.0, origin);
        auto attention = get_float(*node, "attention_factor", 0.0, origin);
        if (!fast) return std::move(fast).error();
        if (!slow) return std::move(slow).error();
        if (!attention) return std::move(attention).error();
        s.beta_fast = *fast;
        s.beta_slow = *slow;
        s.attention_factor = *attention;
    } else {
        return Error{Errc::Unsupported, origin + ": rope scaling type \"" + type +
                                            "\" is not supported (supported: default, linear, llama3, yarn)"};
    }
    if (s.factor <= 0.0f) return Error{Errc::Corrupt, origin + ": rope scaling factor must be positive"};
    return s;
}

}  // namespace

Result<ModelConfig> model_config_from_hf_json(std::string_view json_text, const std::string& origin) {
    auto parsed = parse_object(json_text, origin);
    if (!parsed) return std::move(parsed).error();
    const json& doc = *parsed;

    std::string architecture;
    if (auto it = doc.find("architectures");
        it != doc.end() && it->is_array() && !it->empty() && it->front().is_string()) {
        architecture = it->front().get<std::string>();
    } else {
        return Error{Errc::Corrupt, origin + ": field \"architectures\" must be a non-empty list of strings"};
    }
    const FamilySpec* family = find_family_by_hf_architecture(architecture);
    if (family == nullptr) {
        return Error{Errc::Unsupported,
                     origin + ": architecture \"" + architecture +
                         "\" is not supported; vela runs these families: " + supported_families_text()};
    }

    ModelConfig c;
    c.family = std::string(family->name);
    struct IntField {
        int32_t* slot;
        const char* key;
        int64_t fallback;
    };
    const IntField required[] = {
        {&c.vocab_size, "vocab_size", -1},      {&c.hidden_size, "hidden_size", -1},
        {&c.n_layers, "num_hidden_layers", -1}, {&c.n_heads, "num_attention_heads", -1},
        {&c.ffn_size, "intermediate_size", -1}, {&c.max_context, "max_position_embeddings", 8192},
    };
    for (const IntField& f : required) {
        auto value = get_int(doc, f.key, f.fallback, origin);
        if (!value) return std::move(value).error();
        *f.slot = *value;
    }
    if (c.n_heads == 0 || c.hidden_size % c.n_heads != 0) {
        return Error{Errc::Corrupt, origin + ": num_attention_heads must divide hidden_size"};
    }
    auto kv_heads = get_int(doc, "num_key_value_heads", c.n_heads, origin);
    auto head_dim = get_int(doc, "head_dim", c.hidden_size / c.n_heads, origin);
    auto eps = get_float(doc, "rms_norm_eps", 1e-6, origin);
    if (!kv_heads) return std::move(kv_heads).error();
    if (!head_dim) return std::move(head_dim).error();
    if (!eps) return std::move(eps).error();
    c.n_kv_heads = *kv_heads;
    c.head_dim = *head_dim;
    c.rms_eps = *eps;
    if (c.n_kv_heads == 0 || c.n_heads % c.n_kv_heads != 0) {
        return Error{Errc::Corrupt, origin + ": num_key_value_heads must divide num_attention_heads"};
    }
    if (c.head_dim == 0 || c.head_dim % 2 != 0) {
        return Error{Errc::Corrupt, origin + ": head_dim must be a positive even number"};
    }

    // rope_theta sits at the top level, or inside rope_parameters in newer configs.
    double theta = 10000.0;
    if (auto it = doc.find("rope_parameters");
        it != doc.end() && it->is_object() && it->contains("rope_theta")) {
        theta = (*it)["rope_theta"].get<double>();
    }
    auto rope_theta = get_float(doc, "rope_theta", theta, origin);
    if (!rope_theta) return std::move(rope_theta).error();
    c.rope_theta = *rope_theta;
    auto partial = get_float(doc, "partial_rotary_factor", 1.0, origin);
    if (!partial) return std::move(partial).error();
    c.rope_dim = static_cast<int32_t>(static_cast<float>(c.head_dim) * *partial) / 2 * 2;
    c.rope_style = kernels::RopeStyle::Neox;  // Hugging Face checkpoints rotate halves (rotate_half)
    auto scaling = parse_rope_scaling(doc, c.max_context, origin);
    if (!scaling) return std::move(scaling).error();
    c.rope_scaling = *scaling;

    if (family->sliding_window) {
        auto window = get_int(doc, "sliding_window", 0, origin);
        if (!window) return std::move(window).error();
        c.sliding_window = *window;
    }
    c.qkv_bias = family->qkv_bias;
    c.qk_norm = family->qk_norm;
    return c;
}

Result<ModelConfig> model_config_from_hf_folder(const std::filesystem::path& folder) {
    const auto path = folder / "config.json";
    auto text = read_text(path);
    if (!text) {
        return Error{Errc::NotFound,
                     path.string() +
                         ": missing; a Hugging Face model folder needs config.json next to its "
                         "*.safetensors files"};
    }
    return model_config_from_hf_json(*text, path.string());
}

Result<GenerationDefaults> generation_defaults_from_hf_folder(const std::filesystem::path& folder) {
    GenerationDefaults defaults;
    const auto path = folder / "generation_config.json";
    if (!std::filesystem::exists(path)) return defaults;
    auto text = read_text(path);
    if (!text) return std::move(text).error();
    auto parsed = parse_object(*text, path.string());
    if (!parsed) return std::move(parsed).error();
    const json& doc = *parsed;
    auto number = [&](const char* key) -> std::optional<double> {
        auto it = doc.find(key);
        if (it == doc.end() || !it->is_number()) return std::nullopt;
        return it->get<double>();
    };
    if (auto v = number("temperature")) defaults.temperature = static_cast<float>(*v);
    if (auto v = number("top_p")) defaults.top_p = static_cast<float>(*v);
    if (auto v = number("top_k")) defaults.top_k = static_cast<int32_t>(*v);
    if (auto v = number("min_p")) defaults.min_p = static_cast<float>(*v);
    if (auto v = number("repetition_penalty")) defaults.repetition_penalty = static_cast<float>(*v);
    if (auto v = number("max_new_tokens")) defaults.max_new_tokens = static_cast<int32_t>(*v);
    // do_sample false means greedy decoding.
    if (auto it = doc.find("do_sample"); it != doc.end() && it->is_boolean() && !it->get<bool>()) {
        defaults.temperature = 0.0f;
    }
    if (auto it = doc.find("eos_token_id"); it != doc.end()) {
        if (it->is_number_integer()) defaults.eos_token_ids.push_back(it->get<TokenId>());
        if (it->is_array()) {
            for (const json& id : *it) {
                if (id.is_number_integer()) defaults.eos_token_ids.push_back(id.get<TokenId>());
            }
        }
    }
    return defaults;
}

}  // namespace vela
