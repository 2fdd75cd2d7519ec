// HttpServer routing over a real loopback socket (raw POSIX sockets, so the test does not depend on
// cpp-httplib's build flags): exact routes win over prefix routes, the longest prefix wins, a prefix
// alone (nothing after it) does not match, HEAD is served by GET, an unknown path is 404 and a known
// path with another method is 405 with Allow, and the observer names the route a request matched.
#include "http/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace vela::server::http {
namespace {

// Sends one HTTP/1.1 request with `Connection: close` and returns the whole raw response.
std::string exchange(int port, const std::string& method, const std::string& path) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    EXPECT_GE(fd, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    const std::string request =
        method + " " + path +
        " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
    EXPECT_EQ(::send(fd, request.data(), request.size(), 0), static_cast<ssize_t>(request.size()));
    std::string response;
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
        if (n <= 0) break;
        response.append(buffer, static_cast<size_t>(n));
    }
    ::close(fd);
    return response;
}

int status_of(const std::string& response) {
    return response.size() > 12 ? std::stoi(response.substr(9, 3)) : 0;
}

std::string body_of(const std::string& response) {
    const size_t end = response.find("\r\n\r\n");
    return end == std::string::npos ? "" : response.substr(end + 4);
}

class HttpServerRouting : public ::testing::Test {
  protected:
    void SetUp() override {
        HttpServerOptions options;
        options.host = "127.0.0.1";
        options.port = 0;
        options.n_threads = 4;
        server_ = std::make_unique<HttpServer>(options);
        const auto answer = [](std::string text) {
            return [text](const Request& request) {
                return Response::text(200, text + " " + request.path, "text/plain");
            };
        };
        server_->route("GET", "/v1/models", answer("list"));
        server_->route("GET", "/v1/models/special", answer("exact"));
        server_->route_prefix("GET", "/v1/models/", answer("one"));
        server_->route_prefix("GET", "/v1/models/org/", answer("org"));
        server_->route("POST", "/v1/chat/completions", answer("chat"));
        server_->set_response_observer([this](const Request&, std::string_view route, int status) {
            const std::lock_guard lock(mutex_);
            observed_.push_back(std::string(route) + " " + std::to_string(status));
        });
        auto port = server_->bind();
        ASSERT_TRUE(port.ok()) << port.error().message();
        port_ = *port;
        thread_ = std::thread([this] { server_->run(); });
    }
    void TearDown() override {
        server_->stop();
        if (thread_.joinable()) thread_.join();
    }
    std::vector<std::string> observed() {
        const std::lock_guard lock(mutex_);
        return observed_;
    }

    std::unique_ptr<HttpServer> server_;
    std::thread thread_;
    int port_ = 0;
    std::mutex mutex_;
    std::vector<std::string> observed_;
};

TEST_F(HttpServerRouting, ExactThenLongestPrefix) {
    EXPECT_EQ(body_of(exchange(port_, "GET", "/v1/models")), "list /v1/models");
    EXPECT_EQ(body_of(exchange(port_, "GET", "/v1/models/special")), "exact /v1/models/special");
    EXPECT_EQ(body_of(exchange(port_, "GET", "/v1/models/tiny")), "one /v1/models/tiny");
    EXPECT_EQ(body_of(exchange(port_, "GET", "/v1/models/org/name")), "org /v1/models/org/name");
    EXPECT_EQ(body_of(exchange(port_, "GET", "/v1/models/other/name")), "one /v1/models/other/name");
}

TEST_F(HttpServerRouting, UnknownPathsAndMethods) {
    EXPECT_EQ(status_of(exchange(port_, "GET", "/v1/nothing")), 404);
    EXPECT_EQ(status_of(exchange(port_, "GET", "/v1/models/org/")), 200);  // "/v1/models/" + "org/"
    EXPECT_EQ(status_of(exchange(port_, "GET", "/v1/model")), 404);
    const std::string wrong_method = exchange(port_, "GET", "/v1/chat/completions");
    EXPECT_EQ(status_of(wrong_method), 405);
    EXPECT_NE(wrong_method.find("Allow: POST"), std::string::npos) << wrong_method;
    EXPECT_EQ(status_of(exchange(port_, "POST", "/v1/models/tiny")), 405);
    EXPECT_EQ(status_of(exchange(port_, "HEAD", "/v1/models/tiny")), 200);
}

TEST_F(HttpServerRouting, ObserverNamesTheMatchedRoute) {
    exchange(port_, "GET", "/v1/models/tiny");
    exchange(port_, "GET", "/v1/models");
    exchange(port_, "GET", "/v1/nothing");
    // The observer runs after the response is sent; wait for all three.
    for (int i = 0; i < 200 && observed().size() < 3; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const std::vector<std::string> seen = observed();
    ASSERT_EQ(seen.size(), 3u);
    EXPECT_EQ(seen[0], "/v1/models/* 200");
    EXPECT_EQ(seen[1], "/v1/models 200");
    EXPECT_EQ(seen[2], " 404");
}

}  // namespace
}  // namespace vela::server::http
