#include "common/testing/redis_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"

namespace govinspect::testing {

TempDir::TempDir() {
  const char* base = getenv("TMPDIR");
  std::string tmpl = absl::StrCat(base != nullptr ? base : "/tmp", "/govinspect-test-XXXXXX");
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) {
    perror("mkdtemp");
    abort();
  }
  path_ = buf.data();
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

int PickFreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

RedisServer::RedisServer() : RedisServer(Options{}) {}

RedisServer::RedisServer(Options options) : options_(std::move(options)) {
  const char* base = getenv("TMPDIR");
  // Unix socket paths are limited to 108 bytes: keep the dir short.
  std::string tmpl = absl::StrCat(base != nullptr ? base : "/tmp", "/gi-redis-XXXXXX");
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) {
    perror("mkdtemp");
    abort();
  }
  dir_ = buf.data();
  socket_ = dir_ + "/redis.sock";
  if (options_.tcp) port_ = PickFreePort();
}

RedisServer::~RedisServer() {
  Stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string RedisServer::address() const { return absl::StrCat("unix:", socket_); }

common::RedisOptions RedisServer::connection_options() const {
  common::RedisOptions o;
  o.unix_socket = socket_;
  o.password = options_.password;
  o.command_timeout = absl::Seconds(10);
  return o;
}

absl::Status RedisServer::Start() {
  if (pid_ > 0) return absl::OkStatus();
  std::filesystem::remove(socket_);
  std::vector<std::string> args = {"redis-server",
                                   "--port", absl::StrCat(port_),
                                   "--bind", "127.0.0.1",
                                   "--unixsocket", socket_,
                                   "--unixsocketperm", "700",
                                   "--dir", dir_,
                                   "--save", "",
                                   "--appendonly", options_.appendonly ? "yes" : "no",
                                   "--appendfsync", "everysec",
                                   "--daemonize", "no",
                                   "--loglevel", "warning",
                                   "--logfile", dir_ + "/redis.log"};
  if (!options_.password.empty()) {
    args.push_back("--requirepass");
    args.push_back(options_.password);
  }
  pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    // Die with the test, and do not hold the test's output pipes open.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    int devnull = open("/dev/null", O_RDWR);
    if (devnull >= 0) {
      dup2(devnull, STDIN_FILENO);
      dup2(devnull, STDOUT_FILENO);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execvp("redis-server", argv.data());
    perror("execvp redis-server");
    _exit(127);
  }
  pid_ = pid;
  // Wait (bounded) for the socket to accept a PING.
  for (int i = 0; i < 500; ++i) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return absl::InternalError(absl::StrCat("redis-server exited early; see ", dir_, "/redis.log"));
    }
    if (std::filesystem::exists(socket_)) {
      common::RedisOptions o = connection_options();
      o.reconnect_attempts = 0;
      common::RedisConnection c(o);
      auto r = c.Command({"PING"});
      if (r.ok()) return absl::OkStatus();
      // LOADING while the AOF is replayed: keep waiting.
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return absl::DeadlineExceededError("redis-server did not start within 10 s");
}

void RedisServer::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

void RedisServer::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  for (int i = 0; i < 250; ++i) {
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  Kill();
}

int64_t OomErrors(common::RedisConnection& conn) {
  auto info = conn.Command({"INFO", "errorstats"});
  if (!info.ok()) return -1;
  const std::string key = "errorstat_OOM:count=";
  size_t at = info->str.find(key);
  return at == std::string::npos ? 0 : std::stoll(info->str.substr(at + key.size()));
}

}  // namespace govinspect::testing
