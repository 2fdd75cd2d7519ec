// Where the served model comes from, decided from --m/--model, --w/--weights and --f/--weight-file:
//   --w DIR               a local Hugging Face folder (--m then only names the model)
//   --w DIR --f FILE      the GGUF DIR/FILE
//   --f PATH              a local GGUF
//   --m PATH              a local .gguf file or model folder (when the path exists)
//   --m PATH --f FILE     the GGUF PATH/FILE when PATH is a local folder
//   --m org/name          the hub repository as a Hugging Face folder (downloaded)
//   --m org/name --f FILE the GGUF FILE of the hub repository (downloaded)
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "hub/hub_downloader.h"
#include "vela/core/error.h"
#include "vela/server/serve_config.h"

namespace vela::server {

/// The resolved origin of the model.
struct ModelSource {
    /// Where the weights are.
    enum class Kind : uint8_t {
        Local,      // `local_path` exists on this machine
        HubFolder,  // `repo` is downloaded as a Hugging Face folder
        HubFile,    // the GGUF `file` of `repo` is downloaded
    };
    Kind kind = Kind::Local;           // where the weights are
    std::filesystem::path local_path;  // Local: the file or folder
    std::string repo;                  // Hub*: "org/name"
    std::string file;                  // HubFile: the file in the repository
    std::string model_id;              // the id clients use (--served-model-name, else derived)
};

/// Decides the source from the flags; local paths must exist. Errors say which flag is wrong and why.
Result<ModelSource> resolve_model_source(const ServeConfig& config);

/// The local path of the model, downloading it first when it comes from the hub.
Result<std::filesystem::path> fetch_model(const ModelSource& source, HubDownloader& downloader);

}  // namespace vela::server
