#include "loader/gguf_writer.h"

#include <bit>
#include <cstring>
#include <fstream>
#include <set>
#include <system_error>

#include "loader/gguf_file.h"
#include "tensor/tensor_view.h"

namespace vela {

static_assert(std::endian::native == std::endian::little, "the GGUF writer assumes a little-endian host");

namespace {

constexpr uint32_t kWriteVersion = 3;

uint64_t align_up(uint64_t n, uint64_t align) {
    return (n + align - 1) / align * align;
}

// Little-endian serialization onto an ostream; the stream's state records any failure.
class Out {
  public:
    explicit Out(std::ostream& os) : os_(os) {}

    template <class T>
    void put(T v) {
        char buf[sizeof(T)];
        std::memcpy(buf, &v, sizeof(T));
        os_.write(buf, sizeof(T));
        pos_ += sizeof(T);
    }
    void bytes(const void* p, size_t n) {
        os_.write(static_cast<const char*>(p), static_cast<std::streamsize>(n));
        pos_ += n;
    }
    void str(std::string_view s) {
        put<uint64_t>(s.size());
        bytes(s.data(), s.size());
    }
    void pad_to(uint64_t align) {
        static constexpr char kZeros[64] = {};
        uint64_t n = align_up(pos_, align) - pos_;
        while (n > 0) {
            const uint64_t k = std::min<uint64_t>(n, sizeof(kZeros));
            bytes(kZeros, static_cast<size_t>(k));
            n -= k;
        }
    }
    void value(const GgufValue& v) {
        switch (v.type()) {
            case GgufType::UInt8:
                put(static_cast<uint8_t>(*v.as_uint()));
                break;
            case GgufType::Int8:
                put(static_cast<int8_t>(*v.as_int()));
                break;
            case GgufType::UInt16:
                put(static_cast<uint16_t>(*v.as_uint()));
                break;
            case GgufType::Int16:
                put(static_cast<int16_t>(*v.as_int()));
                break;
            case GgufType::UInt32:
                put(static_cast<uint32_t>(*v.as_uint()));
                break;
            case GgufType::Int32:
                put(static_cast<int32_t>(*v.as_int()));
                break;
            case GgufType::UInt64:
                put(*v.as_uint());
                break;
            case GgufType::Int64:
                put(*v.as_int());
                break;
            case GgufType::Float32:
                put(static_cast<float>(*v.as_float()));
                break;
            case GgufType::Float64:
                put(*v.as_float());
                break;
            case GgufType::Bool:
                put(static_cast<uint8_t>(*v.as_bool() ? 1 : 0));
                break;
            case GgufType::String:
                str(*v.as_string());
                break;
            case GgufType::Array:
                put(static_cast<uint32_t>(v.array_type()));
                put(static_cast<uint64_t>(v.array_size()));
                for (const GgufValue& e : v.elements())
                    value(e);
                break;
        }
    }
    uint64_t pos() const { return pos_; }

  private:
    std::ostream& os_;
    uint64_t pos_ = 0;
};

}  // namespace

void GgufWriter::set(std::string key, GgufValue value) {
    for (auto& [k, v] : metadata_) {
        if (k == key) {
            v = std::move(value);
            return;
        }
    }
    metadata_.emplace_back(std::move(key), std::move(value));
}

void GgufWriter::add_tensor(std::string name, DType dtype, std::vector<int64_t> shape,
                            std::vector<std::byte> data) {
    tensors_.push_back({std::move(name), dtype, std::move(shape), std::move(data)});
}

Result<size_t> GgufWriter::validate(const std::filesystem::path& path) const {
    const std::string where = path.string() + ": ";
    size_t alignment = kGgufDefaultAlignment;
    for (const auto& [key, value] : metadata_) {
        if (key.empty()) return Error{Errc::InvalidArgument, where + "a metadata key is empty"};
        if (key != "general.alignment") continue;
        const std::optional<uint64_t> a = value.as_uint();
        if (!a || *a == 0 || !std::has_single_bit(*a) || *a > (uint64_t{1} << 30))
            return Error{Errc::InvalidArgument, where +
                                                    "general.alignment must be an unsigned power of two "
                                                    "up to 2^30, found " +
                                                    value.describe()};
        alignment = static_cast<size_t>(*a);
    }
    std::set<std::string_view> names;
    for (const PendingTensor& t : tensors_) {
        const std::string what = where + "tensor '" + t.name + "'";
        if (!names.insert(t.name).second) return Error{Errc::InvalidArgument, what + " is added twice"};
        if (t.shape.empty() || t.shape.size() > static_cast<size_t>(kMaxRank))
            return Error{Errc::InvalidArgument, what + " has rank " + std::to_string(t.shape.size()) +
                                                    ", expected 1 to " + std::to_string(kMaxRank)};
        int64_t n_elements = 1;
        for (int64_t d : t.shape) {
            if (d <= 0 || __builtin_mul_overflow(n_elements, d, &n_elements))
                return Error{Errc::InvalidArgument, what + " has a dimension of " + std::to_string(d) +
                                                        " or too many elements; dimensions must be positive"};
        }
        const DTypeTraits& tr = traits(t.dtype);
        if (t.shape.back() % tr.block_elems != 0)
            return Error{Errc::InvalidArgument, what + " of type " + std::string(tr.name) + " has rows of " +
                                                    std::to_string(t.shape.back()) +
                                                    " elements, not a multiple of the block size " +
                                                    std::to_string(tr.block_elems)};
        const int64_t n_bytes = n_elements / tr.block_elems * tr.block_bytes;
        if (static_cast<int64_t>(t.data.size()) != n_bytes)
            return Error{Errc::InvalidArgument, what + " needs " + std::to_string(n_bytes) +
                                                    " bytes of data, got " + std::to_string(t.data.size())};
    }
    return alignment;
}

Result<void> GgufWriter::write(const std::filesystem::path& path) const {
    Result<size_t> alignment = validate(path);
    if (!alignment) return std::move(alignment).error();
    const uint64_t align = *alignment;

    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    if (!file)
        return Error{Errc::Io,
                     path.string() + ": cannot create the file (check the folder exists and is writable)"};
    Out out(file);
    out.bytes("GGUF", 4);
    out.put<uint32_t>(kWriteVersion);
    out.put<uint64_t>(tensors_.size());
    out.put<uint64_t>(metadata_.size());
    for (const auto& [key, value] : metadata_) {
        out.str(key);
        out.put(static_cast<uint32_t>(value.type()));
        out.value(value);
    }
    uint64_t offset = 0;
    for (const PendingTensor& t : tensors_) {
        out.str(t.name);
        out.put(static_cast<uint32_t>(t.shape.size()));
        for (auto it = t.shape.rbegin(); it != t.shape.rend(); ++it)
            out.put(static_cast<uint64_t>(*it));
        out.put(traits(t.dtype).ggml_id);
        out.put(offset);
        offset = align_up(offset + t.data.size(), align);
    }
    out.pad_to(align);
    for (const PendingTensor& t : tensors_) {
        out.bytes(t.data.data(), t.data.size());
        out.pad_to(align);
    }
    file.close();
    if (!file) {
        std::error_code ec;
        std::filesystem::remove(path, ec);
        return Error{Errc::Io, path.string() + ": writing the GGUF file failed (disk full?)"};
    }
    return {};
}

}  // namespace vela
