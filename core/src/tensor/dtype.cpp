#include "tensor/dtype.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace vela {
namespace {

constexpr std::array<DTypeTraits, 13> kTraits = {{
    {"f32", 1, 4, 0, false},
    {"f16", 1, 2, 1, false},
    {"bf16", 1, 2, 30, false},
    {"q8_0", 32, 34, 8, true},
    {"q4_0", 32, 18, 2, true},
    {"q4_1", 32, 20, 3, true},
    {"q5_0", 32, 22, 6, true},
    {"q5_1", 32, 24, 7, true},
    {"q4_k", 256, 144, 12, true},
    {"q5_k", 256, 176, 13, true},
    {"q6_k", 256, 210, 14, true},
    {"q8_k", 256, 292, 15, true},
    {"i32", 1, 4, 26, false},
}};

// Names of the GGUF types vela does not load, for error messages.
constexpr std::array<std::pair<uint32_t, std::string_view>, 17> kOtherGgmlNames = {{
    {9, "q8_1"},
    {10, "q2_K"},
    {11, "q3_K"},
    {16, "iq2_xxs"},
    {17, "iq2_xs"},
    {18, "iq3_xxs"},
    {19, "iq1_s"},
    {20, "iq4_nl"},
    {21, "iq3_s"},
    {22, "iq2_s"},
    {23, "iq4_xs"},
    {24, "i8"},
    {25, "i16"},
    {27, "i64"},
    {28, "f64"},
    {29, "iq1_m"},
    {39, "mxfp4"},
}};

}  // namespace

const DTypeTraits& traits(DType dtype) {
    return kTraits[static_cast<size_t>(dtype)];
}

std::optional<DType> dtype_from_ggml(uint32_t ggml_id) {
    for (size_t i = 0; i < kTraits.size(); ++i) {
        if (kTraits[i].ggml_id == ggml_id) return static_cast<DType>(i);
    }
    return std::nullopt;
}

std::optional<DType> dtype_from_name(std::string_view name) {
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (size_t i = 0; i < kTraits.size(); ++i) {
        if (kTraits[i].name == lower) return static_cast<DType>(i);
    }
    return std::nullopt;
}

std::string ggml_type_name(uint32_t ggml_id) {
    if (auto known = dtype_from_ggml(ggml_id)) return std::string(traits(*known).name);
    for (const auto& [id, name] : kOtherGgmlNames) {
        if (id == ggml_id) return std::string(name);
    }
    return "type " + std::to_string(ggml_id);
}

}  // namespace vela
