#ifndef GOVINSPECT_COMMON_REDIS_REDIS_CLIENT_H_
#define GOVINSPECT_COMMON_REDIS_REDIS_CLIENT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

struct redisContext;

namespace govinspect::common {

struct RedisOptions {
  // TCP address; ignored when unix_socket is set.
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string unix_socket;
  // AUTH password; empty = no AUTH. Never logged.
  std::string password;
  int db = 0;
  absl::Duration connect_timeout = absl::Seconds(2);
  // Socket timeout per command (blocking commands must block for less than this).
  absl::Duration command_timeout = absl::Seconds(10);
  // Reconnect attempts per call when the connection is down, with exponential backoff.
  int reconnect_attempts = 3;
  absl::Duration reconnect_backoff = absl::Milliseconds(100);
  absl::Duration reconnect_backoff_max = absl::Seconds(2);
};

// A write Redis refused although it is up: maxmemory reached with noeviction (OOM), a failed
// persistence (MISCONF), too few replicas (NOREPLICAS). Such a status is RESOURCE_EXHAUSTED and
// its message contains kWriteRefused (also when a caller prefixed it with context).
inline constexpr char kWriteRefused[] = "redis refused the write";
bool IsWriteRefused(const absl::Status& status);

// Parses "host:port", "[v6]:port" or "unix:/path/to/socket" into `options`.
absl::Status ParseRedisAddress(absl::string_view address, RedisOptions* options);

// A Redis reply copied out of hiredis's memory.
struct RedisReply {
  enum class Type { kNil, kString, kStatus, kError, kInteger, kArray };
  Type type = Type::kNil;
  std::string str;  // kString, kStatus, kError
  int64_t integer = 0;
  std::vector<RedisReply> elements;

  bool is_nil() const { return type == Type::kNil; }
  bool is_error() const { return type == Type::kError; }
  // String or integer as text; "" for nil.
  std::string AsString() const;
  // Integer, or a string that parses as one; 0 otherwise.
  int64_t AsInt() const;
};

// A Lua script run with EVALSHA, loaded on first use and again after NOSCRIPT.
struct RedisScript {
  std::string source;
};

// One connection to one Redis server. Not thread-safe: one per thread.
//
// Arguments are always passed binary-safe (redisCommandArgv). A broken connection is
// re-established on the next call, with backoff; a call whose connection breaks mid-way returns
// UNAVAILABLE and is not retried here (the caller knows whether the command is idempotent).
class RedisConnection {
 public:
  explicit RedisConnection(RedisOptions options);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Connects now (AUTH, SELECT). Later calls connect lazily.
  absl::Status Connect();

  // Runs one command. Error replies become a Status: UNAVAILABLE for LOADING / BUSY /
  // MASTERDOWN / READONLY / TRYAGAIN; RESOURCE_EXHAUSTED "redis refused the write: …" for OOM /
  // MISCONF / NOREPLICAS (IsWriteRefused); FAILED_PRECONDITION otherwise (message starts with
  // Redis's error).
  absl::StatusOr<RedisReply> Command(const std::vector<std::string>& argv);

  // Sends all commands in one write and reads all replies. Error replies stay in the vector.
  absl::StatusOr<std::vector<RedisReply>> Pipeline(
      const std::vector<std::vector<std::string>>& commands);

  // EVALSHA with script loading.
  absl::StatusOr<RedisReply> Eval(const RedisScript& script, const std::vector<std::string>& keys,
                                  const std::vector<std::string>& args);

  // EVALSHA of one script many times in one pipeline (loading it first). Error replies stay in
  // the vector.
  absl::StatusOr<std::vector<RedisReply>> EvalPipeline(
      const RedisScript& script,
      const std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>>& calls);

  bool connected() const { return ctx_ != nullptr; }
  const RedisOptions& options() const { return options_; }

 private:
  absl::Status EnsureConnected();
  absl::Status ConnectOnce();
  void Disconnect();
  absl::Status IoError(absl::string_view what);

  RedisOptions options_;
  redisContext* ctx_ = nullptr;
  std::unordered_map<const RedisScript*, std::string> script_shas_;
};

}  // namespace govinspect::common

#endif  // GOVINSPECT_COMMON_REDIS_REDIS_CLIENT_H_
