#include "model/family_registry.h"

#include <array>
#include <string>

namespace vela {
namespace {

using kernels::RopeStyle;

constexpr std::array<std::string_view, 1> kLlamaHf = {"LlamaForCausalLM"};
constexpr std::array<std::string_view, 1> kLlamaGguf = {"llama"};
constexpr std::array<std::string_view, 1> kMistralHf = {"MistralForCausalLM"};
// Mistral GGUF files declare the llama architecture; they load as the llama family.
constexpr std::array<std::string_view, 0> kMistralGguf = {};
constexpr std::array<std::string_view, 1> kQwen2Hf = {"Qwen2ForCausalLM"};
constexpr std::array<std::string_view, 1> kQwen2Gguf = {"qwen2"};
constexpr std::array<std::string_view, 1> kQwen3Hf = {"Qwen3ForCausalLM"};
constexpr std::array<std::string_view, 1> kQwen3Gguf = {"qwen3"};

// GGUF's converter permutes Llama's Q/K rows so RoPE rotates adjacent pairs; Qwen files keep the
// Hugging Face layout (rotate_half), which llama.cpp calls NEOX.
constexpr std::array<FamilySpec, 4> kFamilies = {{
    {"llama", kLlamaHf, kLlamaGguf, false, false, false, RopeStyle::Interleaved},
    {"mistral", kMistralHf, kMistralGguf, false, false, true, RopeStyle::Interleaved},
    {"qwen2", kQwen2Hf, kQwen2Gguf, true, false, false, RopeStyle::Neox},
    {"qwen3", kQwen3Hf, kQwen3Gguf, false, true, false, RopeStyle::Neox},
}};

const FamilySpec* find_in(std::string_view value, std::span<const std::string_view> FamilySpec::*list) {
    for (const FamilySpec& family : kFamilies) {
        for (std::string_view candidate : family.*list) {
            if (candidate == value) return &family;
        }
    }
    return nullptr;
}

}  // namespace

std::span<const FamilySpec> family_table() {
    return kFamilies;
}

const FamilySpec* find_family_by_hf_architecture(std::string_view architecture) {
    return find_in(architecture, &FamilySpec::hf_architectures);
}

const FamilySpec* find_family_by_gguf_architecture(std::string_view architecture) {
    return find_in(architecture, &FamilySpec::gguf_architectures);
}

const FamilySpec* find_family(std::string_view name) {
    for (const FamilySpec& family : kFamilies) {
        if (family.name == name) return &family;
    }
    return nullptr;
}

std::string supported_families_text() {
    std::string out;
    for (const FamilySpec& family : kFamilies) {
        if (!out.empty()) out += ", ";
        out += family.name;
    }
    return out;
}

}  // namespace vela
