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
ABSL_FLAG(absl::Duration, step_give_up, absl::Hours(1),
          "How long a round waits in SCORING / REPORTING for a scoring or report service that is "
          "unavailable (retried every sweep) before it fails");
ABSL_FLAG(bool, probe_enabled, true, "Keep the standing availability probe schedule");
ABSL_FLAG(absl::Duration, probe_interval, absl::Hours(1),
          "Mean time between two availability probes of one site (1h = 24 a day)");
ABSL_FLAG(double, probe_jitter, 0.3, "Relative jitter of each probe interval, in [0, 1)");
ABSL_FLAG(absl::Duration, probe_window, absl::Hours(24 * 7),
          "Probes a round reads: this long before min(now, the end of as_of)");
ABSL_FLAG(absl::Duration, probe_retention, absl::Hours(24 * 8), "How long probe attempts are kept");
ABSL_FLAG(int, probe_min_count, 20, "Fewer probes in the window: no availability verdict");
ABSL_FLAG(double, probe_threshold, 0.05, "Failure ratio from which a site is unreachable (veto)");

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
  options.step_give_up = absl::GetFlag(FLAGS_step_give_up);
  options.probe.enabled = absl::GetFlag(FLAGS_probe_enabled);
  options.probe.interval = absl::GetFlag(FLAGS_probe_interval);
  options.probe.jitter = absl::GetFlag(FLAGS_probe_jitter);
  options.probe.window = absl::GetFlag(FLAGS_probe_window);
  options.probe.store.retention = absl::GetFlag(FLAGS_probe_retention);
  options.probe.min_probes = absl::GetFlag(FLAGS_probe_min_count);
  options.probe.threshold = absl::GetFlag(FLAGS_probe_threshold);

  govinspect::coordinator::CoordinatorServer server;
  if (absl::Status s = server.BuildAndStart(options); !s.ok()) {
    return govinspect::main_support::FailStartup("coordinator", s);
  }
  int sig = govinspect::common::WaitForShutdownSignal(signals);
  GI_LOG(INFO).With("signal", sig) << "shutdown requested";
  server.Shutdown();
  return 0;
}
