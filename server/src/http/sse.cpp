#include "http/sse.h"

namespace vela::server::http {

namespace {

// Appends `text` as lines of `prefix`, splitting at CR, LF and CRLF (each ends an SSE line).
void append_lines(std::string& out, std::string_view prefix, std::string_view text) {
    size_t start = 0;
    while (true) {
        const size_t end = text.find_first_of("\r\n", start);
        out += prefix;
        out += text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
        out += '\n';
        if (end == std::string_view::npos) return;
        start = end + 1;
        if (text[end] == '\r' && start < text.size() && text[start] == '\n') ++start;
    }
}

}  // namespace

std::string sse_event(std::string_view payload) {
    std::string out;
    out.reserve(payload.size() + 8);
    append_lines(out, "data: ", payload);
    out += '\n';
    return out;
}

std::string sse_comment(std::string_view text) {
    std::string out;
    append_lines(out, ": ", text);
    out += '\n';
    return out;
}

std::string sse_done() {
    return "data: [DONE]\n\n";
}

std::vector<std::pair<std::string, std::string>> sse_headers() {
    return {{"Cache-Control", "no-cache"}, {"X-Accel-Buffering", "no"}};
}

}  // namespace vela::server::http
