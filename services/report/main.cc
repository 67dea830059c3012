// report: writes the 通报 (notice), its annex, per-unit rectification sheets and 回头看.

#include "absl/flags/flag.h"
#include "absl/time/time.h"
#include "common/log/log.h"
#include "services/main_support/server_flags.h"
#include "services/report/report_server.h"

ABSL_FLAG(std::string, scoring_address, "127.0.0.1:50055", "Scoring service address");
ABSL_FLAG(absl::Duration, scoring_timeout, absl::Seconds(30),
          "Deadline of each call to the scoring service");
ABSL_FLAG(std::string, reports_dir, "/tmp/govinspect-reports",
          "Directory for report artifacts (a volume in Kubernetes: /var/lib/govinspect/reports)");
ABSL_FLAG(std::string, templates_dir, "",
          "Report templates (a copy of templates/report/gov-2019 edited by the office); empty = "
          "the compiled-in gov-2019 set");
ABSL_FLAG(int, executor_threads, 4, "Threads for reads and downloads");
ABSL_FLAG(int, render_threads, 2, "Reports written at the same time");

int main(int argc, char** argv) {
  sigset_t signals = govinspect::common::BlockShutdownSignals();
  govinspect::main_support::InitServerMain(
      argc, argv, "report", "govinspect report: writes the notice and its annexes");
  auto common = govinspect::main_support::ReadCommonServerFlags("report");
  if (!common.ok()) return govinspect::main_support::FailStartup("report", common.status());

  govinspect::report::ReportServerOptions options;
  options.server = common->server;
  options.redis = common->redis;
  options.key_prefix = common->key_prefix;
  options.api_token = common->api_token;
  options.scoring_address = absl::GetFlag(FLAGS_scoring_address);
  options.scoring_timeout = absl::GetFlag(FLAGS_scoring_timeout);
  options.reports_dir = absl::GetFlag(FLAGS_reports_dir);
  options.templates_dir = absl::GetFlag(FLAGS_templates_dir);
  options.executor_threads = absl::GetFlag(FLAGS_executor_threads);
  options.render_threads = absl::GetFlag(FLAGS_render_threads);

  govinspect::report::ReportServer server;
  if (absl::Status s = server.BuildAndStart(options); !s.ok()) {
    return govinspect::main_support::FailStartup("report", s);
  }
  int sig = govinspect::common::WaitForShutdownSignal(signals);
  GI_LOG(INFO).With("signal", sig) << "shutdown requested";
  server.Shutdown();
  return 0;
}
