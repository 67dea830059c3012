// dataopen: open-data portal checks

#include "common/log/log.h"
#include "govinspect/dataopen/v1/dataopen_service.grpc.pb.h"
#include "services/main_support/basic_server.h"
#include "services/main_support/server_flags.h"

int main(int argc, char** argv) {
  sigset_t signals = govinspect::common::BlockShutdownSignals();
  govinspect::main_support::InitServerMain(argc, argv, "dataopen", "govinspect dataopen: open-data portal checks");
  auto common = govinspect::main_support::ReadCommonServerFlags("dataopen");
  if (!common.ok()) return govinspect::main_support::FailStartup("dataopen", common.status());

  // The DataOpenService RPCs answer UNIMPLEMENTED until its checks land.
  govinspect::dataopen::v1::DataOpenService::CallbackService service;
  govinspect::common::QueueWorkerOptions worker = common->worker;
  worker.kind = "portal";
  govinspect::main_support::BasicServer server;
  absl::Status s = server.BuildAndStart(
      common->server, {{&service, "govinspect.dataopen.v1.DataOpenService"}}, worker,
      govinspect::main_support::NotAssessedHandler("open-data portal checks are not implemented in this version"));
  if (!s.ok()) return govinspect::main_support::FailStartup("dataopen", s);
  int sig = govinspect::common::WaitForShutdownSignal(signals);
  GI_LOG(INFO).With("signal", sig) << "shutdown requested";
  server.Shutdown();
  return 0;
}
