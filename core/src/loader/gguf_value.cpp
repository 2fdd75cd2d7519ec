#include "loader/gguf_value.h"

#include <array>
#include <limits>

#include "vela/core/assert.h"

namespace vela {
namespace {

struct GgufTypeInfo {
    std::string_view name;
    size_t scalar_size;  // bytes in a file; 0 for String and Array
    bool integer;
};

// Indexed by the GgufType number.
constexpr std::array<GgufTypeInfo, kGgufTypeCount> kTypeInfo = {{
    {"uint8", 1, true},
    {"int8", 1, true},
    {"uint16", 2, true},
    {"int16", 2, true},
    {"uint32", 4, true},
    {"int32", 4, true},
    {"float32", 4, false},
    {"bool", 1, false},
    {"string", 0, false},
    {"array", 0, false},
    {"uint64", 8, true},
    {"int64", 8, true},
    {"float64", 8, false},
}};

const GgufTypeInfo& info(GgufType type) {
    return kTypeInfo[static_cast<size_t>(type)];
}

}  // namespace

std::string_view to_string(GgufType type) {
    return info(type).name;
}
size_t gguf_scalar_size(GgufType type) {
    return info(type).scalar_size;
}
bool gguf_is_integer(GgufType type) {
    return info(type).integer;
}

GgufValue GgufValue::array(GgufType element_type, std::vector<GgufValue> elements) {
    for (const GgufValue& e : elements)
        VELA_ASSERT(e.type() == element_type, "GgufValue::array: element type differs from the array type");
    GgufValue v(GgufType::Array, std::move(elements));
    v.array_type_ = element_type;
    return v;
}

GgufValue GgufValue::string_array(std::span<const std::string> values) {
    std::vector<GgufValue> elements;
    elements.reserve(values.size());
    for (const std::string& s : values)
        elements.push_back(string(s));
    return array(GgufType::String, std::move(elements));
}

GgufValue GgufValue::int32_array(std::span<const int32_t> values) {
    std::vector<GgufValue> elements;
    elements.reserve(values.size());
    for (int32_t x : values)
        elements.push_back(int32(x));
    return array(GgufType::Int32, std::move(elements));
}

GgufValue GgufValue::float32_array(std::span<const float> values) {
    std::vector<GgufValue> elements;
    elements.reserve(values.size());
    for (float x : values)
        elements.push_back(float32(x));
    return array(GgufType::Float32, std::move(elements));
}

std::optional<int64_t> GgufValue::as_int() const {
    if (const auto* s = std::get_if<int64_t>(&data_)) return *s;
    if (const auto* u = std::get_if<uint64_t>(&data_)) {
        if (*u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
        return static_cast<int64_t>(*u);
    }
    return std::nullopt;
}

std::optional<uint64_t> GgufValue::as_uint() const {
    if (const auto* u = std::get_if<uint64_t>(&data_)) return *u;
    return std::nullopt;
}

std::optional<double> GgufValue::as_float() const {
    if (const auto* d = std::get_if<double>(&data_)) return *d;
    if (const auto* s = std::get_if<int64_t>(&data_)) return static_cast<double>(*s);
    if (const auto* u = std::get_if<uint64_t>(&data_)) return static_cast<double>(*u);
    return std::nullopt;
}

std::optional<bool> GgufValue::as_bool() const {
    if (const auto* b = std::get_if<bool>(&data_)) return *b;
    return std::nullopt;
}

size_t GgufValue::array_size() const {
    return elements().size();
}

std::span<const GgufValue> GgufValue::elements() const {
    if (const auto* a = std::get_if<std::vector<GgufValue>>(&data_)) return *a;
    return {};
}

const GgufValue& GgufValue::at(size_t i) const {
    std::span<const GgufValue> e = elements();
    VELA_ASSERT(i < e.size(), "GgufValue::at: index out of range");
    return e[i];
}

std::optional<std::vector<std::string>> GgufValue::as_string_array() const {
    if (type_ != GgufType::Array || array_type_ != GgufType::String) return std::nullopt;
    std::vector<std::string> out;
    out.reserve(array_size());
    for (const GgufValue& e : elements())
        out.push_back(*e.as_string());
    return out;
}

std::optional<std::vector<std::string_view>> GgufValue::as_string_views() const {
    if (type_ != GgufType::Array || array_type_ != GgufType::String) return std::nullopt;
    std::vector<std::string_view> out;
    out.reserve(array_size());
    for (const GgufValue& e : elements())
        out.push_back(*e.as_string());
    return out;
}

std::optional<std::vector<int64_t>> GgufValue::as_int_array() const {
    if (type_ != GgufType::Array || !gguf_is_integer(array_type_)) return std::nullopt;
    std::vector<int64_t> out;
    out.reserve(array_size());
    for (const GgufValue& e : elements()) {
        std::optional<int64_t> x = e.as_int();
        if (!x) return std::nullopt;
        out.push_back(*x);
    }
    return out;
}

std::optional<std::vector<float>> GgufValue::as_float_array() const {
    if (type_ != GgufType::Array) return std::nullopt;
    const bool numeric =
        gguf_is_integer(array_type_) || array_type_ == GgufType::Float32 || array_type_ == GgufType::Float64;
    if (!numeric) return std::nullopt;
    std::vector<float> out;
    out.reserve(array_size());
    for (const GgufValue& e : elements())
        out.push_back(static_cast<float>(*e.as_float()));
    return out;
}

std::string GgufValue::describe() const {
    std::string out(to_string(type_));
    if (type_ == GgufType::Array) {
        out += "[" + std::to_string(array_size()) + "] of " + std::string(to_string(array_type_));
    } else if (const std::string* s = as_string()) {
        out += " \"" + (s->size() > 40 ? s->substr(0, 40) + "..." : *s) + "\"";
    } else if (const auto b = as_bool()) {
        out += *b ? " true" : " false";
    } else if (const auto* d = std::get_if<double>(&data_)) {
        out += " " + std::to_string(*d);
    } else if (const auto* u = std::get_if<uint64_t>(&data_)) {
        out += " " + std::to_string(*u);
    } else if (const auto* i = std::get_if<int64_t>(&data_)) {
        out += " " + std::to_string(*i);
    }
    return out;
}

bool operator==(const GgufValue& a, const GgufValue& b) {
    return a.type_ == b.type_ && a.array_type_ == b.array_type_ && a.data_ == b.data_;
}

}  // namespace vela
