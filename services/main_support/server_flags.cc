#include "services/main_support/server_flags.h"

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/grpc/auth.h"
#include "common/log/log.h"

ABSL_FLAG(std::string, listen_address, "",
          "gRPC listen address host:port (default 0.0.0.0:<the service's port>; port 0 = any)");
ABSL_FLAG(std::string, metrics_address, "",
          "Prometheus /metrics address host:port (default 0.0.0.0:<the service's metrics "
          "port>; 'none' = no endpoint)");
ABSL_FLAG(std::string, redis_address, "127.0.0.1:6379", "Redis: host:port or unix:/path");
ABSL_FLAG(std::string, redis_password, "",
          "Redis AUTH password (pass it with --tryfromenv=redis_password and FLAGS_redis_password)");
ABSL_FLAG(int, redis_db, 0, "Redis database number");
ABSL_FLAG(std::string, api_token, "",
          "Bearer token required by mutating RPCs (use --tryfromenv=api_token and "
          "FLAGS_api_token); empty = none");
ABSL_FLAG(std::string, key_prefix, "govinspect", "Prefix of every Redis key");
ABSL_FLAG(absl::Duration, shutdown_grace, absl::Seconds(10),
          "Time in-flight RPCs get after SIGTERM");
ABSL_FLAG(std::string, tls_cert_file, "", "PEM server certificate (enables TLS)");
ABSL_FLAG(std::string, tls_key_file, "", "PEM private key of --tls_cert_file");
ABSL_FLAG(std::string, tls_client_ca_file, "",
          "PEM CA: require client certificates signed by it (they count as authenticated)");
ABSL_FLAG(std::string, log_level, "INFO", "DEBUG, INFO, WARNING or ERROR");
ABSL_FLAG(absl::Duration, lease, absl::Seconds(120),
          "Lease of a queue task: a task held longer without renewal goes to another worker "
          "(same value on the coordinator and the workers)");
ABSL_FLAG(int, max_deliveries, 5,
          "Deliveries of a task before it is dead-lettered (same value everywhere)");
ABSL_FLAG(int, worker_threads, 4, "Queue worker threads (crawler, newmedia, dataopen); 0 = none");

namespace govinspect::main_support {
namespace {

// Values that stand for "set me" in examples and templates. A service given one refuses to start:
// a deployment with a placeholder token or password would run open to anyone who read the docs.
bool IsPlaceholderSecret(const std::string& value) {
  const std::string v = absl::AsciiStrToLower(value);
  return v == "change-me" || v == "changeme" || v == "change_me" || v == "replace-me" ||
         v == "placeholder" || v == "secret" || v == "password";
}

int DefaultPort(const std::string& name) {
  if (name == "coordinator") return 50051;
  if (name == "crawler") return 50052;
  if (name == "newmedia") return 50053;
  if (name == "dataopen") return 50054;
  if (name == "scoring") return 50055;
  if (name == "report") return 50056;
  return 0;
}

}  // namespace

void InitServerMain(int argc, char** argv, const std::string& name, const char* usage) {
  absl::SetProgramUsageMessage(usage);
  absl::ParseCommandLine(argc, argv);
  common::SetLogServiceName(name);
  std::string level = absl::GetFlag(FLAGS_log_level);
  if (level == "DEBUG") common::SetMinLogSeverity(common::Severity::kDEBUG);
  else if (level == "WARNING") common::SetMinLogSeverity(common::Severity::kWARNING);
  else if (level == "ERROR") common::SetMinLogSeverity(common::Severity::kERROR);
}

absl::StatusOr<CommonServerConfig> ReadCommonServerFlags(const std::string& name) {
  CommonServerConfig c;
  int port = DefaultPort(name);
  c.server.service_name = name;
  c.server.listen_address = absl::GetFlag(FLAGS_listen_address);
  if (c.server.listen_address.empty()) c.server.listen_address = absl::StrCat("0.0.0.0:", port);
  c.server.metrics_address = absl::GetFlag(FLAGS_metrics_address);
  if (c.server.metrics_address.empty()) {
    c.server.metrics_address = absl::StrCat("0.0.0.0:", port == 0 ? 0 : port + 1000);
  } else if (c.server.metrics_address == "none") {
    c.server.metrics_address.clear();
  }
  c.server.shutdown_grace = absl::GetFlag(FLAGS_shutdown_grace);
  c.server.tls_cert_file = absl::GetFlag(FLAGS_tls_cert_file);
  c.server.tls_key_file = absl::GetFlag(FLAGS_tls_key_file);
  c.server.tls_client_ca_file = absl::GetFlag(FLAGS_tls_client_ca_file);
  if (absl::Status s = common::ParseRedisAddress(absl::GetFlag(FLAGS_redis_address), &c.redis);
      !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--redis_address: ", s.message()));
  }
  c.redis.password = absl::GetFlag(FLAGS_redis_password);
  c.redis.db = absl::GetFlag(FLAGS_redis_db);
  c.key_prefix = absl::GetFlag(FLAGS_key_prefix);
  absl::StatusOr<std::string> token =
      common::NormalizeApiToken(absl::GetFlag(FLAGS_api_token), "--api_token");
  if (!token.ok()) return token.status();
  c.api_token = *std::move(token);
  if (IsPlaceholderSecret(c.api_token)) {
    return absl::InvalidArgumentError(
        "--api_token is a placeholder value: create the Secret govinspect-secrets with a real "
        "token (docs/operations.md, \"Secrets\")");
  }
  if (IsPlaceholderSecret(c.redis.password)) {
    return absl::InvalidArgumentError(
        "--redis_password is a placeholder value: create the Secret govinspect-secrets with a "
        "real password (docs/operations.md, \"Secrets\")");
  }
  c.worker.redis = c.redis;
  c.worker.threads = absl::GetFlag(FLAGS_worker_threads);
  c.worker.queue.key_prefix = c.key_prefix;
  c.worker.queue.lease = absl::GetFlag(FLAGS_lease);
  c.worker.queue.max_deliveries = absl::GetFlag(FLAGS_max_deliveries);
  if (c.worker.queue.lease < absl::Seconds(1)) {
    return absl::InvalidArgumentError("--lease must be at least 1s");
  }
  if (c.worker.queue.max_deliveries < 1) {
    return absl::InvalidArgumentError("--max_deliveries must be at least 1");
  }
  if (c.worker.threads < 0) return absl::InvalidArgumentError("--worker_threads must be ≥ 0");
  std::string level = absl::GetFlag(FLAGS_log_level);
  if (level != "DEBUG" && level != "INFO" && level != "WARNING" && level != "ERROR") {
    return absl::InvalidArgumentError(absl::StrCat("--log_level \"", level, "\" is not one of DEBUG, INFO, WARNING, ERROR"));
  }
  return c;
}

int FailStartup(const std::string& name, const absl::Status& status) {
  GI_LOG(CRITICAL) << name << " cannot start: " << status;
  return 1;
}

}  // namespace govinspect::main_support
