#ifndef GOVINSPECT_SERVICES_NEWMEDIA_NEWMEDIA_SERVER_H_
#define GOVINSPECT_SERVICES_NEWMEDIA_NEWMEDIA_SERVER_H_

#include <prometheus/counter.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/concurrency/bounded_executor.h"
#include "common/grpc/auth.h"
#include "common/grpc/server_runner.h"
#include "common/http/fetcher.h"
#include "common/redis/redis_pool.h"
#include "common/text/content_checker.h"
#include "common/worker/queue_worker.h"
#include "services/newmedia/account_check.h"
#include "services/newmedia/http_platform_adapter.h"
#include "services/newmedia/newmedia_service.h"

namespace govinspect::newmedia {

// The simulator's hosts (docs/platform-api.md).
constexpr char kDefaultPlatformApi[] =
    "wechat=http://api.wechat.sim,weibo=http://api.weibo.sim,douyin=http://api.douyin.sim,"
    "toutiao=http://api.toutiao.sim";

// Parses --platform_api: `PLATFORM=URL` pairs, comma-separated; URL `none` leaves the platform
// without an adapter (its accounts are NOT_ASSESSED). Platforms: wechat, weibo, douyin, toutiao,
// app, other.
absl::StatusOr<std::map<std::string, std::string>> ParsePlatformApi(const std::string& spec);

struct NewMediaServerOptions {
  common::ServerRunnerOptions server;
  // kind is set to "account"; threads 0 = no queue worker (API only).
  common::QueueWorkerOptions worker;
  common::RedisOptions redis;
  std::string key_prefix = "govinspect";
  std::string api_token;
  // platform id → API base URL (ParsePlatformApi).
  std::map<std::string, std::string> platform_api;
  // Every platform call (connect_to maps the simulator's hosts; timeout per request).
  common::FetchOptions fetch;
  HttpAdapterOptions adapter;
  // Requests per second per platform (0 = unlimited) and the burst allowed.
  double platform_qps = 50;
  int platform_burst = 10;
  AccountCheckOptions check;
  // Dictionaries directory (expression-errors.txt, …); empty = the built-in set.
  std::string dictionaries_dir;
  // CheckAccount calls running at once.
  int check_threads = 2;
};

absl::Status ValidateOptions(const NewMediaServerOptions& options);

// Counters of checked accounts: govinspect_newmedia_accounts_checked_total{outcome} (outcome:
// clean, findings, not_assessed, retry) and govinspect_newmedia_content_check_seconds_total.
class CheckMetrics {
 public:
  explicit CheckMetrics(prometheus::Registry& registry);
  void Record(const AccountCheckResult& result, bool retry);

 private:
  prometheus::Counter* clean_;
  prometheus::Counter* findings_;
  prometheus::Counter* not_assessed_;
  prometheus::Counter* retry_;
  prometheus::Counter* content_seconds_;
};

// The adapters, limiters and checker of one process (also used by tests and the benchmark).
class AccountChecker {
 public:
  static absl::StatusOr<std::unique_ptr<AccountChecker>> Create(
      const NewMediaServerOptions& options, prometheus::Registry* registry,
      std::unique_ptr<HttpGetter> getter = nullptr);
  AccountCheckResult Check(const common::v1::TaskPayload& payload) const;
  const AdapterMap& adapters() const { return adapters_; }
  int64_t requests() const;

 private:
  AccountCheckOptions check_;
  std::unique_ptr<HttpGetter> getter_;
  std::unique_ptr<AdapterMetrics> metrics_;
  std::vector<std::unique_ptr<RateLimiter>> limiters_;
  std::vector<std::unique_ptr<HttpPlatformAdapter>> owned_;
  AdapterMap adapters_;
  std::unique_ptr<common::ContentChecker> content_;
};

// The newmedia process: `account` queue workers plus the NewMediaService API.
class NewMediaServer {
 public:
  ~NewMediaServer() { Shutdown(); }
  absl::Status BuildAndStart(const NewMediaServerOptions& options);
  void Shutdown();
  int port() const { return runner_ ? runner_->port() : 0; }

 private:
  absl::StatusOr<common::v1::Observation> RunTask(const common::v1::TaskPayload& payload,
                                                  const common::Task& task);
  // The orphan-unit plan of a round, from its registry snapshot in Redis (cached per round).
  absl::StatusOr<std::shared_ptr<const OrphanUnitPlan>> RoundPlan(const std::string& round_id);
  // Searches the units without filed accounts (in the task of the registry's first account).
  absl::Status SearchOrphanUnits(const common::v1::TaskPayload& payload, const common::Task& task,
                                 bool last_delivery);

  // Stores a unit observation part (MergeUnitObservation) with the queue worker's retry
  // (common::RetryResultWrite): a Redis that is restarting, failing over or refusing writes
  // (maxmemory) is tried again with backoff for worker.result_retry (docs/queue.md) instead of
  // the task costing a whole lease; stops early on Shutdown(). Errors name the unit.
  absl::Status StoreUnitObservation(const std::string& round, const common::v1::Observation& obs);

  NewMediaServerOptions options_;
  std::atomic<bool> stopping_{false};
  std::unique_ptr<common::ServerRunner> runner_;
  std::unique_ptr<AccountChecker> checker_;
  std::unique_ptr<CheckMetrics> metrics_;
  std::unique_ptr<common::RedisPool> pool_;
  std::unique_ptr<common::BoundedExecutor> executor_;
  std::unique_ptr<common::RpcAuthorizer> auth_;
  std::unique_ptr<NewMediaServiceImpl> service_;
  std::unique_ptr<common::QueueWorker> worker_;
  absl::Mutex plans_mu_;
  std::map<std::string, std::shared_ptr<const OrphanUnitPlan>> plans_ ABSL_GUARDED_BY(plans_mu_);
};

}  // namespace govinspect::newmedia

#endif  // GOVINSPECT_SERVICES_NEWMEDIA_NEWMEDIA_SERVER_H_
