#include "loader/safetensors_set.h"

#include "loader/json_file.h"

namespace vela {
namespace {

std::string in_quotes(std::string_view s) {
    return "'" + std::string(s) + "'";
}

// A shard name from an index must stay inside the model folder.
bool is_plain_relative(const std::filesystem::path& p) {
    if (p.empty() || p.is_absolute()) return false;
    for (const auto& part : p) {
        if (part == "..") return false;
    }
    return true;
}

}  // namespace

Result<SafetensorsSet> SafetensorsSet::open(const std::filesystem::path& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        if (std::filesystem::exists(path / kSafetensorsIndexName, ec))
            return open_index(path / kSafetensorsIndexName);
        if (std::filesystem::exists(path / kSafetensorsSingleName, ec))
            return open_single(path / kSafetensorsSingleName);
        return Error{Errc::NotFound, path.string() + ": no " + std::string(kSafetensorsIndexName) + " or " +
                                         std::string(kSafetensorsSingleName) + " in this folder"};
    }
    if (path.extension() == ".json") return open_index(path);
    return open_single(path);
}

Result<SafetensorsSet> SafetensorsSet::open_single(const std::filesystem::path& file) {
    Result<SafetensorsFile> shard = SafetensorsFile::open(file);
    if (!shard) return std::move(shard).error();
    SafetensorsSet set;
    set.source_ = file;
    if (Result<void> ok = set.add_shard(std::move(*shard)); !ok) return std::move(ok).error();
    return set;
}

Result<SafetensorsSet> SafetensorsSet::open_index(const std::filesystem::path& index_path) {
    const std::string where = index_path.string() + ": ";
    Result<nlohmann::json> index = read_json_file(index_path);
    if (!index) return std::move(index).error();
    const auto weight_map = index->is_object() ? index->find("weight_map") : index->end();
    if (!index->is_object() || weight_map == index->end() || !weight_map->is_object())
        return Error{Errc::Corrupt,
                     where + "expected an object with a \"weight_map\" object (tensor name -> shard file)"};

    // shard file name -> the tensors the index places there (std::map keeps shards in name order).
    std::map<std::string, std::vector<std::string>> listed;
    for (const auto& [name, shard] : weight_map->items()) {
        if (!shard.is_string())
            return Error{Errc::Corrupt, where + "weight_map entry " + in_quotes(name) +
                                            " must be a shard file name (a string), found " +
                                            std::string(shard.type_name())};
        const auto file = shard.get<std::string>();
        if (!is_plain_relative(file))
            return Error{Errc::Corrupt, where + "weight_map entry " + in_quotes(name) + " names shard " +
                                            in_quotes(file) + ", which is outside the model folder"};
        listed[file].push_back(name);
    }
    if (listed.empty()) return Error{Errc::Corrupt, where + "weight_map is empty"};

    SafetensorsSet set;
    set.source_ = index_path;
    const std::filesystem::path folder = index_path.parent_path();
    for (const auto& [file, names] : listed) {
        const std::filesystem::path shard_path = folder / file;
        std::error_code ec;
        if (!std::filesystem::exists(shard_path, ec))
            return Error{Errc::NotFound, where + "shard " + in_quotes(file) + " (listed for " +
                                             std::to_string(names.size()) + " tensors, e.g. " +
                                             in_quotes(names[0]) + ") is missing from " + folder.string() +
                                             " (incomplete download?)"};
        Result<SafetensorsFile> shard = SafetensorsFile::open(shard_path);
        if (!shard) return std::move(shard).error();
        for (const std::string& name : names) {
            if (shard->find_tensor(name) == nullptr)
                return Error{Errc::Corrupt, where + "weight_map puts tensor " + in_quotes(name) + " in " +
                                                in_quotes(file) + ", but that shard has no such tensor"};
        }
        if (Result<void> ok = set.add_shard(std::move(*shard)); !ok) return std::move(ok).error();
    }
    return set;
}

Result<void> SafetensorsSet::add_shard(SafetensorsFile shard) {
    const size_t shard_index = shards_.size();
    const std::vector<SafetensorsTensorInfo>& tensors = shard.tensors();
    for (size_t i = 0; i < tensors.size(); ++i) {
        auto [it, inserted] = index_.emplace(tensors[i].name, std::pair{shard_index, i});
        if (!inserted)
            return Error{Errc::Corrupt, shard.path().string() + ": tensor " + in_quotes(tensors[i].name) +
                                            " is also in " + shards_[it->second.first].path().string()};
    }
    shards_.push_back(std::move(shard));
    return {};
}

std::vector<std::string> SafetensorsSet::tensor_names() const {
    std::vector<std::string> names;
    names.reserve(index_.size());
    for (const auto& [name, location] : index_)
        names.push_back(name);
    return names;
}

const SafetensorsTensorInfo* SafetensorsSet::find(std::string_view name) const {
    auto it = index_.find(name);
    if (it == index_.end()) return nullptr;
    return &shards_[it->second.first].tensors()[it->second.second];
}

const SafetensorsFile* SafetensorsSet::shard_of(std::string_view name) const {
    auto it = index_.find(name);
    return it == index_.end() ? nullptr : &shards_[it->second.first];
}

Result<TensorView> SafetensorsSet::tensor_view(std::string_view name) const {
    const SafetensorsFile* shard = shard_of(name);
    if (shard == nullptr)
        return Error{Errc::NotFound, source_.string() + ": no tensor named " + in_quotes(name) +
                                         " (the model has " + std::to_string(index_.size()) + " tensors in " +
                                         std::to_string(shards_.size()) + " files)"};
    return shard->tensor_view(name);
}

}  // namespace vela
