// scoring: scores rounds against rulesets.

#include "absl/flags/flag.h"
#include "common/log/log.h"
#include "services/main_support/server_flags.h"
#include "services/scoring/scoring_server.h"

#ifndef GOVINSPECT_DEFAULT_RULESETS_DIR
#define GOVINSPECT_DEFAULT_RULESETS_DIR "rulesets"
#endif

ABSL_FLAG(std::string, rulesets_dir, GOVINSPECT_DEFAULT_RULESETS_DIR,
          "Directory of ruleset files (*.textproto), all loaded at startup (default: the source "
          "tree's rulesets/ this binary was built from)");
ABSL_FLAG(int, executor_threads, 2, "Threads for blocking RPC work (Redis, scoring)");

int main(int argc, char** argv) {
  sigset_t signals = govinspect::common::BlockShutdownSignals();
  govinspect::main_support::InitServerMain(argc, argv, "scoring",
                                           "govinspect scoring: scores rounds against rulesets");
  auto common = govinspect::main_support::ReadCommonServerFlags("scoring");
  if (!common.ok()) return govinspect::main_support::FailStartup("scoring", common.status());

  govinspect::scoring::ScoringServerOptions options;
  options.server = common->server;
  options.redis = common->redis;
  options.key_prefix = common->key_prefix;
  options.api_token = common->api_token;
  options.rulesets_dir = absl::GetFlag(FLAGS_rulesets_dir);
  options.executor_threads = absl::GetFlag(FLAGS_executor_threads);

  govinspect::scoring::ScoringServer server;
  if (absl::Status s = server.BuildAndStart(options); !s.ok()) {
    return govinspect::main_support::FailStartup("scoring", s);
  }
  int sig = govinspect::common::WaitForShutdownSignal(signals);
  GI_LOG(INFO).With("signal", sig) << "shutdown requested";
  server.Shutdown();
  return 0;
}
