// Connection probing over real loopback sockets: a peer that closes is noticed without reading, and
// shutdown_connection_reads() ends exactly the accepted connections of one local port (not the
// listening socket, not client sockets), leaving their writing side open.
#include "http/connection_probe.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace vela::server::http {
namespace {

// A listening socket on an ephemeral loopback port, one client connected to it and the accepted end.
struct Loopback {
    int listener = -1;
    int client = -1;
    int accepted = -1;
    int port = 0;

    Loopback() {
        listener = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        EXPECT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
        EXPECT_EQ(::listen(listener, 4), 0);
        socklen_t len = sizeof addr;
        EXPECT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len), 0);
        port = ntohs(addr.sin_port);
        client = ::socket(AF_INET, SOCK_STREAM, 0);
        EXPECT_EQ(::connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
        accepted = ::accept(listener, nullptr, nullptr);
        EXPECT_GE(accepted, 0);
    }
    ~Loopback() {
        for (int fd : {listener, client, accepted}) {
            if (fd >= 0) ::close(fd);
        }
    }
    // The client's local port, as the server sees it as the remote port.
    int client_port() const {
        sockaddr_in addr{};
        socklen_t len = sizeof addr;
        ::getsockname(client, reinterpret_cast<sockaddr*>(&addr), &len);
        return ntohs(addr.sin_port);
    }
};

TEST(ConnectionProbe, NoticesAPeerThatCloses) {
    Loopback link;
    const auto state = probe_connection(link.port, "127.0.0.1", link.client_port());
    EXPECT_FALSE(state->peer_closed());
    EXPECT_FALSE(socket_peer_closed(link.accepted));
    ::close(link.client);
    link.client = -1;
    EXPECT_TRUE(socket_peer_closed(link.accepted));
    EXPECT_TRUE(state->peer_closed());
}

TEST(ConnectionProbe, UnknownConnectionsAreNeverClosed) {
    Loopback link;
    EXPECT_FALSE(probe_connection(link.port, "127.0.0.1", 1)->peer_closed());
}

TEST(ConnectionProbe, ShutdownEndsReadsOfThePortsConnectionsOnly) {
    Loopback link;
    Loopback other;
    EXPECT_EQ(shutdown_connection_reads(link.port), 1);
    char byte = 0;
    // The accepted socket reads end-of-stream at once; it can still write to the client.
    EXPECT_EQ(::recv(link.accepted, &byte, 1, MSG_DONTWAIT), 0);
    EXPECT_EQ(::send(link.accepted, "x", 1, MSG_NOSIGNAL), 1);
    EXPECT_EQ(::recv(link.client, &byte, 1, 0), 1);
    EXPECT_EQ(byte, 'x');
    // The other port's connection and the listening socket are untouched.
    EXPECT_EQ(::recv(other.accepted, &byte, 1, MSG_DONTWAIT), -1);
    EXPECT_FALSE(socket_peer_closed(other.accepted));
}

}  // namespace
}  // namespace vela::server::http
