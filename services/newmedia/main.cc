// newmedia: checks of government new-media accounts

#include "common/log/log.h"
#include "govinspect/newmedia/v1/newmedia_service.grpc.pb.h"
#include "services/main_support/basic_server.h"
#include "services/main_support/server_flags.h"

int main(int argc, char** argv) {
  sigset_t signals = govinspect::common::BlockShutdownSignals();
  govinspect::main_support::InitServerMain(argc, argv, "newmedia", "govinspect newmedia: checks of government new-media accounts");
  auto common = govinspect::main_support::ReadCommonServerFlags("newmedia");
  if (!common.ok()) return govinspect::main_support::FailStartup("newmedia", common.status());

  // The NewMediaService RPCs answer UNIMPLEMENTED until its checks land.
  govinspect::newmedia::v1::NewMediaService::CallbackService service;
  govinspect::common::QueueWorkerOptions worker = common->worker;
  worker.kind = "account";
  govinspect::main_support::BasicServer server;
  absl::Status s = server.BuildAndStart(
      common->server, {{&service, "govinspect.newmedia.v1.NewMediaService"}}, worker,
      govinspect::main_support::NotAssessedHandler("new-media account checks are not implemented in this version"));
  if (!s.ok()) return govinspect::main_support::FailStartup("newmedia", s);
  int sig = govinspect::common::WaitForShutdownSignal(signals);
  GI_LOG(INFO).With("signal", sig) << "shutdown requested";
  server.Shutdown();
  return 0;
}
