#include "loader/safetensors_writer.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "loader/safetensors_file.h"
#include "loader/safetensors_set.h"

namespace vela {
namespace {

using nlohmann::ordered_json;

Result<void> write_bytes(const std::filesystem::path& path, const std::string& head,
                         const std::vector<const std::vector<std::byte>*>& blobs) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out)
        return Error{Errc::Io,
                     path.string() + ": cannot create the file (check the folder exists and is writable)"};
    out.write(head.data(), static_cast<std::streamsize>(head.size()));
    for (const auto* blob : blobs)
        out.write(reinterpret_cast<const char*>(blob->data()), static_cast<std::streamsize>(blob->size()));
    out.close();
    if (!out) {
        std::error_code ec;
        std::filesystem::remove(path, ec);
        return Error{Errc::Io, path.string() + ": writing failed (disk full?)"};
    }
    return {};
}

std::string shard_name(size_t i, size_t n) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "model-%05zu-of-%05zu.safetensors", i + 1, n);
    return buf;
}

}  // namespace

void SafetensorsWriter::set_metadata(std::string key, std::string value) {
    for (auto& [k, v] : metadata_) {
        if (k == key) {
            v = std::move(value);
            return;
        }
    }
    metadata_.emplace_back(std::move(key), std::move(value));
}

void SafetensorsWriter::add_tensor(std::string name, DType dtype, std::vector<int64_t> shape,
                                   std::vector<std::byte> data) {
    tensors_.push_back({std::move(name), dtype, std::move(shape), std::move(data)});
}

Result<void> SafetensorsWriter::validate(const std::filesystem::path& target) const {
    std::set<std::string_view> names;
    for (const PendingTensor& t : tensors_) {
        const std::string what = target.string() + ": tensor '" + t.name + "'";
        if (t.name.empty() || t.name == "__metadata__")
            return Error{Errc::InvalidArgument, what + " has a reserved or empty name"};
        if (!names.insert(t.name).second) return Error{Errc::InvalidArgument, what + " is added twice"};
        if (!safetensors_dtype_name(t.dtype))
            return Error{Errc::InvalidArgument,
                         what + " has dtype " + std::string(to_string(t.dtype)) +
                             ", which safetensors cannot store (use f32, f16, bf16 or i32)"};
        int64_t n_elements = 1;
        for (int64_t d : t.shape) {
            if (d < 0 || __builtin_mul_overflow(n_elements, d, &n_elements))
                return Error{Errc::InvalidArgument, what + " has a negative dimension or too many elements"};
        }
        const int64_t n_bytes = n_elements * traits(t.dtype).block_bytes;
        if (static_cast<int64_t>(t.data.size()) != n_bytes)
            return Error{Errc::InvalidArgument, what + " needs " + std::to_string(n_bytes) +
                                                    " bytes of data, got " + std::to_string(t.data.size())};
    }
    return {};
}

Result<void> SafetensorsWriter::write_file(const std::filesystem::path& path,
                                           const std::vector<size_t>& tensor_indices) const {
    ordered_json header = ordered_json::object();
    if (!metadata_.empty()) {
        ordered_json meta = ordered_json::object();
        for (const auto& [k, v] : metadata_)
            meta[k] = v;
        header["__metadata__"] = std::move(meta);
    }
    // Larger elements first (stable, so insertion order otherwise), as the safetensors library does:
    // every tensor then starts at a multiple of its element size, since the data section is 8-aligned.
    std::vector<size_t> order = tensor_indices;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return traits(tensors_[a].dtype).block_bytes > traits(tensors_[b].dtype).block_bytes;
    });
    std::vector<const std::vector<std::byte>*> blobs;
    uint64_t offset = 0;
    for (size_t i : order) {
        const PendingTensor& t = tensors_[i];
        header[t.name] = {{"dtype", std::string(*safetensors_dtype_name(t.dtype))},
                          {"shape", t.shape},
                          {"data_offsets", {offset, offset + t.data.size()}}};
        offset += t.data.size();
        blobs.push_back(&t.data);
    }
    std::string json = header.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
    json.append((8 - json.size() % 8) % 8, ' ');
    std::string head(8, '\0');
    const uint64_t n_header = json.size();
    for (int b = 0; b < 8; ++b)
        head[static_cast<size_t>(b)] = static_cast<char>((n_header >> (8 * b)) & 0xff);
    return write_bytes(path, head + json, blobs);
}

Result<void> SafetensorsWriter::write(const std::filesystem::path& path) const {
    if (Result<void> ok = validate(path); !ok) return ok;
    std::vector<size_t> all(tensors_.size());
    for (size_t i = 0; i < all.size(); ++i)
        all[i] = i;
    return write_file(path, all);
}

Result<void> SafetensorsWriter::write_sharded(const std::filesystem::path& folder,
                                              uint64_t max_shard_bytes) const {
    if (Result<void> ok = validate(folder); !ok) return ok;
    if (tensors_.empty())
        return Error{Errc::InvalidArgument, folder.string() + ": a sharded model needs at least one tensor"};
    std::vector<std::vector<size_t>> shards(1);
    uint64_t shard_bytes = 0;
    uint64_t total_size = 0;
    for (size_t i = 0; i < tensors_.size(); ++i) {
        const uint64_t n = tensors_[i].data.size();
        if (!shards.back().empty() && shard_bytes + n > max_shard_bytes) {
            shards.emplace_back();
            shard_bytes = 0;
        }
        shards.back().push_back(i);
        shard_bytes += n;
        total_size += n;
    }
    ordered_json weight_map = ordered_json::object();
    for (size_t s = 0; s < shards.size(); ++s) {
        const std::string name = shard_name(s, shards.size());
        if (Result<void> ok = write_file(folder / name, shards[s]); !ok) return ok;
        for (size_t i : shards[s])
            weight_map[tensors_[i].name] = name;
    }
    const ordered_json index = {{"metadata", {{"total_size", total_size}}},
                                {"weight_map", std::move(weight_map)}};
    const std::string text = index.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
    return write_bytes(folder / std::string(kSafetensorsIndexName), text, {});
}

}  // namespace vela
