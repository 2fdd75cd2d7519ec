#include "http/connection_probe.h"

#include <dirent.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <charconv>
#include <cstring>
#include <string_view>

namespace vela::server::http {

namespace {

// The numeric host and port of a socket address, formatted as the HTTP library formats them.
bool address_of(const sockaddr_storage& addr, socklen_t len, std::string& host, int& port) {
    char host_buf[NI_MAXHOST];
    char port_buf[NI_MAXSERV];
    if (getnameinfo(reinterpret_cast<const sockaddr*>(&addr), len, host_buf, sizeof host_buf, port_buf,
                    sizeof port_buf, NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        return false;
    }
    host = host_buf;
    const std::string_view p(port_buf);
    return std::from_chars(p.data(), p.data() + p.size(), port).ec == std::errc();
}

bool socket_matches(int fd, int local_port, const std::string& remote_addr, int remote_port) {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    std::string host;
    int port = 0;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return false;
    if (!address_of(addr, len, host, port) || port != local_port) return false;
    len = sizeof addr;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return false;
    return address_of(addr, len, host, port) && port == remote_port && host == remote_addr;
}

int find_socket(int local_port, const std::string& remote_addr, int remote_port) {
    // An HTTP thread usually serves several requests of one keep-alive connection in a row.
    thread_local int last_fd = -1;
    if (last_fd >= 0 && socket_matches(last_fd, local_port, remote_addr, remote_port)) return last_fd;
    DIR* dir = opendir("/proc/self/fd");
    if (dir == nullptr) return -1;
    int found = -1;
    while (const dirent* entry = readdir(dir)) {
        const std::string_view name(entry->d_name);
        int fd = -1;
        if (std::from_chars(name.data(), name.data() + name.size(), fd).ec != std::errc()) continue;
        struct stat st {};
        if (fd == dirfd(dir) || fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
        if (socket_matches(fd, local_port, remote_addr, remote_port)) {
            found = fd;
            break;
        }
    }
    closedir(dir);
    last_fd = found;
    return found;
}

class SocketState final : public ConnectionState {
  public:
    explicit SocketState(int fd) : fd_(fd) {}
    bool peer_closed() const override { return fd_ >= 0 && socket_peer_closed(fd_); }

  private:
    int fd_;
};

}  // namespace

bool socket_peer_closed(int fd) {
    pollfd p{};
    p.fd = fd;
    p.events = POLLIN | POLLRDHUP;
    if (poll(&p, 1, 0) <= 0) return false;
    if ((p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0) return true;
    if ((p.revents & POLLIN) != 0) {
        // Readable without a hang-up flag: either pipelined bytes (still connected) or an orderly
        // shutdown that a peek reports as 0 bytes.
        char byte = 0;
        return recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
    }
    return false;
}

int shutdown_connection_reads(int local_port) {
    DIR* dir = opendir("/proc/self/fd");
    if (dir == nullptr) return 0;
    int n_shut = 0;
    while (const dirent* entry = readdir(dir)) {
        const std::string_view name(entry->d_name);
        int fd = -1;
        if (std::from_chars(name.data(), name.data() + name.size(), fd).ec != std::errc()) continue;
        struct stat st {};
        if (fd == dirfd(dir) || fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
        sockaddr_storage addr{};
        socklen_t len = sizeof addr;
        std::string host;
        int port = 0;
        if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) continue;
        if (!address_of(addr, len, host, port) || port != local_port) continue;
        len = sizeof addr;
        if (getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) continue;  // not connected
        if (::shutdown(fd, SHUT_RD) == 0) ++n_shut;
    }
    closedir(dir);
    return n_shut;
}

std::shared_ptr<const ConnectionState> probe_connection(int local_port, const std::string& remote_addr,
                                                        int remote_port) {
    return std::make_shared<SocketState>(find_socket(local_port, remote_addr, remote_port));
}

}  // namespace vela::server::http
