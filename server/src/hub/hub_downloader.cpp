#include "hub/hub_downloader.h"

#include <httplib.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <system_error>

namespace vela::server {

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kMaxRedirects = 10;

// A URL split into its origin ("https://host:port") and the rest ("/path?query").
struct Url {
    std::string origin;
    std::string host;
    std::string target;
};

Result<Url> parse_url(const std::string& url) {
    const size_t scheme_end = url.find("://");
    if (scheme_end == std::string::npos) {
        return Error{Errc::InvalidArgument,
                     "'" + url + "' is not a URL (expected http://... or https://...)"};
    }
    const std::string scheme = url.substr(0, scheme_end);
    if (scheme != "http" && scheme != "https") {
        return Error{Errc::InvalidArgument, "'" + url + "': only http and https URLs are supported"};
    }
    const size_t host_start = scheme_end + 3;
    const size_t path_start = url.find('/', host_start);
    Url out;
    out.origin = url.substr(0, path_start);
    out.host =
        url.substr(host_start, path_start == std::string::npos ? std::string::npos : path_start - host_start);
    out.target = path_start == std::string::npos ? "/" : url.substr(path_start);
    if (out.host.empty()) return Error{Errc::InvalidArgument, "'" + url + "' has no host"};
    return out;
}

std::string trim_slashes(std::string s) {
    while (!s.empty() && s.back() == '/')
        s.pop_back();
    return s;
}

// Percent-encodes a path segment's characters that may not appear in a URL path.
std::string encode_path(const std::string& path) {
    static const char* kHex = "0123456789ABCDEF";
    std::string out;
    for (const unsigned char c : path) {
        if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

std::string status_advice(int status, const std::string& what, bool have_token) {
    if (status == 401 || status == 403) {
        return what + " was refused by the hub (HTTP " + std::to_string(status) +
               "): the repository may be gated or private; " +
               (have_token ? "check that the token has access to it"
                           : "pass a token with --hf-token or the HF_TOKEN environment variable");
    }
    if (status == 404) return what + " does not exist on the hub (HTTP 404)";
    return what + ": the hub answered HTTP " + std::to_string(status);
}

}  // namespace

bool is_hub_repo_id(const std::string& id) {
    const size_t slash = id.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == id.size()) return false;
    if (id.find('/', slash + 1) != std::string::npos || id.find("..") != std::string::npos) return false;
    for (size_t i = 0; i < id.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(id[i]);
        if (i == slash) continue;
        if (!std::isalnum(c) && c != '-' && c != '_' && c != '.') return false;
    }
    return id[0] != '.' && id[slash + 1] != '.';
}

HubDownloader::HubDownloader(HubOptions options) : options_(std::move(options)) {
    options_.endpoint =
        trim_slashes(options_.endpoint.empty() ? "https://huggingface.co" : options_.endpoint);
}

std::filesystem::path HubDownloader::repo_dir(const std::string& repo) const {
    const size_t slash = repo.find('/');
    const std::string name = "models--" + repo.substr(0, slash) + "--" + repo.substr(slash + 1);
    std::string revision = options_.revision;
    for (char& c : revision) {
        if (c == '/') c = '_';
    }
    return options_.cache_dir / name / revision;
}

Result<std::filesystem::path> HubDownloader::fetch_file(const std::string& repo, const std::string& file) {
    if (!is_hub_repo_id(repo)) {
        return Error{Errc::InvalidArgument, "'" + repo + "' is not a hub repository id (expected org/name)"};
    }
    if (file.empty() || file.find("..") != std::string::npos || file.front() == '/') {
        return Error{Errc::InvalidArgument, "'" + file + "' is not a file name inside a repository"};
    }
    const std::filesystem::path destination = repo_dir(repo) / file;
    if (std::filesystem::is_regular_file(destination)) return destination;
    std::error_code ec;
    std::filesystem::create_directories(destination.parent_path(), ec);
    if (ec) {
        return Error{Errc::Io, "cannot create the download folder " + destination.parent_path().string() +
                                   ": " + ec.message() + " (set --download-dir or HF_HOME)"};
    }
    const std::string what = repo + "/" + file + " (revision " + options_.revision + ")";
    auto endpoint = parse_url(options_.endpoint);
    if (!endpoint) return Error{Errc::InvalidArgument, "hub endpoint: " + endpoint.error().message()};
    std::string url = options_.endpoint + "/" + encode_path(repo) + "/resolve/" +
                      encode_path(options_.revision) + "/" + encode_path(file);
    const std::filesystem::path partial = destination.string() + ".part";

    for (int hop = 0; hop <= kMaxRedirects; ++hop) {
        auto parsed = parse_url(url);
        if (!parsed) return Error{Errc::Io, what + ": bad redirect: " + parsed.error().message()};
        httplib::Client client(parsed->origin);
        client.set_follow_location(false);
        client.set_connection_timeout(std::chrono::seconds(30));
        client.set_read_timeout(std::chrono::seconds(120));
        httplib::Headers headers = {{"User-Agent", "vela/" VELA_VERSION}};
        // The token goes to the hub itself only, never to the storage it redirects downloads to.
        if (!options_.token.empty() && parsed->host == endpoint->host) {
            headers.emplace("Authorization", "Bearer " + options_.token);
        }
        int status = 0;
        int64_t total = 0;
        int64_t received = 0;
        std::string location;
        std::string error_body;
        std::ofstream out;
        auto last_report = Clock::now();
        bool write_failed = false;
        auto result = client.Get(
            parsed->target, headers,
            [&](const httplib::Response& response) {
                status = response.status;
                if (status >= 300 && status < 400) {
                    location = response.get_header_value("Location");
                    return false;
                }
                if (status == 200) {
                    total = std::strtoll(response.get_header_value("Content-Length").c_str(), nullptr, 10);
                    out.open(partial, std::ios::binary | std::ios::trunc);
                    if (!out) {
                        write_failed = true;
                        return false;
                    }
                }
                return true;
            },
            [&](const char* data, size_t length) {
                if (options_.cancelled && options_.cancelled()) return false;
                if (status != 200) {
                    if (error_body.size() < 2048) error_body.append(data, std::min<size_t>(length, 2048));
                    return true;
                }
                out.write(data, static_cast<std::streamsize>(length));
                if (!out) {
                    write_failed = true;
                    return false;
                }
                received += static_cast<int64_t>(length);
                const auto now = Clock::now();
                if (options_.progress && now - last_report >= std::chrono::milliseconds(500)) {
                    options_.progress(file, received, total);
                    last_report = now;
                }
                return true;
            });
        if (options_.cancelled && options_.cancelled()) {
            return Error{Errc::Cancelled, "the download of " + what + " was cancelled"};
        }
        if (write_failed) {
            return Error{Errc::Io, "cannot write " + partial.string() + " (disk full or no permission?)"};
        }
        if (status >= 300 && status < 400) {
            if (location.empty()) return Error{Errc::Io, what + ": the hub redirected without a Location"};
            url = location.front() == '/' ? parsed->origin + location : location;
            continue;
        }
        if (!result && status == 0) {
            return Error{Errc::Unavailable, "cannot download " + what + " from " + parsed->origin + ": " +
                                                httplib::to_string(result.error()) +
                                                " (no network? set HF_ENDPOINT to a reachable mirror, or "
                                                "serve a local model with --model PATH)"};
        }
        if (status != 200) {
            const Errc code = status == 404 ? Errc::NotFound : Errc::Unavailable;
            return Error{code, status_advice(status, what, !options_.token.empty())};
        }
        out.close();
        if (!result || (total > 0 && received != total)) {
            return Error{Errc::Io, "the download of " + what + " broke off after " +
                                       std::to_string(received) + " of " + std::to_string(total) +
                                       " bytes; start again to retry"};
        }
        if (options_.progress) options_.progress(file, received, total);
        std::filesystem::rename(partial, destination, ec);
        if (ec) return Error{Errc::Io, "cannot move " + partial.string() + " into place: " + ec.message()};
        return destination;
    }
    return Error{Errc::Io, what + ": more than " + std::to_string(kMaxRedirects) + " redirects"};
}

Result<std::filesystem::path> HubDownloader::fetch_model_folder(const std::string& repo) {
    for (const char* required : {"config.json", "tokenizer.json"}) {
        auto path = fetch_file(repo, required);
        if (!path) {
            if (path.error().code() == Errc::NotFound) {
                return Error{Errc::NotFound,
                             path.error().message() +
                                 "; a Hugging Face model folder needs it (for a GGUF repository, "
                                 "name the file with --f FILE.gguf)"};
            }
            return path.error();
        }
    }
    for (const char* optional : {"tokenizer_config.json", "generation_config.json", "chat_template.jinja"}) {
        auto path = fetch_file(repo, optional);
        if (!path && path.error().code() != Errc::NotFound) return path.error();
    }
    auto index = fetch_file(repo, "model.safetensors.index.json");
    if (!index) {
        if (index.error().code() != Errc::NotFound) return index.error();
        auto single = fetch_file(repo, "model.safetensors");
        if (!single) return single.error();
        return repo_dir(repo);
    }
    std::ifstream in(*index);
    const nlohmann::json parsed = nlohmann::json::parse(in, nullptr, false);
    if (parsed.is_discarded() || !parsed.contains("weight_map") || !parsed["weight_map"].is_object()) {
        std::error_code ec;
        std::filesystem::remove(*index, ec);
        return Error{Errc::Corrupt, repo + "/model.safetensors.index.json has no \"weight_map\" object"};
    }
    std::set<std::string> shards;
    for (const auto& [tensor, shard] : parsed["weight_map"].items()) {
        if (!shard.is_string()) {
            return Error{Errc::Corrupt, repo + "/model.safetensors.index.json: weight_map[\"" + tensor +
                                            "\"] is not a file name"};
        }
        shards.insert(shard.get<std::string>());
    }
    for (const std::string& shard : shards) {
        auto path = fetch_file(repo, shard);
        if (!path) return path.error();
    }
    return repo_dir(repo);
}

}  // namespace vela::server
