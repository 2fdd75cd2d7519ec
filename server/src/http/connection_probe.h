// Finds the socket of the connection a request arrived on, so a handler can notice at once that its
// client hung up (even while nothing is being written, e.g. during a long prefill or while the request
// waits for admission). The HTTP library does not expose the socket, but the connection is uniquely
// named by its local port and the peer's address and port; the socket stays open while its request is
// being handled, so the descriptor found cannot be reused by another connection in the meantime.
#pragma once

#include <memory>
#include <string>

#include "http/http_types.h"

namespace vela::server::http {

/// The state of the TCP connection (local_port, remote_addr:remote_port) of this process; when no such
/// socket is found the returned state always answers "not closed".
std::shared_ptr<const ConnectionState> probe_connection(int local_port, const std::string& remote_addr,
                                                        int remote_port);

/// True when the peer of socket `fd` has closed or reset the connection (a non-blocking check).
bool socket_peer_closed(int fd);

/// Shuts down the reading side of every connected socket of this process whose local port is
/// `local_port` (the server's accepted connections; the listening socket has no peer and is skipped).
/// A connection idling between keep-alive requests then ends at once, while a response being written
/// still goes out. Returns how many sockets were shut down.
int shutdown_connection_reads(int local_port);

}  // namespace vela::server::http
