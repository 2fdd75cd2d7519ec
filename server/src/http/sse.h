// Server-sent events framing (text/event-stream) for the streaming endpoints: `data:` events, comment
// lines used as keep-alives, and the OpenAI stream terminator.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vela::server::http {

/// One `data:` event carrying `payload` (a line break inside it starts another `data:` line, as the
/// format requires), ended by a blank line.
std::string sse_event(std::string_view payload);
/// A comment line (ignored by clients; keeps proxies and clients from timing out), ended by a blank line.
std::string sse_comment(std::string_view text);
/// The OpenAI end-of-stream event, `data: [DONE]`.
std::string sse_done();
/// The response headers of an event stream (no caching, no proxy buffering).
std::vector<std::pair<std::string, std::string>> sse_headers();

}  // namespace vela::server::http
