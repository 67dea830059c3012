#ifndef GOVINSPECT_COMMON_TESTING_LOOPBACK_HTTP_SERVER_H_
#define GOVINSPECT_COMMON_TESTING_LOOPBACK_HTTP_SERVER_H_

// A small HTTP/1.1 server on 127.0.0.1 (a free port) for tests of the fetch engine and the
// crawler: one thread per connection, one request per connection (Connection: close), the raw
// response written by the test's handler.

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace govinspect::testing {

class LoopbackHttpServer {
 public:
  // Request path and the whole request head → the raw response (status line, headers, body).
  // The response "RESET" resets the connection instead (SO_LINGER 0).
  using Handler = std::function<std::string(const std::string& path, const std::string& request)>;

  explicit LoopbackHttpServer(Handler handler);
  ~LoopbackHttpServer();
  LoopbackHttpServer(const LoopbackHttpServer&) = delete;
  LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

  int port() const { return port_; }
  std::string address() const;  // "127.0.0.1:<port>"
  std::string base() const;     // "http://127.0.0.1:<port>"
  // Requests of `path` so far, and of every path.
  int hits(const std::string& path);
  int requests() const { return requests_.load(); }

 private:
  void Loop();
  void Serve(int connection);

  Handler handler_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::thread> connections_;
  std::map<std::string, int> hits_;
};

// A response with a body (Content-Length set, Connection: close); `extra_headers` are whole
// header lines, each ending in "\r\n". A HEAD request gets the same head without the body.
std::string HttpResponse(int status, const std::string& body,
                         const std::string& content_type = "text/html; charset=utf-8",
                         const std::string& extra_headers = "", bool head = false);

}  // namespace govinspect::testing

#endif  // GOVINSPECT_COMMON_TESTING_LOOPBACK_HTTP_SERVER_H_
