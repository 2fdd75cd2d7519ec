#include "codec/json_reader.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace vela::openai::codec {

void fail(std::string message, std::string param, std::optional<std::string> code) {
    throw CodecError{OpenAIError::invalid_request(
        std::move(message), param.empty() ? std::nullopt : std::optional(std::move(param)), std::move(code))};
}

Json parse_document(std::string_view text, std::string_view what) {
    try {
        return Json::parse(text.begin(), text.end());
    } catch (const nlohmann::json::parse_error& e) {
        fail("the " + std::string(what) + " is not valid JSON: " + e.what(), "");
    }
}

std::string type_phrase(const Json& value) {
    switch (value.type()) {
        case Json::value_t::null:
            return "null";
        case Json::value_t::object:
            return "an object";
        case Json::value_t::array:
            return "an array";
        case Json::value_t::string:
            return "a string";
        case Json::value_t::boolean:
            return "a boolean";
        case Json::value_t::number_integer:
        case Json::value_t::number_unsigned:
            return "an integer";
        case Json::value_t::number_float:
            return "a number";
        case Json::value_t::binary:
        case Json::value_t::discarded:
            break;
    }
    return "an unknown value";
}

ObjectReader::ObjectReader(const Json& object, std::string path) : object_(object), path_(std::move(path)) {
    if (!object_.is_object()) {
        fail("Invalid type for '" + (path_.empty() ? std::string("request body") : path_) +
                 "': expected an object, but got " + type_phrase(object_) + " instead.",
             path_, "invalid_type");
    }
}

const Json* ObjectReader::find(std::string_view key) const {
    auto it = object_.find(key);
    if (it == object_.end() || it->is_null()) return nullptr;
    return &*it;
}

std::string ObjectReader::param(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

void ObjectReader::type_error(std::string_view key, const char* expected, const Json& got) const {
    fail("Invalid type for '" + param(key) + "': expected " + expected + ", but got " + type_phrase(got) +
             " instead.",
         param(key), "invalid_type");
}

std::optional<std::string> ObjectReader::string(std::string_view key) const {
    const Json* v = find(key);
    if (!v) return std::nullopt;
    if (!v->is_string()) type_error(key, "a string", *v);
    return v->get<std::string>();
}

std::string ObjectReader::required_string(std::string_view key) const {
    auto v = string(key);
    if (!v)
        fail("Missing required parameter: '" + param(key) + "'.", param(key), "missing_required_parameter");
    return *v;
}

std::optional<double> ObjectReader::number(std::string_view key) const {
    const Json* v = find(key);
    if (!v) return std::nullopt;
    if (!v->is_number()) type_error(key, "a number", *v);
    return v->get<double>();
}

std::optional<float> ObjectReader::float_number(std::string_view key) const {
    auto v = number(key);
    if (!v) return std::nullopt;
    if (std::abs(*v) > static_cast<double>(std::numeric_limits<float>::max())) {
        fail("'" + param(key) + "' is out of range", param(key), "invalid_value");
    }
    return static_cast<float>(*v);
}

std::optional<int64_t> ObjectReader::integer(std::string_view key) const {
    const Json* v = find(key);
    if (!v) return std::nullopt;
    if (v->is_number_integer()) return v->get<int64_t>();
    if (v->is_number_unsigned()) {
        const uint64_t u = v->get<uint64_t>();
        if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
            fail("'" + param(key) + "' is out of range", param(key), "invalid_value");
        }
        return static_cast<int64_t>(u);
    }
    if (v->is_number_float()) {
        const double d = v->get<double>();
        if (std::isfinite(d) && d == std::floor(d) && std::abs(d) < 9.0e15) return static_cast<int64_t>(d);
    }
    type_error(key, "an integer", *v);
}

std::optional<int32_t> ObjectReader::int32(std::string_view key) const {
    auto v = integer(key);
    if (!v) return std::nullopt;
    if (*v < std::numeric_limits<int32_t>::min() || *v > std::numeric_limits<int32_t>::max()) {
        fail("'" + param(key) + "' is out of range: " + std::to_string(*v), param(key), "invalid_value");
    }
    return static_cast<int32_t>(*v);
}

std::optional<bool> ObjectReader::boolean(std::string_view key) const {
    const Json* v = find(key);
    if (!v) return std::nullopt;
    if (!v->is_boolean()) type_error(key, "a boolean", *v);
    return v->get<bool>();
}

std::optional<std::string> ObjectReader::json_text(std::string_view key) const {
    const Json* v = find(key);
    if (!v) return std::nullopt;
    return dump(*v);
}

std::optional<std::string> ObjectReader::object_text(std::string_view key) const {
    const Json* v = find(key);
    if (!v) return std::nullopt;
    if (!v->is_object()) type_error(key, "an object", *v);
    return dump(*v);
}

std::vector<std::string> ObjectReader::string_or_list(std::string_view key) const {
    const Json* v = find(key);
    if (!v) return {};
    if (v->is_string()) return {v->get<std::string>()};
    if (!v->is_array()) type_error(key, "a string or an array of strings", *v);
    std::vector<std::string> out;
    for (size_t i = 0; i < v->size(); ++i) {
        const Json& item = (*v)[i];
        if (!item.is_string()) {
            fail("Invalid type for '" + param(key) + "[" + std::to_string(i) +
                     "]': expected a string, but got " + type_phrase(item) + " instead.",
                 param(key) + "[" + std::to_string(i) + "]", "invalid_type");
        }
        out.push_back(item.get<std::string>());
    }
    return out;
}

std::vector<int64_t> ObjectReader::integer_list(std::string_view key) const {
    const Json* v = find(key);
    if (!v) return {};
    if (!v->is_array()) type_error(key, "an array of integers", *v);
    std::vector<int64_t> out;
    for (size_t i = 0; i < v->size(); ++i) {
        const Json& item = (*v)[i];
        if (!item.is_number_integer() && !item.is_number_unsigned()) {
            fail("Invalid type for '" + param(key) + "[" + std::to_string(i) +
                     "]': expected an integer, but got " + type_phrase(item) + " instead.",
                 param(key) + "[" + std::to_string(i) + "]", "invalid_type");
        }
        out.push_back(item.get<int64_t>());
    }
    return out;
}

Json json_from_text(const std::optional<std::string>& text) {
    if (!text) return nullptr;
    Json value = Json::parse(*text, nullptr, false);
    if (value.is_discarded()) return Json(*text);  // not JSON (a struct built in code): keep it as a string
    return value;
}

std::string dump(const Json& value) {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Json float_json(float value) {
    char buffer[64];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
    if (ec != std::errc()) return static_cast<double>(value);
    double d = 0.0;
    std::from_chars(buffer, end, d);
    return d;
}

}  // namespace vela::openai::codec
