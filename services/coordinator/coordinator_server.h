#ifndef GOVINSPECT_SERVICES_COORDINATOR_COORDINATOR_SERVER_H_
#define GOVINSPECT_SERVICES_COORDINATOR_COORDINATOR_SERVER_H_

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/concurrency/bounded_executor.h"
#include "common/grpc/auth.h"
#include "common/grpc/server_runner.h"
#include "common/redis/redis_pool.h"
#include "services/coordinator/coordinator_service.h"
#include "services/coordinator/probe_scheduler.h"
#include "services/coordinator/round_manager.h"

namespace govinspect::coordinator {

struct CoordinatorServerOptions {
  common::ServerRunnerOptions server;
  common::RedisOptions redis;
  std::string key_prefix = "govinspect";
  // API token for mutating RPCs; empty = none required (logged as a warning).
  std::string api_token;
  // Where the scoring and report services listen; empty = skip that step with a note.
  std::string scoring_address;
  std::string report_address;
  absl::Duration step_timeout = absl::Minutes(5);
  // Scoring / report steps: attempts with a doubling backoff per sweep, and how long a round may
  // wait for a service that stays unavailable before it fails (RoundManagerOptions).
  int step_attempts = 5;
  absl::Duration step_backoff = absl::Seconds(2);
  absl::Duration step_give_up = absl::Hours(1);
  absl::Duration event_claim_idle = absl::Minutes(1);
  int executor_threads = 4;
  int executor_queue = 256;
  absl::Duration lease = absl::Seconds(120);
  int max_deliveries = 5;
  absl::Duration sweep_every = absl::Seconds(5);
  absl::Duration watch_period = absl::Milliseconds(250);
  absl::Duration metrics_period = absl::Seconds(5);
  // The availability probe schedule and what rounds read of it (docs/crawler.md).
  ProbeOptions probe;
};

absl::Status ValidateOptions(const CoordinatorServerOptions& options);

class CoordinatorServer {
 public:
  CoordinatorServer();
  ~CoordinatorServer();

  absl::Status BuildAndStart(const CoordinatorServerOptions& options);
  void Shutdown();
  int port() const { return runner_ ? runner_->port() : 0; }
  common::ServerRunner* runner() { return runner_.get(); }

 private:
  void CollectMetrics();

  CoordinatorServerOptions options_;
  std::unique_ptr<common::ServerRunner> runner_;
  std::unique_ptr<common::RedisPool> pool_;
  std::unique_ptr<PipelineSteps> steps_;
  std::unique_ptr<RoundManager> manager_;
  std::unique_ptr<common::BoundedExecutor> executor_;
  std::unique_ptr<common::RpcAuthorizer> auth_;
  std::unique_ptr<WatchHub> hub_;
  std::unique_ptr<RegistryServiceImpl> registry_service_;
  std::unique_ptr<RoundServiceImpl> round_service_;
  std::atomic<bool> stop_{false};
  std::thread event_loop_;
  std::thread metrics_thread_;
  std::unique_ptr<ProbeScheduler> probe_scheduler_;
  std::thread probe_thread_;
  absl::Notification metrics_stop_;
};

}  // namespace govinspect::coordinator

#endif  // GOVINSPECT_SERVICES_COORDINATOR_COORDINATOR_SERVER_H_
