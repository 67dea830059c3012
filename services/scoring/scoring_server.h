#ifndef GOVINSPECT_SERVICES_SCORING_SCORING_SERVER_H_
#define GOVINSPECT_SERVICES_SCORING_SCORING_SERVER_H_

#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "common/concurrency/bounded_executor.h"
#include "common/grpc/auth.h"
#include "common/grpc/server_runner.h"
#include "common/redis/redis_pool.h"
#include "services/scoring/round_scorer.h"
#include "services/scoring/ruleset.h"
#include "services/scoring/scoring_service.h"

namespace govinspect::scoring {

struct ScoringServerOptions {
  common::ServerRunnerOptions server;
  common::RedisOptions redis;
  std::string key_prefix = "govinspect";
  // API token for ScoreRound / RescoreRound; empty = none required (logged as a warning).
  std::string api_token;
  // Directory of *.textproto rulesets, all loaded (and validated) at startup.
  std::string rulesets_dir;
  int executor_threads = 2;
  int executor_queue = 64;
};

absl::Status ValidateOptions(const ScoringServerOptions& options);

// Per-round gauges of the latest scoring of each (round, ruleset), for the newest kMaxRounds:
//   govinspect_scoring_pass_ratio{round,ruleset,target_kind}   合格率 / 达标率
//   govinspect_scoring_problems{round,ruleset,kind}            findings per finding kind
class RoundMetrics {
 public:
  explicit RoundMetrics(prometheus::Registry& registry);
  void Record(const v1::Scoring& scoring);

 private:
  static constexpr size_t kMaxRounds = 20;
  struct Series {
    std::vector<prometheus::Gauge*> pass;
    std::vector<prometheus::Gauge*> problems;
  };
  prometheus::Family<prometheus::Gauge>& pass_ratio_;
  prometheus::Family<prometheus::Gauge>& problems_;
  absl::Mutex mu_;
  std::map<std::string, Series> series_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> order_ ABSL_GUARDED_BY(mu_);
};

class ScoringServer {
 public:
  ScoringServer();
  ~ScoringServer();

  // Loads the rulesets (INVALID_ARGUMENT with file:line for a bad one), checks Redis, starts.
  absl::Status BuildAndStart(const ScoringServerOptions& options);
  void Shutdown();
  int port() const { return runner_ ? runner_->port() : 0; }
  common::ServerRunner* runner() { return runner_.get(); }

 private:
  std::unique_ptr<common::ServerRunner> runner_;
  std::unique_ptr<common::RedisPool> pool_;
  std::unique_ptr<common::BoundedExecutor> executor_;
  std::unique_ptr<common::RpcAuthorizer> auth_;
  std::unique_ptr<RoundMetrics> round_metrics_;
  std::unique_ptr<RoundScorer> scorer_;
  std::unique_ptr<ScoringServiceImpl> service_;
};

}  // namespace govinspect::scoring

#endif  // GOVINSPECT_SERVICES_SCORING_SCORING_SERVER_H_
