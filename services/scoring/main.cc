// scoring: scores rounds against rulesets

#include "common/log/log.h"
#include "govinspect/scoring/v1/scoring_service.grpc.pb.h"
#include "services/main_support/basic_server.h"
#include "services/main_support/server_flags.h"

int main(int argc, char** argv) {
  sigset_t signals = govinspect::common::BlockShutdownSignals();
  govinspect::main_support::InitServerMain(argc, argv, "scoring", "govinspect scoring: scores rounds against rulesets");
  auto common = govinspect::main_support::ReadCommonServerFlags("scoring");
  if (!common.ok()) return govinspect::main_support::FailStartup("scoring", common.status());

  // The ScoringService RPCs answer UNIMPLEMENTED until its checks land.
  govinspect::scoring::v1::ScoringService::CallbackService service;
  govinspect::common::QueueWorkerOptions worker = common->worker;
  worker.kind = "";
  govinspect::main_support::BasicServer server;
  absl::Status s = server.BuildAndStart(
      common->server, {{&service, "govinspect.scoring.v1.ScoringService"}}, worker,
      nullptr);
  if (!s.ok()) return govinspect::main_support::FailStartup("scoring", s);
  int sig = govinspect::common::WaitForShutdownSignal(signals);
  GI_LOG(INFO).With("signal", sig) << "shutdown requested";
  server.Shutdown();
  return 0;
}
