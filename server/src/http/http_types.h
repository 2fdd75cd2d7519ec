// The HTTP request and response types of vela's own small HTTP layer. Route handlers see only these
// types, never the HTTP library's, so the library can be replaced by touching server/src/http/ alone.
// A response either carries its whole body or a streaming function that writes the body piece by piece
// (sent with chunked transfer encoding) and learns from the writer when the client has gone away.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vela::server::http {

/// Orders header names without regard to ASCII case (HTTP header names are case-insensitive).
struct CaseInsensitiveLess {
    /// True when `a` sorts before `b`, comparing ASCII letters case-insensitively.
    bool operator()(std::string_view a, std::string_view b) const;
    using is_transparent = void;  // allows lookups by string_view
};

/// Header name -> values, case-insensitive names.
using Headers = std::multimap<std::string, std::string, CaseInsensitiveLess>;

/// Answers whether the client of a request has closed its connection.
class ConnectionState {
  public:
    virtual ~ConnectionState() = default;
    /// True once the peer has closed (or reset) the connection; cheap enough to call every few ms.
    virtual bool peer_closed() const = 0;
};

/// One HTTP request as a route handler sees it.
struct Request {
    std::string method;                                 // "GET", "POST", ...
    std::string path;                                   // the path without the query string
    Headers headers;                                    // request headers
    std::map<std::string, std::string> query;           // query parameters (last value wins)
    std::string body;                                   // the whole request body
    std::string remote_addr;                            // the client's address
    int remote_port = 0;                                // the client's port
    std::shared_ptr<const ConnectionState> connection;  // disconnect detection; never null in a server

    /// The first value of header `name`, or "" when absent.
    std::string header(std::string_view name) const;
    /// True when the client has closed its connection (false when unknown).
    bool client_gone() const { return connection && connection->peer_closed(); }
};

/// The writer a streaming response body is produced through.
class StreamWriter {
  public:
    virtual ~StreamWriter() = default;
    /// Sends `data` to the client now; false once the client is gone (stop producing then).
    virtual bool write(std::string_view data) = 0;
    /// True when the client has closed its connection.
    virtual bool client_gone() const = 0;
};

/// Produces a streaming body; runs on the request's HTTP thread after the headers are sent.
using StreamBody = std::function<void(StreamWriter& writer)>;

/// One HTTP response.
struct Response {
    int status = 200;                                          // HTTP status code
    std::string content_type = "application/json";             // Content-Type of the body
    std::string body;                                          // the whole body (unless `stream` is set)
    std::vector<std::pair<std::string, std::string>> headers;  // extra response headers
    StreamBody stream;                                         // when set, the body is streamed by it

    /// A response with `status`, `content_type` and the whole `body`.
    static Response text(int status, std::string body, std::string content_type);
    /// A 200 JSON response (the body is already serialized JSON).
    static Response json(std::string body, int status = 200);
};

/// Handles one request; called on an HTTP thread (many run at once).
using Handler = std::function<Response(const Request& request)>;

}  // namespace vela::server::http
