// coordinator: the registry, the rounds and their lifecycle.

#include "absl/flags/flag.h"
#include "common/log/log.h"
#include "services/coordinator/coordinator_server.h"
#include "services/main_support/server_flags.h"

ABSL_FLAG(std::string, scoring_address, "127.0.0.1:50055",
          "Scoring service address; empty = skip scoring with a note");
ABSL_FLAG(std::string, report_address, "127.0.0.1:50056",
          "Report service address; empty = skip the report with a note");
ABSL_FLAG(int, executor_threads, 4, "Threads for blocking RPC work");

int main(int argc, char** argv) {
  sigset_t signals = govinspect::common::BlockShutdownSignals();
  govinspect::main_support::InitServerMain(
      argc, argv, "coordinator", "govinspect coordinator: registry and inspection rounds");
  auto common = govinspect::main_support::ReadCommonServerFlags("coordinator");
  if (!common.ok()) return govinspect::main_support::FailStartup("coordinator", common.status());

  govinspect::coordinator::CoordinatorServerOptions options;
  options.server = common->server;
  options.redis = common->redis;
  options.key_prefix = common->key_prefix;
  options.api_token = common->api_token;
  options.scoring_address = absl::GetFlag(FLAGS_scoring_address);
  options.report_address = absl::GetFlag(FLAGS_report_address);
  options.lease = common->worker.queue.lease;
  options.max_deliveries = common->worker.queue.max_deliveries;
  options.executor_threads = absl::GetFlag(FLAGS_executor_threads);

  govinspect::coordinator::CoordinatorServer server;
  if (absl::Status s = server.BuildAndStart(options); !s.ok()) {
    return govinspect::main_support::FailStartup("coordinator", s);
  }
  int sig = govinspect::common::WaitForShutdownSignal(signals);
  GI_LOG(INFO).With("signal", sig) << "shutdown requested";
  server.Shutdown();
  return 0;
}
