// report: writes the notice and its annexes

#include "common/log/log.h"
#include "govinspect/report/v1/report_service.grpc.pb.h"
#include "services/main_support/basic_server.h"
#include "services/main_support/server_flags.h"

int main(int argc, char** argv) {
  sigset_t signals = govinspect::common::BlockShutdownSignals();
  govinspect::main_support::InitServerMain(argc, argv, "report", "govinspect report: writes the notice and its annexes");
  auto common = govinspect::main_support::ReadCommonServerFlags("report");
  if (!common.ok()) return govinspect::main_support::FailStartup("report", common.status());

  // The ReportService RPCs answer UNIMPLEMENTED until its checks land.
  govinspect::report::v1::ReportService::CallbackService service;
  govinspect::common::QueueWorkerOptions worker = common->worker;
  worker.kind = "";
  govinspect::main_support::BasicServer server;
  absl::Status s = server.BuildAndStart(
      common->server, {{&service, "govinspect.report.v1.ReportService"}}, worker,
      nullptr);
  if (!s.ok()) return govinspect::main_support::FailStartup("report", s);
  int sig = govinspect::common::WaitForShutdownSignal(signals);
  GI_LOG(INFO).With("signal", sig) << "shutdown requested";
  server.Shutdown();
  return 0;
}
