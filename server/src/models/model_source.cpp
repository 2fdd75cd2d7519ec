#include "models/model_source.h"

namespace vela::server {

namespace {

namespace fs = std::filesystem;

Error bad_flag(const std::string& message) {
    return Error{Errc::InvalidArgument, message};
}

// The id of a local model: the file name without .gguf, or the folder's name.
std::string local_id(const fs::path& path) {
    fs::path p = path;
    if (!p.has_filename()) p = p.parent_path();  // "models/qwen/"
    if (p.extension() == ".gguf") return p.stem().string();
    return p.filename().string();
}

Result<ModelSource> local(fs::path path, const char* flag) {
    if (!fs::exists(path))
        return bad_flag(std::string(flag) + " " + path.string() + ": no such file or folder");
    ModelSource source;
    source.kind = ModelSource::Kind::Local;
    source.local_path = std::move(path);
    source.model_id = local_id(source.local_path);
    return source;
}

}  // namespace

Result<ModelSource> resolve_model_source(const ServeConfig& config) {
    Result<ModelSource> source = bad_flag("no model given");
    if (!config.weights_dir.empty()) {
        if (!fs::is_directory(config.weights_dir)) {
            return bad_flag("--w " + config.weights_dir + ": no such folder");
        }
        source = config.weight_file.empty()
                     ? local(config.weights_dir, "--w")
                     : local(fs::path(config.weights_dir) / config.weight_file, "--w/--f");
        if (source && !config.model.empty()) source->model_id = config.model;
    } else if (!config.model.empty() && fs::exists(config.model)) {
        if (!config.weight_file.empty()) {
            if (!fs::is_directory(config.model)) {
                return bad_flag("--f " + config.weight_file + " names a file inside --m, but " +
                                config.model + " is not a folder");
            }
            source = local(fs::path(config.model) / config.weight_file, "--m/--f");
        } else {
            source = local(config.model, "--m");
        }
    } else if (!config.model.empty()) {
        if (!is_hub_repo_id(config.model)) {
            return bad_flag("--m " + config.model +
                            ": no such file or folder, and not a Hugging Face hub id (org/name)");
        }
        ModelSource hub;
        hub.kind = config.weight_file.empty() ? ModelSource::Kind::HubFolder : ModelSource::Kind::HubFile;
        hub.repo = config.model;
        hub.file = config.weight_file;
        hub.model_id = config.model;
        source = std::move(hub);
    } else if (!config.weight_file.empty()) {
        source = local(config.weight_file, "--f");
    }
    if (source && !config.served_model_name.empty()) source->model_id = config.served_model_name;
    return source;
}

Result<std::filesystem::path> fetch_model(const ModelSource& source, HubDownloader& downloader) {
    switch (source.kind) {
        case ModelSource::Kind::Local:
            return source.local_path;
        case ModelSource::Kind::HubFolder:
            return downloader.fetch_model_folder(source.repo);
        case ModelSource::Kind::HubFile:
            return downloader.fetch_file(source.repo, source.file);
    }
    return Error{Errc::Internal, "unknown model source kind"};
}

}  // namespace vela::server
