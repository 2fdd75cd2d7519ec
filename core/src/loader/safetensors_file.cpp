#include "loader/safetensors_file.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <limits>

#include "loader/json_file.h"

namespace vela {

static_assert(std::endian::native == std::endian::little,
              "the safetensors reader assumes a little-endian host");

namespace {

// The safetensors library refuses larger headers too; it bounds the memory a hostile file can cost.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;

struct DTypeEntry {
    std::string_view name;
    uint32_t size;  // bytes per element
    std::optional<DType> dtype;
};

// The element types of the safetensors format (sub-byte float types excluded: their size is not whole bytes).
constexpr std::array<DTypeEntry, 16> kDTypes = {{
    {"F32", 4, DType::F32},
    {"F16", 2, DType::F16},
    {"BF16", 2, DType::BF16},
    {"I32", 4, DType::I32},
    {"F64", 8, std::nullopt},
    {"I64", 8, std::nullopt},
    {"U64", 8, std::nullopt},
    {"U32", 4, std::nullopt},
    {"I16", 2, std::nullopt},
    {"U16", 2, std::nullopt},
    {"I8", 1, std::nullopt},
    {"U8", 1, std::nullopt},
    {"BOOL", 1, std::nullopt},
    {"F8_E4M3", 1, std::nullopt},
    {"F8_E5M2", 1, std::nullopt},
    {"F8_E8M0", 1, std::nullopt},
}};

const DTypeEntry* find_dtype(std::string_view name) {
    for (const DTypeEntry& e : kDTypes) {
        if (e.name == name) return &e;
    }
    return nullptr;
}

std::string in_quotes(std::string_view s) {
    return "'" + std::string(s) + "'";
}

// A short rendering of a JSON value for messages.
std::string brief(const nlohmann::json& j) {
    std::string s = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

std::string shape_text(const std::vector<int64_t>& shape) {
    std::string out = "[";
    for (size_t i = 0; i < shape.size(); ++i)
        out += (i > 0 ? ", " : "") + std::to_string(shape[i]);
    return out + "]";
}

}  // namespace

std::optional<uint32_t> safetensors_dtype_size(std::string_view name) {
    const DTypeEntry* e = find_dtype(name);
    return e == nullptr ? std::nullopt : std::optional<uint32_t>(e->size);
}

std::optional<std::string_view> safetensors_dtype_name(DType dtype) {
    for (const DTypeEntry& e : kDTypes) {
        if (e.dtype == dtype) return e.name;
    }
    return std::nullopt;
}

// Parses a mapped file into a SafetensorsFile; a friend of SafetensorsFile so it fills the members.
class SafetensorsParser {
  public:
    explicit SafetensorsParser(MappedFile file)
        : out_(std::move(file)), where_(out_.path().string() + ": ") {}

    Result<SafetensorsFile> parse() {
        const uint64_t size = out_.file_.size();
        if (size < 8)
            return corrupt("the file has " + std::to_string(size) +
                           " bytes, too few for a safetensors file (it starts with an 8-byte header length)");
        uint64_t n_header = 0;
        std::memcpy(&n_header, out_.file_.data(), 8);
        if (n_header > size - 8)
            return corrupt("the header length " + std::to_string(n_header) +
                           " runs past the end of the file (" + std::to_string(size) +
                           " bytes; truncated download, or not a safetensors file?)");
        if (n_header > kMaxHeaderBytes)
            return corrupt("the header length " + std::to_string(n_header) + " exceeds the limit of " +
                           std::to_string(kMaxHeaderBytes) + " bytes (not a safetensors file?)");
        out_.data_offset_ = 8 + n_header;
        data_size_ = size - out_.data_offset_;

        const auto* text = reinterpret_cast<const char*>(out_.file_.data()) + 8;
        Result<nlohmann::json> header = parse_json(std::string_view(text, static_cast<size_t>(n_header)),
                                                   out_.path().string() + " (JSON header)");
        if (!header) return std::move(header).error();
        if (!header->is_object())
            return corrupt("the JSON header must be an object, found " + std::string(header->type_name()));
        for (const auto& [key, value] : header->items()) {
            Result<void> ok = key == "__metadata__" ? read_metadata(value) : read_tensor(key, value);
            if (!ok) return std::move(ok).error();
        }
        if (Result<void> ok = check_overlaps(); !ok) return std::move(ok).error();
        for (size_t i = 0; i < out_.tensors_.size(); ++i)
            out_.tensor_index_.emplace(out_.tensors_[i].name, i);
        return std::move(out_);
    }

  private:
    Error corrupt(const std::string& message) const { return Error{Errc::Corrupt, where_ + message}; }

    Result<void> read_metadata(const nlohmann::json& value) {
        if (!value.is_object())
            return corrupt("__metadata__ must be an object of strings, found " +
                           std::string(value.type_name()));
        for (const auto& [k, v] : value.items()) {
            if (!v.is_string())
                return corrupt("__metadata__ entry " + in_quotes(k) + " must be a string, found " + brief(v));
            out_.metadata_.emplace(k, v.get<std::string>());
        }
        return {};
    }

    Result<void> read_tensor(const std::string& name, const nlohmann::json& value) {
        const std::string what = "tensor " + in_quotes(name);
        if (!value.is_object()) return corrupt(what + " must be an object, found " + brief(value));
        SafetensorsTensorInfo info;
        info.name = name;

        const auto dtype = value.find("dtype");
        if (dtype == value.end() || !dtype->is_string())
            return corrupt(what + " needs a string \"dtype\", found " +
                           (dtype == value.end() ? std::string("none") : brief(*dtype)));
        info.dtype_name = dtype->get<std::string>();
        const DTypeEntry* entry = find_dtype(info.dtype_name);
        if (entry != nullptr) info.dtype = entry->dtype;

        const auto shape = value.find("shape");
        if (shape == value.end() || !shape->is_array())
            return corrupt(what + " needs a \"shape\" array, found " +
                           (shape == value.end() ? std::string("none") : brief(*shape)));
        uint64_t n_elements = 1;
        for (const nlohmann::json& d : *shape) {
            if (!d.is_number_unsigned() || d.get<uint64_t>() > uint64_t{std::numeric_limits<int64_t>::max()})
                return corrupt(what + " has shape " + brief(*shape) + ", expected non-negative integers");
            const uint64_t dim = d.get<uint64_t>();
            if (__builtin_mul_overflow(n_elements, dim, &n_elements))
                return corrupt(what + " has shape " + brief(*shape) + ", more elements than fit in 64 bits");
            info.shape.push_back(static_cast<int64_t>(dim));
        }

        const auto offsets = value.find("data_offsets");
        if (offsets == value.end() || !offsets->is_array() || offsets->size() != 2 ||
            !(*offsets)[0].is_number_unsigned() || !(*offsets)[1].is_number_unsigned())
            return corrupt(what + " needs \"data_offsets\" [begin, end] of non-negative integers, found " +
                           (offsets == value.end() ? std::string("none") : brief(*offsets)));
        info.begin = (*offsets)[0].get<uint64_t>();
        info.end = (*offsets)[1].get<uint64_t>();
        const std::string range = "[" + std::to_string(info.begin) + ", " + std::to_string(info.end) + "]";
        if (info.begin > info.end) return corrupt(what + " has data_offsets " + range + ", end before begin");
        if (info.end > data_size_)
            return corrupt(what + " has data_offsets " + range + " past the end of the data section (" +
                           std::to_string(data_size_) + " bytes; truncated download?)");
        if (entry != nullptr) {
            uint64_t n_bytes = 0;
            if (__builtin_mul_overflow(n_elements, uint64_t{entry->size}, &n_bytes) ||
                n_bytes != info.end - info.begin)
                return corrupt(what + " (" + info.dtype_name + " " + shape_text(info.shape) + ") needs " +
                               std::to_string(n_elements) + " x " + std::to_string(entry->size) +
                               " bytes, but its data_offsets " + range + " span " +
                               std::to_string(info.end - info.begin) + " bytes");
        }
        out_.tensors_.push_back(std::move(info));
        return {};
    }

    // Sorts the tensors into data order and rejects any two non-empty tensors sharing bytes.
    Result<void> check_overlaps() {
        auto& t = out_.tensors_;
        std::sort(t.begin(), t.end(), [](const SafetensorsTensorInfo& a, const SafetensorsTensorInfo& b) {
            return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
        });
        const SafetensorsTensorInfo* previous = nullptr;
        for (const SafetensorsTensorInfo& info : t) {
            if (info.begin == info.end) continue;
            if (previous != nullptr && info.begin < previous->end)
                return corrupt("tensors " + in_quotes(previous->name) + " (bytes " +
                               std::to_string(previous->begin) + " to " + std::to_string(previous->end) +
                               ") and " + in_quotes(info.name) + " (bytes " + std::to_string(info.begin) +
                               " to " + std::to_string(info.end) + ") overlap");
            previous = &info;
        }
        return {};
    }

    SafetensorsFile out_;
    std::string where_;
    uint64_t data_size_ = 0;
};

Result<SafetensorsFile> SafetensorsFile::open(const std::filesystem::path& path) {
    Result<MappedFile> file = MappedFile::open(path);
    if (!file) return std::move(file).error();
    return SafetensorsParser(std::move(*file)).parse();
}

const SafetensorsTensorInfo* SafetensorsFile::find_tensor(std::string_view name) const {
    auto it = tensor_index_.find(name);
    return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

Result<TensorView> SafetensorsFile::tensor_view(std::string_view name) const {
    const std::string where = path().string() + ": tensor " + in_quotes(name);
    const SafetensorsTensorInfo* info = find_tensor(name);
    if (info == nullptr)
        return Error{Errc::NotFound, path().string() + ": no tensor named " + in_quotes(name) +
                                         " (the file has " + std::to_string(tensors_.size()) + " tensors)"};
    if (!info->dtype)
        return Error{Errc::Unsupported, where + " has dtype " + info->dtype_name +
                                            ", which vela does not support (supported: F32, F16, BF16, I32)"};
    if (info->shape.size() > static_cast<size_t>(kMaxRank))
        return Error{Errc::Unsupported, where + " has " + std::to_string(info->shape.size()) +
                                            " dimensions; vela supports at most " + std::to_string(kMaxRank)};
    const uint64_t at = data_offset_ + info->begin;
    const auto element_size = static_cast<uint64_t>(traits(*info->dtype).block_bytes);
    if (at % element_size != 0)
        return Error{Errc::Unsupported, where + " starts at file byte " + std::to_string(at) +
                                            ", not a multiple of its " + std::to_string(element_size) +
                                            "-byte elements (re-save the file with the safetensors library)"};
    static constexpr int64_t kScalarShape[] = {1};
    std::span<const int64_t> shape =
        info->shape.empty() ? std::span<const int64_t>(kScalarShape) : info->shape;
    return TensorView(*info->dtype, shape, file_.data() + at);
}

std::span<const std::byte> SafetensorsFile::tensor_bytes(const SafetensorsTensorInfo& info) const {
    if (info.end == info.begin) return {};
    return {file_.data() + data_offset_ + info.begin, static_cast<size_t>(info.end - info.begin)};
}

}  // namespace vela
