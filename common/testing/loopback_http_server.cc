#include "common/testing/loopback_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"

namespace govinspect::testing {

LoopbackHttpServer::LoopbackHttpServer(Handler handler) : handler_(std::move(handler)) {
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
  listen(fd_, 128);
  socklen_t len = sizeof a;
  getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
  thread_ = std::thread([this] { Loop(); });
}

LoopbackHttpServer::~LoopbackHttpServer() {
  stop_ = true;
  shutdown(fd_, SHUT_RDWR);
  close(fd_);
  thread_.join();
  std::lock_guard<std::mutex> l(mu_);
  for (auto& t : connections_) t.join();
}

std::string LoopbackHttpServer::address() const { return absl::StrCat("127.0.0.1:", port_); }
std::string LoopbackHttpServer::base() const { return absl::StrCat("http://127.0.0.1:", port_); }

int LoopbackHttpServer::hits(const std::string& path) {
  std::lock_guard<std::mutex> l(mu_);
  return hits_[path];
}

void LoopbackHttpServer::Loop() {
  while (!stop_) {
    int c = accept(fd_, nullptr, nullptr);
    if (c < 0) return;
    std::lock_guard<std::mutex> l(mu_);
    connections_.emplace_back([this, c] { Serve(c); });
  }
}

void LoopbackHttpServer::Serve(int c) {
  std::string req;
  char buf[4096];
  while (req.find("\r\n\r\n") == std::string::npos) {
    ssize_t n = read(c, buf, sizeof buf);
    if (n <= 0) break;
    req.append(buf, static_cast<size_t>(n));
  }
  size_t sp = req.find(' ');
  std::string path =
      sp == std::string::npos ? "/" : req.substr(sp + 1, req.find(' ', sp + 1) - sp - 1);
  {
    std::lock_guard<std::mutex> l(mu_);
    hits_[path]++;
  }
  requests_++;
  std::string resp = handler_(path, req);
  if (resp == "RESET") {
    linger lg{1, 0};
    setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  } else {
    size_t off = 0;
    while (off < resp.size()) {
      ssize_t n = write(c, resp.data() + off, resp.size() - off);
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
  }
  close(c);
}

std::string HttpResponse(int status, const std::string& body, const std::string& content_type,
                         const std::string& extra_headers, bool head) {
  return absl::StrCat("HTTP/1.1 ", status, status == 200 ? " OK" : " X", "\r\nContent-Type: ",
                      content_type, "\r\nContent-Length: ", body.size(),
                      "\r\nConnection: close\r\n", extra_headers, "\r\n", head ? "" : body);
}

}  // namespace govinspect::testing
