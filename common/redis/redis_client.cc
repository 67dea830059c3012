#include "common/redis/redis_client.h"

#include <hiredis/hiredis.h>
#include <signal.h>
#include <sys/time.h>

#include <mutex>

#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace govinspect::common {
namespace {


RedisReply Copy(const redisReply* r) {
  RedisReply out;
  if (r == nullptr) return out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::kString;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = RedisReply::Type::kStatus;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = RedisReply::Type::kError;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::kInteger;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::kArray;
      out.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(Copy(r->element[i]));
      break;
    default:
      out.type = RedisReply::Type::kNil;
  }
  return out;
}

absl::Status ErrorReplyToStatus(const std::string& err) {
  if (absl::StartsWith(err, "LOADING") || absl::StartsWith(err, "BUSY ") ||
      absl::StartsWith(err, "MASTERDOWN") || absl::StartsWith(err, "READONLY") ||
      absl::StartsWith(err, "TRYAGAIN")) {
    return absl::UnavailableError(absl::StrCat("redis: ", err));
  }
  // Redis is up but will not store anything: full (maxmemory with noeviction), unable to
  // persist, or short of replicas. Not a Redis restart: it lasts until someone acts.
  if (absl::StartsWith(err, "OOM") || absl::StartsWith(err, "MISCONF") ||
      absl::StartsWith(err, "NOREPLICAS")) {
    return absl::ResourceExhaustedError(absl::StrCat(kWriteRefused, ": ", err));
  }
  return absl::FailedPreconditionError(err);
}

}  // namespace

bool IsWriteRefused(const absl::Status& status) {
  return status.code() == absl::StatusCode::kResourceExhausted &&
         absl::StrContains(status.message(), kWriteRefused);
}

absl::Status ParseRedisAddress(absl::string_view address, RedisOptions* options) {
  if (absl::StartsWith(address, "unix:")) {
    options->unix_socket = std::string(address.substr(5));
    if (options->unix_socket.empty()) {
      return absl::InvalidArgumentError("redis address: empty unix socket path");
    }
    return absl::OkStatus();
  }
  size_t colon = address.rfind(':');
  if (colon == absl::string_view::npos || colon == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("redis address \"", address, "\": want host:port or unix:/path"));
  }
  absl::string_view host = address.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  int port = 0;
  if (!absl::SimpleAtoi(address.substr(colon + 1), &port) || port <= 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("redis address \"", address, "\": bad port"));
  }
  options->host = std::string(host);
  options->port = port;
  options->unix_socket.clear();
  return absl::OkStatus();
}

std::string RedisReply::AsString() const {
  if (type == Type::kInteger) return absl::StrCat(integer);
  return str;
}

int64_t RedisReply::AsInt() const {
  if (type == Type::kInteger) return integer;
  int64_t v = 0;
  if (absl::SimpleAtoi(str, &v)) return v;
  return 0;
}

RedisConnection::RedisConnection(RedisOptions options) : options_(std::move(options)) {
  // hiredis writes with write(2): a peer that went away must be an error, not SIGPIPE.
  static std::once_flag once;
  std::call_once(once, [] { signal(SIGPIPE, SIG_IGN); });
}

RedisConnection::~RedisConnection() { Disconnect(); }

void RedisConnection::Disconnect() {
  if (ctx_ != nullptr) {
    redisFree(ctx_);
    ctx_ = nullptr;
  }
}

absl::Status RedisConnection::Connect() {
  Disconnect();
  return EnsureConnected();
}

absl::Status RedisConnection::ConnectOnce() {
  timeval tv = absl::ToTimeval(options_.connect_timeout);
  redisContext* c = options_.unix_socket.empty()
                        ? redisConnectWithTimeout(options_.host.c_str(), options_.port, tv)
                        : redisConnectUnixWithTimeout(options_.unix_socket.c_str(), tv);
  if (c == nullptr) return absl::ResourceExhaustedError("redis: cannot allocate context");
  if (c->err) {
    std::string msg = c->errstr;
    redisFree(c);
    return absl::UnavailableError(absl::StrCat("redis connect: ", msg));
  }
  redisSetTimeout(c, absl::ToTimeval(options_.command_timeout));
  if (options_.unix_socket.empty()) redisEnableKeepAlive(c);
  ctx_ = c;
  script_shas_.clear();
  if (!options_.password.empty()) {
    std::vector<std::string> argv = {"AUTH", options_.password};
    auto r = Command(argv);
    if (!r.ok()) {
      Disconnect();
      // Do not echo anything that could contain the password.
      return absl::UnauthenticatedError("redis AUTH failed");
    }
  }
  if (options_.db != 0) {
    auto r = Command({"SELECT", absl::StrCat(options_.db)});
    if (!r.ok()) {
      Disconnect();
      return r.status();
    }
  }
  return absl::OkStatus();
}

absl::Status RedisConnection::EnsureConnected() {
  if (ctx_ != nullptr) return absl::OkStatus();
  absl::Duration backoff = options_.reconnect_backoff;
  absl::Status last;
  for (int attempt = 0; attempt <= options_.reconnect_attempts; ++attempt) {
    last = ConnectOnce();
    if (last.ok() || last.code() == absl::StatusCode::kUnauthenticated) return last;
    if (attempt < options_.reconnect_attempts) {
      std::this_thread::sleep_for(absl::ToChronoNanoseconds(backoff));
      backoff = std::min(backoff * 2, options_.reconnect_backoff_max);
    }
  }
  GI_LOG_EVERY_N_SEC(WARNING, 10) << "redis unreachable: " << last;
  return last;
}

absl::Status RedisConnection::IoError(absl::string_view what) {
  std::string msg = ctx_ != nullptr && ctx_->err ? ctx_->errstr : "connection lost";
  Disconnect();
  return absl::UnavailableError(absl::StrCat("redis ", what, ": ", msg));
}

absl::StatusOr<RedisReply> RedisConnection::Command(const std::vector<std::string>& argv) {
  if (absl::Status s = EnsureConnected(); !s.ok()) return s;
  std::vector<const char*> args;
  std::vector<size_t> lens;
  args.reserve(argv.size());
  lens.reserve(argv.size());
  for (const auto& a : argv) {
    args.push_back(a.data());
    lens.push_back(a.size());
  }
  void* raw = redisCommandArgv(ctx_, static_cast<int>(args.size()), args.data(), lens.data());
  if (raw == nullptr) return IoError(argv.empty() ? "" : argv[0]);
  auto* reply = static_cast<redisReply*>(raw);
  RedisReply out = Copy(reply);
  freeReplyObject(reply);
  if (out.is_error()) return ErrorReplyToStatus(out.str);
  return out;
}

absl::StatusOr<std::vector<RedisReply>> RedisConnection::Pipeline(
    const std::vector<std::vector<std::string>>& commands) {
  if (absl::Status s = EnsureConnected(); !s.ok()) return s;
  std::vector<const char*> args;
  std::vector<size_t> lens;
  for (const auto& argv : commands) {
    args.clear();
    lens.clear();
    for (const auto& a : argv) {
      args.push_back(a.data());
      lens.push_back(a.size());
    }
    if (redisAppendCommandArgv(ctx_, static_cast<int>(args.size()), args.data(), lens.data()) !=
        REDIS_OK) {
      return IoError("pipeline append");
    }
  }
  std::vector<RedisReply> out;
  out.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(ctx_, &raw) != REDIS_OK || raw == nullptr) return IoError("pipeline read");
    auto* reply = static_cast<redisReply*>(raw);
    out.push_back(Copy(reply));
    freeReplyObject(reply);
  }
  return out;
}

absl::StatusOr<RedisReply> RedisConnection::Eval(const RedisScript& script,
                                                 const std::vector<std::string>& keys,
                                                 const std::vector<std::string>& args) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (absl::Status s = EnsureConnected(); !s.ok()) return s;
    auto it = script_shas_.find(&script);
    if (it == script_shas_.end()) {
      auto loaded = Command({"SCRIPT", "LOAD", script.source});
      if (!loaded.ok()) return loaded.status();
      it = script_shas_.emplace(&script, loaded->str).first;
    }
    std::vector<std::string> argv;
    argv.reserve(3 + keys.size() + args.size());
    argv.push_back("EVALSHA");
    argv.push_back(it->second);
    argv.push_back(absl::StrCat(keys.size()));
    argv.insert(argv.end(), keys.begin(), keys.end());
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = Command(argv);
    if (!r.ok() && absl::StartsWith(r.status().message(), "NOSCRIPT")) {
      script_shas_.erase(&script);  // Redis restarted without the script cache.
      continue;
    }
    return r;
  }
  return absl::InternalError("redis: script could not be loaded");
}

absl::StatusOr<std::vector<RedisReply>> RedisConnection::EvalPipeline(
    const RedisScript& script,
    const std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>>& calls) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (absl::Status s = EnsureConnected(); !s.ok()) return s;
    auto it = script_shas_.find(&script);
    if (it == script_shas_.end()) {
      auto loaded = Command({"SCRIPT", "LOAD", script.source});
      if (!loaded.ok()) return loaded.status();
      it = script_shas_.emplace(&script, loaded->str).first;
    }
    std::vector<std::vector<std::string>> cmds;
    cmds.reserve(calls.size());
    for (const auto& [keys, args] : calls) {
      std::vector<std::string> argv = {"EVALSHA", it->second, absl::StrCat(keys.size())};
      argv.insert(argv.end(), keys.begin(), keys.end());
      argv.insert(argv.end(), args.begin(), args.end());
      cmds.push_back(std::move(argv));
    }
    auto replies = Pipeline(cmds);
    if (!replies.ok()) return replies;
    bool noscript = false;
    for (const auto& r : *replies) noscript |= r.is_error() && absl::StartsWith(r.str, "NOSCRIPT");
    if (noscript) {
      // Redis restarted mid-way; nothing ran for those calls. Load and run them all again:
      // the scripts we pipeline are idempotent.
      script_shas_.erase(&script);
      continue;
    }
    return replies;
  }
  return absl::InternalError("redis: script could not be loaded");
}

}  // namespace govinspect::common
