#ifndef GOVINSPECT_SERVICES_MAIN_SUPPORT_SERVER_FLAGS_H_
#define GOVINSPECT_SERVICES_MAIN_SUPPORT_SERVER_FLAGS_H_

// The flags every govinspect server binary shares, defined once here and linked only into the
// binaries (main.cc files); libraries receive plain Options structs.

#include <string>

#include "absl/status/statusor.h"
#include "common/grpc/server_runner.h"
#include "common/redis/redis_client.h"
#include "common/worker/queue_worker.h"

namespace govinspect::main_support {

struct CommonServerConfig {
  common::ServerRunnerOptions server;
  common::RedisOptions redis;
  std::string key_prefix;
  std::string api_token;
  // Queue worker settings (kind left empty); lease and max_deliveries also used by the
  // coordinator.
  common::QueueWorkerOptions worker;
};

// Reads the shared flags (after absl::ParseCommandLine) for the service `name`, whose default
// gRPC port is `default_port` and default metrics port `default_metrics_port`.
absl::StatusOr<CommonServerConfig> ReadCommonServerFlags(const std::string& name);

// Parses the command line, sets up JSON logging for `name`; call first thing in main() after
// blocking signals.
void InitServerMain(int argc, char** argv, const std::string& name, const char* usage);

// Logs the startup error as one JSON line and returns the exit code 1.
int FailStartup(const std::string& name, const absl::Status& status);

}  // namespace govinspect::main_support

#endif  // GOVINSPECT_SERVICES_MAIN_SUPPORT_SERVER_FLAGS_H_
