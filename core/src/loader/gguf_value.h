// GgufValue: one typed GGUF metadata value (a scalar, a string, or an array of values).
//
// A value owns its data, so it may outlive the file it was read from and be handed to GgufWriter.
// Arrays hold their elements as GgufValues (arrays of arrays nest naturally), which keeps `at(i)` a
// plain reference. Large vocabulary arrays (150k tokens) cost one small string each; callers that only
// look at them should use `elements()` or `as_string_views()` rather than copying with
// `as_string_array()`. Accessors never throw: a type mismatch gives nullopt, nullptr or an empty result.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace vela {

/// The type of a GGUF metadata value, numbered as in the file format.
enum class GgufType : uint32_t {
    UInt8 = 0,
    Int8 = 1,
    UInt16 = 2,
    Int16 = 3,
    UInt32 = 4,
    Int32 = 5,
    Float32 = 6,
    Bool = 7,
    String = 8,
    Array = 9,
    UInt64 = 10,
    Int64 = 11,
    Float64 = 12,
};

/// The number of GgufType values (type ids at or above this are invalid).
inline constexpr uint32_t kGgufTypeCount = 13;

/// The spec name of `type` ("uint8", "string", "array", ...).
std::string_view to_string(GgufType type);

/// The size in bytes of a scalar of `type` in a GGUF file (0 for String and Array).
size_t gguf_scalar_size(GgufType type);

/// True for the eight integer types (not Bool).
bool gguf_is_integer(GgufType type);

/// One GGUF metadata value.
class GgufValue {
  public:
    /// A uint8 value 0.
    GgufValue() = default;

    /// A uint8 value.
    static GgufValue uint8(uint8_t v) { return GgufValue(GgufType::UInt8, uint64_t{v}); }
    /// An int8 value.
    static GgufValue int8(int8_t v) { return GgufValue(GgufType::Int8, int64_t{v}); }
    /// A uint16 value.
    static GgufValue uint16(uint16_t v) { return GgufValue(GgufType::UInt16, uint64_t{v}); }
    /// An int16 value.
    static GgufValue int16(int16_t v) { return GgufValue(GgufType::Int16, int64_t{v}); }
    /// A uint32 value.
    static GgufValue uint32(uint32_t v) { return GgufValue(GgufType::UInt32, uint64_t{v}); }
    /// An int32 value.
    static GgufValue int32(int32_t v) { return GgufValue(GgufType::Int32, int64_t{v}); }
    /// A uint64 value.
    static GgufValue uint64(uint64_t v) { return GgufValue(GgufType::UInt64, v); }
    /// An int64 value.
    static GgufValue int64(int64_t v) { return GgufValue(GgufType::Int64, v); }
    /// A float32 value.
    static GgufValue float32(float v) { return GgufValue(GgufType::Float32, double{v}); }
    /// A float64 value.
    static GgufValue float64(double v) { return GgufValue(GgufType::Float64, v); }
    /// A bool value.
    static GgufValue boolean(bool v) { return GgufValue(GgufType::Bool, v); }
    /// A string value.
    static GgufValue string(std::string v) { return GgufValue(GgufType::String, std::move(v)); }
    /// An array of `element_type`; every element must have that type (checked, aborts otherwise).
    static GgufValue array(GgufType element_type, std::vector<GgufValue> elements);
    /// An array of strings.
    static GgufValue string_array(std::span<const std::string> values);
    /// An array of int32.
    static GgufValue int32_array(std::span<const int32_t> values);
    /// An array of float32.
    static GgufValue float32_array(std::span<const float> values);

    /// The value's type.
    GgufType type() const { return type_; }
    /// The element type when type() is Array (UInt8 otherwise).
    GgufType array_type() const { return array_type_; }

    /// The value of any integer type as int64 (nullopt for non-integers and uint64 above INT64_MAX).
    std::optional<int64_t> as_int() const;
    /// The value of an unsigned integer type as uint64 (nullopt for signed or non-integer types).
    std::optional<uint64_t> as_uint() const;
    /// The value of a float or integer type as double.
    std::optional<double> as_float() const;
    /// The value of a Bool.
    std::optional<bool> as_bool() const;
    /// The string, or nullptr unless type() is String.
    const std::string* as_string() const { return std::get_if<std::string>(&data_); }

    /// The number of elements of an array (0 for non-arrays).
    size_t array_size() const;
    /// The elements of an array (empty for non-arrays); cheap, no copy.
    std::span<const GgufValue> elements() const;
    /// Element `i` of an array; `i` must be below array_size() (checked, aborts otherwise).
    const GgufValue& at(size_t i) const;

    /// A copy of an array of strings (nullopt for any other type).
    std::optional<std::vector<std::string>> as_string_array() const;
    /// Views of the strings of an array of strings, valid while this value lives (nullopt otherwise).
    std::optional<std::vector<std::string_view>> as_string_views() const;
    /// An array of any integer type as int64 (nullopt for other types or a uint64 above INT64_MAX).
    std::optional<std::vector<int64_t>> as_int_array() const;
    /// An array of any float or integer type as float (nullopt for other types).
    std::optional<std::vector<float>> as_float_array() const;

    /// A short human rendering for messages and dumps ("uint32 4096", "array[151936] of string").
    std::string describe() const;

    /// Deep equality of type and value (floats compare by value, so NaN differs from itself).
    friend bool operator==(const GgufValue& a, const GgufValue& b);

  private:
    using Data = std::variant<uint64_t, int64_t, double, bool, std::string, std::vector<GgufValue>>;
    GgufValue(GgufType type, Data data) : type_(type), data_(std::move(data)) {}

    GgufType type_ = GgufType::UInt8;
    GgufType array_type_ = GgufType::UInt8;
    Data data_ = uint64_t{0};
};

}  // namespace vela
