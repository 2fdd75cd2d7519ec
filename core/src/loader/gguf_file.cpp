#include "loader/gguf_file.h"

#include <array>
#include <bit>
#include <cstring>
#include <limits>
#include <utility>

namespace vela {

static_assert(std::endian::native == std::endian::little, "the GGUF reader assumes a little-endian host");

namespace {

constexpr std::array<char, 4> kGgufMagic = {'G', 'G', 'U', 'F'};
constexpr uint32_t kMaxDims = 4;
// Nesting deeper than this is no real metadata and would only risk the stack.
constexpr size_t kMaxArrayDepth = 8;
// Bounds the memory of parsed metadata; real vocabularies hold a few million elements at most.
constexpr uint64_t kMaxMetadataElements = uint64_t{1} << 24;
// Smallest encodings, used to reject counts that cannot fit in the bytes left before reading them.
constexpr uint64_t kMinKvBytes = 8 + 1 + 4 + 1;                  // key length, 1-byte key, type, 1-byte value
constexpr uint64_t kMinTensorInfoBytes = 8 + 1 + 4 + 8 + 4 + 8;  // name, n_dims, one dim, type, offset

// Block layouts of the GGUF tensor types vela does not compute with, so their sizes can still be
// validated and their bytes located. (Layouts of the supported types come from dtype.h.)
struct BlockLayout {
    uint32_t ggml_id;
    int64_t block_elems;
    int64_t block_bytes;
};
constexpr std::array<BlockLayout, 19> kForeignLayouts = {{
    {9, 32, 36},     // q8_1
    {10, 256, 84},   // q2_K
    {11, 256, 110},  // q3_K
    {16, 256, 66},   // iq2_xxs
    {17, 256, 74},   // iq2_xs
    {18, 256, 98},   // iq3_xxs
    {19, 256, 50},   // iq1_s
    {20, 32, 18},    // iq4_nl
    {21, 256, 110},  // iq3_s
    {22, 256, 82},   // iq2_s
    {23, 256, 136},  // iq4_xs
    {24, 1, 1},      // i8
    {25, 1, 2},      // i16
    {27, 1, 8},      // i64
    {28, 1, 8},      // f64
    {29, 256, 56},   // iq1_m
    {34, 256, 54},   // tq1_0
    {35, 256, 66},   // tq2_0
    {39, 32, 17},    // mxfp4
}};

// The dtypes a model file may use, in the order error messages list them.
constexpr std::array<DType, 11> kFileDTypes = {DType::F32,  DType::F16,  DType::BF16, DType::Q8_0,
                                               DType::Q4_0, DType::Q4_1, DType::Q5_0, DType::Q5_1,
                                               DType::Q4_K, DType::Q5_K, DType::Q6_K};

std::optional<BlockLayout> layout_of(uint32_t ggml_id) {
    if (std::optional<DType> d = dtype_from_ggml(ggml_id)) {
        const DTypeTraits& t = traits(*d);
        return BlockLayout{ggml_id, t.block_elems, t.block_bytes};
    }
    for (const BlockLayout& l : kForeignLayouts) {
        if (l.ggml_id == ggml_id) return l;
    }
    return std::nullopt;
}

std::optional<uint64_t> checked_mul(uint64_t a, uint64_t b) {
    uint64_t r = 0;
    if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
    return r;
}

std::optional<uint64_t> checked_add(uint64_t a, uint64_t b) {
    uint64_t r = 0;
    if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
    return r;
}

// The smallest number of bytes one element of `type` takes in a file.
uint64_t min_encoded_size(GgufType type) {
    if (type == GgufType::String) return 8;
    if (type == GgufType::Array) return 4 + 8;
    return gguf_scalar_size(type);
}

std::string hex_bytes(const std::byte* p, size_t n) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (size_t i = 0; i < n; ++i) {
        if (i > 0) out += ' ';
        const auto b = static_cast<unsigned>(p[i]);
        out += kHex[b >> 4];
        out += kHex[b & 15];
    }
    return out;
}

std::string in_quotes(std::string_view s) {
    return "'" + std::string(s) + "'";
}

// A bounds-checked little-endian reader over the mapped bytes with a sticky error: after the first
// failure every read returns a zero value, so parsing code checks failed() once per logical item.
class Reader {
  public:
    Reader(const std::byte* data, uint64_t size, std::string path)
        : data_(data), size_(size), path_(std::move(path)) {}

    uint64_t pos() const { return pos_; }
    uint64_t size() const { return size_; }
    uint64_t remaining() const { return size_ - pos_; }
    bool failed() const { return error_.has_value(); }
    Error take_error() { return std::move(*error_); }

    // Records the first error; the message gets the path prefix.
    void fail(Errc code, const std::string& message) {
        if (!error_) error_ = Error{code, path_ + ": " + message};
    }

    template <class T>
    T read(std::string_view what) {
        T value{};
        if (failed()) return value;
        if (remaining() < sizeof(T)) {
            fail_truncated(what, sizeof(T));
            return value;
        }
        std::memcpy(&value, data_ + pos_, sizeof(T));
        pos_ += sizeof(T);
        return value;
    }

    std::string read_string(std::string_view what) {
        const uint64_t at = pos_;
        const auto n = read<uint64_t>(what);
        if (failed()) return {};
        if (n > remaining()) {
            fail(Errc::Corrupt, std::string(what) + " at byte " + std::to_string(at) + " claims " +
                                    std::to_string(n) + " bytes but only " + std::to_string(remaining()) +
                                    " bytes remain in the file (truncated or corrupt file)");
            return {};
        }
        std::string s(reinterpret_cast<const char*>(data_ + pos_), static_cast<size_t>(n));
        pos_ += n;
        return s;
    }

  private:
    void fail_truncated(std::string_view what, uint64_t n) {
        fail(Errc::Corrupt, "truncated file: " + std::string(what) + " at byte " + std::to_string(pos_) +
                                " needs " + std::to_string(n) + " bytes but the file ends at byte " +
                                std::to_string(size_) + " (incomplete download?)");
    }

    const std::byte* data_;
    uint64_t size_;
    uint64_t pos_ = 0;
    std::string path_;
    std::optional<Error> error_;
};

}  // namespace

// Parses a mapped file into a GgufFile; a friend of GgufFile so it fills the private members.
class GgufParser {
  public:
    explicit GgufParser(MappedFile file)
        : out_(std::move(file)), r_(out_.file_.data(), out_.file_.size(), out_.file_.path().string()) {}

    Result<GgufFile> parse() {
        if (!read_header()) return r_.take_error();
        for (uint64_t i = 0; i < n_kv_; ++i) {
            if (!read_kv(i)) return r_.take_error();
        }
        if (!read_alignment()) return r_.take_error();
        for (uint64_t i = 0; i < n_tensors_; ++i) {
            if (!read_tensor_info(i)) return r_.take_error();
        }
        if (!check_tensor_data()) return r_.take_error();
        return std::move(out_);
    }

  private:
    bool read_header() {
        if (r_.size() < kGgufMagic.size() ||
            std::memcmp(out_.file_.data(), kGgufMagic.data(), kGgufMagic.size()) != 0) {
            const size_t n = std::min<size_t>(r_.size(), 4);
            r_.fail(Errc::InvalidArgument,
                    "not a GGUF file: expected the magic \"GGUF\" (47 47 55 46) at byte 0, found " +
                        (n == 0 ? std::string("an empty file") : hex_bytes(out_.file_.data(), n)));
            return false;
        }
        (void)r_.read<uint32_t>("magic");
        const auto version = r_.read<uint32_t>("GGUF version");
        if (r_.failed()) return false;
        if (version == 1) {
            r_.fail(Errc::Unsupported,
                    "GGUF version 1 is not supported (vela reads versions 2 and 3); re-convert the model "
                    "with a current llama.cpp");
            return false;
        }
        if (version != 0 && (version & 0xffffu) == 0) {
            r_.fail(Errc::Unsupported, "big-endian GGUF files are not supported (version field " +
                                           std::to_string(version) + "); use a little-endian conversion");
            return false;
        }
        if (version != 2 && version != 3) {
            r_.fail(Errc::Unsupported, "GGUF version " + std::to_string(version) +
                                           " is not supported (vela reads versions 2 and 3)");
            return false;
        }
        out_.version_ = version;
        n_tensors_ = r_.read<uint64_t>("tensor count");
        n_kv_ = r_.read<uint64_t>("metadata entry count");
        if (r_.failed()) return false;
        if (n_kv_ > r_.remaining() / kMinKvBytes) {
            r_.fail(Errc::Corrupt, "the header claims " + std::to_string(n_kv_) +
                                       " metadata entries, but the remaining " +
                                       std::to_string(r_.remaining()) + " bytes cannot hold that many");
            return false;
        }
        if (n_tensors_ > r_.remaining() / kMinTensorInfoBytes) {
            r_.fail(Errc::Corrupt, "the header claims " + std::to_string(n_tensors_) +
                                       " tensors, but the remaining " + std::to_string(r_.remaining()) +
                                       " bytes cannot hold that many tensor infos");
            return false;
        }
        return true;
    }

    bool read_kv(uint64_t index) {
        const std::string what = "metadata entry #" + std::to_string(index);
        std::string key = r_.read_string(what + " key");
        const auto type_id = r_.read<uint32_t>("type of metadata key " + in_quotes(key));
        if (r_.failed()) return false;
        if (type_id >= kGgufTypeCount) {
            r_.fail(Errc::Corrupt, "metadata key " + in_quotes(key) + " has value type " +
                                       std::to_string(type_id) + ", expected 0 to " +
                                       std::to_string(kGgufTypeCount - 1));
            return false;
        }
        GgufValue value = read_value(static_cast<GgufType>(type_id), key, 0);
        if (r_.failed()) return false;
        if (auto it = out_.key_index_.find(key); it != out_.key_index_.end()) {
            r_.fail(Errc::Corrupt, "metadata key " + in_quotes(key) + " appears twice (entries #" +
                                       std::to_string(it->second) + " and #" + std::to_string(index) + ")");
            return false;
        }
        out_.key_index_.emplace(key, out_.keys_.size());
        out_.keys_.push_back(std::move(key));
        out_.values_.push_back(std::move(value));
        return true;
    }

    GgufValue read_value(GgufType type, const std::string& key, size_t depth) {
        const std::string what = "value of metadata key " + in_quotes(key);
        switch (type) {
            case GgufType::UInt8:
                return GgufValue::uint8(r_.read<uint8_t>(what));
            case GgufType::Int8:
                return GgufValue::int8(r_.read<int8_t>(what));
            case GgufType::UInt16:
                return GgufValue::uint16(r_.read<uint16_t>(what));
            case GgufType::Int16:
                return GgufValue::int16(r_.read<int16_t>(what));
            case GgufType::UInt32:
                return GgufValue::uint32(r_.read<uint32_t>(what));
            case GgufType::Int32:
                return GgufValue::int32(r_.read<int32_t>(what));
            case GgufType::Float32:
                return GgufValue::float32(r_.read<float>(what));
            case GgufType::UInt64:
                return GgufValue::uint64(r_.read<uint64_t>(what));
            case GgufType::Int64:
                return GgufValue::int64(r_.read<int64_t>(what));
            case GgufType::Float64:
                return GgufValue::float64(r_.read<double>(what));
            case GgufType::String:
                return GgufValue::string(r_.read_string(what));
            case GgufType::Bool: {
                const uint64_t at = r_.pos();
                const auto b = r_.read<uint8_t>(what);
                if (b > 1)
                    r_.fail(Errc::Corrupt, "bool " + what + " at byte " + std::to_string(at) + " is " +
                                               std::to_string(b) + ", expected 0 or 1");
                return GgufValue::boolean(b == 1);
            }
            case GgufType::Array:
                return read_array(key, depth);
        }
        return {};
    }

    GgufValue read_array(const std::string& key, size_t depth) {
        const std::string what = "array of metadata key " + in_quotes(key);
        const auto type_id = r_.read<uint32_t>("element type of " + what);
        const uint64_t at = r_.pos();
        const auto count = r_.read<uint64_t>("length of " + what);
        if (r_.failed()) return {};
        if (type_id >= kGgufTypeCount) {
            r_.fail(Errc::Corrupt, what + " has element type " + std::to_string(type_id) +
                                       ", expected 0 to " + std::to_string(kGgufTypeCount - 1));
            return {};
        }
        const auto type = static_cast<GgufType>(type_id);
        if (type == GgufType::Array && depth + 1 >= kMaxArrayDepth) {
            r_.fail(Errc::Unsupported,
                    what + " nests arrays more than " + std::to_string(kMaxArrayDepth) + " levels deep");
            return {};
        }
        const uint64_t min_size = min_encoded_size(type);
        if (count > r_.remaining() / min_size) {
            r_.fail(Errc::Corrupt, what + " at byte " + std::to_string(at) + " claims " +
                                       std::to_string(count) + " elements of type " +
                                       std::string(to_string(type)) + " (at least " +
                                       std::to_string(min_size) + " bytes each) but only " +
                                       std::to_string(r_.remaining()) + " bytes remain in the file");
            return {};
        }
        n_elements_ += count;
        if (n_elements_ > kMaxMetadataElements) {
            r_.fail(Errc::Unsupported, what + " brings the metadata to " + std::to_string(n_elements_) +
                                           " array elements, more than vela's limit of " +
                                           std::to_string(kMaxMetadataElements));
            return {};
        }
        std::vector<GgufValue> elements;
        elements.reserve(static_cast<size_t>(count));
        for (uint64_t i = 0; i < count && !r_.failed(); ++i)
            elements.push_back(read_value(type, key, depth + 1));
        if (r_.failed()) return {};
        return GgufValue::array(type, std::move(elements));
    }

    bool read_alignment() {
        const GgufValue* v = out_.find("general.alignment");
        if (v == nullptr) return true;
        const std::optional<uint64_t> a = v->as_uint();
        if (!a) {
            r_.fail(Errc::Corrupt, "general.alignment must be an unsigned integer, found " + v->describe());
            return false;
        }
        if (*a == 0 || !std::has_single_bit(*a) || *a > (uint64_t{1} << 30)) {
            r_.fail(Errc::Corrupt, "general.alignment is " + std::to_string(*a) +
                                       ", expected a power of two between 1 and 2^30");
            return false;
        }
        out_.alignment_ = static_cast<size_t>(*a);
        return true;
    }

    bool read_tensor_info(uint64_t index) {
        GgufTensorInfo info;
        info.name = r_.read_string("name of tensor #" + std::to_string(index));
        const std::string what = "tensor " + in_quotes(info.name);
        const auto n_dims = r_.read<uint32_t>("n_dims of " + what);
        if (r_.failed()) return false;
        if (n_dims == 0 || n_dims > kMaxDims) {
            r_.fail(Errc::Corrupt, what + " has " + std::to_string(n_dims) + " dimensions, expected 1 to " +
                                       std::to_string(kMaxDims));
            return false;
        }
        std::vector<int64_t> dims;  // innermost first, as stored
        for (uint32_t d = 0; d < n_dims; ++d) {
            const auto dim = r_.read<uint64_t>("dimension " + std::to_string(d) + " of " + what);
            if (r_.failed()) return false;
            if (dim == 0 || dim > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
                r_.fail(Errc::Corrupt, what + " has dimension " + std::to_string(d) + " of size " +
                                           std::to_string(static_cast<int64_t>(dim)) +
                                           ", expected a positive size");
                return false;
            }
            dims.push_back(static_cast<int64_t>(dim));
        }
        info.ggml_type = r_.read<uint32_t>("type of " + what);
        info.offset = r_.read<uint64_t>("data offset of " + what);
        if (r_.failed()) return false;
        if (out_.tensor_index_.count(info.name) != 0) {
            r_.fail(Errc::Corrupt, what + " appears twice (tensor #" +
                                       std::to_string(out_.tensor_index_.at(info.name)) + " and #" +
                                       std::to_string(index) + ")");
            return false;
        }
        info.dtype = dtype_from_ggml(info.ggml_type);
        info.shape.assign(dims.rbegin(), dims.rend());
        if (!compute_size(info, dims)) return false;
        out_.tensor_index_.emplace(info.name, out_.tensors_.size());
        out_.tensors_.push_back(std::move(info));
        return true;
    }

    // Sets info.n_bytes from its shape and type; rejects overflow and rows that are not whole blocks.
    bool compute_size(GgufTensorInfo& info, const std::vector<int64_t>& dims) {
        const std::string what = "tensor " + in_quotes(info.name);
        uint64_t n_elements = 1;
        for (int64_t d : dims) {
            std::optional<uint64_t> n = checked_mul(n_elements, static_cast<uint64_t>(d));
            if (!n || *n > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
                r_.fail(Errc::Corrupt, what + " has more elements than fit in 63 bits (corrupt dimensions)");
                return false;
            }
            n_elements = *n;
        }
        const std::optional<BlockLayout> layout = layout_of(info.ggml_type);
        if (!layout) return true;  // unknown type: size unknown, still listed
        const auto row = static_cast<uint64_t>(dims[0]);
        const auto block_elems = static_cast<uint64_t>(layout->block_elems);
        if (row % block_elems != 0) {
            r_.fail(Errc::Corrupt, what + " of type " + ggml_type_name(info.ggml_type) + " has rows of " +
                                       std::to_string(row) +
                                       " elements, which is not a multiple of the type's " + "block size " +
                                       std::to_string(block_elems));
            return false;
        }
        std::optional<uint64_t> n_bytes =
            checked_mul(n_elements / block_elems, static_cast<uint64_t>(layout->block_bytes));
        if (!n_bytes) {
            r_.fail(Errc::Corrupt, what + " has more bytes than fit in 64 bits (corrupt dimensions)");
            return false;
        }
        info.n_bytes = *n_bytes;
        return true;
    }

    bool check_tensor_data() {
        const uint64_t align = out_.alignment_;
        std::optional<uint64_t> start = checked_add(r_.pos(), align - 1);
        if (!start) return false;  // unreachable: pos <= file size and align <= 2^30
        out_.data_offset_ = *start / align * align;
        for (const GgufTensorInfo& t : out_.tensors_) {
            const std::string what = "tensor " + in_quotes(t.name);
            if (t.offset % align != 0) {
                r_.fail(Errc::Corrupt, what + " has data offset " + std::to_string(t.offset) +
                                           ", which is not a multiple of the alignment " +
                                           std::to_string(align));
                return false;
            }
            std::optional<uint64_t> begin = checked_add(out_.data_offset_, t.offset);
            std::optional<uint64_t> end = begin ? checked_add(*begin, t.n_bytes) : std::nullopt;
            if (!end || *end > r_.size()) {
                r_.fail(Errc::Corrupt, what + " data ends at byte " +
                                           (end ? std::to_string(*end) : std::string("beyond 2^64")) +
                                           " but the file has " + std::to_string(r_.size()) +
                                           " bytes (truncated download?)");
                return false;
            }
        }
        return true;
    }

    GgufFile out_;
    Reader r_;
    uint64_t n_tensors_ = 0;
    uint64_t n_kv_ = 0;
    uint64_t n_elements_ = 0;  // array elements read so far, across all metadata
};

Result<GgufFile> GgufFile::open(const std::filesystem::path& path) {
    Result<MappedFile> file = MappedFile::open(path);
    if (!file) return std::move(file).error();
    return GgufParser(std::move(*file)).parse();
}

const GgufValue* GgufFile::find(std::string_view key) const {
    auto it = key_index_.find(key);
    return it == key_index_.end() ? nullptr : &values_[it->second];
}

std::optional<std::string> GgufFile::get_string(std::string_view key) const {
    const GgufValue* v = find(key);
    if (v == nullptr || v->as_string() == nullptr) return std::nullopt;
    return *v->as_string();
}

std::optional<int64_t> GgufFile::get_int(std::string_view key) const {
    const GgufValue* v = find(key);
    return v == nullptr ? std::nullopt : v->as_int();
}

std::optional<double> GgufFile::get_float(std::string_view key) const {
    const GgufValue* v = find(key);
    return v == nullptr ? std::nullopt : v->as_float();
}

std::optional<bool> GgufFile::get_bool(std::string_view key) const {
    const GgufValue* v = find(key);
    return v == nullptr ? std::nullopt : v->as_bool();
}

const GgufTensorInfo* GgufFile::find_tensor(std::string_view name) const {
    auto it = tensor_index_.find(name);
    return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

Result<TensorView> GgufFile::tensor_view(std::string_view name) const {
    const GgufTensorInfo* info = find_tensor(name);
    if (info == nullptr)
        return Error{Errc::NotFound, path().string() + ": no tensor named " + in_quotes(name) +
                                         " (the file has " + std::to_string(tensors_.size()) + " tensors)"};
    if (!info->dtype) {
        std::string supported;
        for (DType d : kFileDTypes)
            supported += (supported.empty() ? "" : ", ") + std::string(to_string(d));
        const std::string type_name = ggml_type_name(info->ggml_type);
        const std::string type =
            layout_of(info->ggml_type) ? "type " + type_name : "an unknown ggml " + type_name;
        return Error{Errc::Unsupported, path().string() + ": tensor " + in_quotes(name) + " has " + type +
                                            ", which vela does not support (supported: " + supported + ")"};
    }
    return TensorView(*info->dtype, info->shape, tensor_bytes(*info).data());
}

std::span<const std::byte> GgufFile::tensor_bytes(const GgufTensorInfo& info) const {
    if (info.n_bytes == 0) return {};
    return {file_.data() + data_offset_ + info.offset, static_cast<size_t>(info.n_bytes)};
}

}  // namespace vela
