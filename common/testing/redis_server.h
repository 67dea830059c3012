#ifndef GOVINSPECT_COMMON_TESTING_REDIS_SERVER_H_
#define GOVINSPECT_COMMON_TESTING_REDIS_SERVER_H_

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "common/redis/redis_client.h"

namespace govinspect::testing {

// A private redis-server for one test: a unix socket in a fresh temp dir, no TCP port,
// optionally with AOF. Stopped (and the dir removed) on destruction.
class RedisServer {
 public:
  struct Options {
    bool appendonly = false;
    std::string password;
    // Also listen on a TCP port on 127.0.0.1 (chosen free) for processes that need host:port.
    bool tcp = false;
  };
  RedisServer();
  explicit RedisServer(Options options);
  ~RedisServer();

  absl::Status Start();
  // SIGKILL; the data dir is kept so Start() again reloads the AOF.
  void Kill();
  void Stop();

  const std::string& socket_path() const { return socket_; }
  int port() const { return port_; }
  // "unix:/path" — for --redis_address flags.
  std::string address() const;
  common::RedisOptions connection_options() const;

 private:
  Options options_;
  std::string dir_;
  std::string socket_;
  int port_ = 0;
  pid_t pid_ = -1;
};

// A fresh temporary directory, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Picks a TCP port on 127.0.0.1 that is free now.
int PickFreePort();

// Errors of kind OOM (writes refused at maxmemory) the server has answered so far, from
// INFO errorstats; -1 if it could not be asked.
int64_t OomErrors(common::RedisConnection& conn);

}  // namespace govinspect::testing

#endif  // GOVINSPECT_COMMON_TESTING_REDIS_SERVER_H_
