#include "model/tensor_names.h"

#include <array>
#include <charconv>
#include <utility>

namespace vela {
namespace {

using NamePair = std::pair<std::string_view, std::string_view>;  // {Hugging Face, canonical}

constexpr std::array<NamePair, 3> kGlobalNames = {{
    {"model.embed_tokens.weight", "token_embd.weight"},
    {"model.norm.weight", "output_norm.weight"},
    {"lm_head.weight", "output.weight"},
}};

// Suffixes after "model.layers.<i>." and after "blk.<i>.".
constexpr std::array<NamePair, 15> kLayerNames = {{
    {"input_layernorm.weight", "attn_norm.weight"},
    {"self_attn.q_proj.weight", "attn_q.weight"},
    {"self_attn.k_proj.weight", "attn_k.weight"},
    {"self_attn.v_proj.weight", "attn_v.weight"},
    {"self_attn.q_proj.bias", "attn_q.bias"},
    {"self_attn.k_proj.bias", "attn_k.bias"},
    {"self_attn.v_proj.bias", "attn_v.bias"},
    {"self_attn.o_proj.weight", "attn_output.weight"},
    {"self_attn.q_norm.weight", "attn_q_norm.weight"},
    {"self_attn.k_norm.weight", "attn_k_norm.weight"},
    {"post_attention_layernorm.weight", "ffn_norm.weight"},
    {"mlp.gate_proj.weight", "ffn_gate.weight"},
    {"mlp.up_proj.weight", "ffn_up.weight"},
    {"mlp.down_proj.weight", "ffn_down.weight"},
    {"self_attn.o_proj.bias", "attn_output.bias"},
}};

// Splits "<prefix><layer>.<rest>" into layer and rest.
std::optional<std::pair<int32_t, std::string_view>> split_layer(std::string_view name,
                                                                std::string_view prefix) {
    if (!name.starts_with(prefix)) return std::nullopt;
    name.remove_prefix(prefix.size());
    int32_t layer = 0;
    auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), layer);
    if (ec != std::errc{} || end == name.data() || end == name.data() + name.size() || *end != '.') {
        return std::nullopt;
    }
    return std::pair{layer, name.substr(static_cast<size_t>(end - name.data()) + 1)};
}

}  // namespace

std::string layer_tensor(int32_t layer, std::string_view suffix) {
    std::string out = "blk.";
    out += std::to_string(layer);
    out += '.';
    out += suffix;
    return out;
}

std::optional<std::string> canonical_from_hf(std::string_view hf_name) {
    for (const auto& [hf, canonical] : kGlobalNames) {
        if (hf == hf_name) return std::string(canonical);
    }
    if (auto split = split_layer(hf_name, "model.layers.")) {
        for (const auto& [hf, canonical] : kLayerNames) {
            if (hf == split->second) return layer_tensor(split->first, canonical);
        }
    }
    return std::nullopt;
}

std::optional<std::string> hf_from_canonical(std::string_view canonical_name) {
    for (const auto& [hf, canonical] : kGlobalNames) {
        if (canonical == canonical_name) return std::string(hf);
    }
    if (auto split = split_layer(canonical_name, "blk.")) {
        for (const auto& [hf, canonical] : kLayerNames) {
            if (canonical == split->second) {
                return "model.layers." + std::to_string(split->first) + "." + std::string(hf);
            }
        }
    }
    return std::nullopt;
}

}  // namespace vela
