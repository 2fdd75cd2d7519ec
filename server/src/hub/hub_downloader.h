// HubDownloader: fetches models from the Hugging Face hub (or any server with its URL layout, e.g. a
// mirror named by HF_ENDPOINT): `<endpoint>/<org>/<name>/resolve/<revision>/<file>`. A GGUF is one
// file; a Hugging Face folder is config.json, the tokenizer files, generation_config.json and the
// weights (model.safetensors, or model.safetensors.index.json and every shard it names). Files land in
// `<cache>/models--<org>--<name>/<revision>/` and are written to `<file>.part` first, so a file that
// exists is complete and is never fetched again (a second start works offline). Redirects are followed
// by hand: the token goes only to the endpoint's own host, never to the CDN a download is sent on to
// (presigned CDN URLs reject a second credential). Progress goes to a callback about twice a second.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "vela/core/error.h"

namespace vela::server {

/// Progress of one file: its name, bytes received so far and its size (0 when unknown).
using DownloadProgress = std::function<void(const std::string& file, int64_t received, int64_t total)>;

/// Where and how to download.
struct HubOptions {
    std::string endpoint = "https://huggingface.co";  // hub base URL (HF_ENDPOINT)
    std::string token;                                // bearer token; "" = anonymous
    std::filesystem::path cache_dir;                  // downloads are kept under this folder
    std::string revision = "main";                    // branch, tag or commit
    DownloadProgress progress;                        // called while files download (may be empty)
    std::function<bool()> cancelled;                  // polled while downloading; true aborts (Cancelled)
};

/// Downloads files of hub repositories into the cache.
class HubDownloader {
  public:
    /// A downloader with `options`.
    explicit HubDownloader(HubOptions options);

    /// The local path of `file` of `repo` ("org/name"), downloading it unless cached. A missing file is
    /// NotFound; a refused one (401/403) says to pass a token.
    Result<std::filesystem::path> fetch_file(const std::string& repo, const std::string& file);
    /// The local folder holding `repo` as a Hugging Face model folder (config, tokenizer, weights).
    Result<std::filesystem::path> fetch_model_folder(const std::string& repo);
    /// The cache folder of `repo` at the configured revision.
    std::filesystem::path repo_dir(const std::string& repo) const;

  private:
    HubOptions options_;
};

/// True when `id` looks like a hub repository id "org/name" (letters, digits, '-', '_', '.').
bool is_hub_repo_id(const std::string& id);

}  // namespace vela::server
