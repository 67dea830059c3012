#ifndef GOVINSPECT_SERVICES_DATAOPEN_DATAOPEN_SERVER_H_
#define GOVINSPECT_SERVICES_DATAOPEN_DATAOPEN_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "common/concurrency/bounded_executor.h"
#include "common/grpc/auth.h"
#include "common/grpc/server_runner.h"
#include "common/http/fetcher.h"
#include "common/redis/redis_pool.h"
#include "common/worker/queue_worker.h"
#include "services/dataopen/ckan_client.h"
#include "services/dataopen/dataopen_service.h"
#include "services/dataopen/opendata_check.h"

namespace govinspect::dataopen {

struct DataOpenServerOptions {
  common::ServerRunnerOptions server;
  // kind is set to "portal"; threads 0 = no queue worker (API only).
  common::QueueWorkerOptions worker;
  // For the registry read by CheckPortal.
  common::RedisOptions redis;
  std::string key_prefix = "govinspect";
  // Every CKAN call and resource probe (connect_to maps the simulator's hosts).
  common::FetchOptions fetch;
  OpenDataCheckOptions check;
  std::string api_token;
  // CheckPortal calls running at once (more are queued, then RESOURCE_EXHAUSTED).
  int check_threads = 1;
};

absl::Status ValidateOptions(const DataOpenServerOptions& options);

// The dataopen process: `portal` queue workers plus the DataOpenService API.
class DataOpenServer {
 public:
  ~DataOpenServer() { Shutdown(); }
  absl::Status BuildAndStart(const DataOpenServerOptions& options);
  void Shutdown();
  int port() const { return runner_ ? runner_->port() : 0; }
  common::ServerRunner* runner() { return runner_.get(); }

 private:
  DataOpenServerOptions options_;
  std::unique_ptr<common::ServerRunner> runner_;
  std::unique_ptr<FetchTransport> transport_;
  std::unique_ptr<CkanMetrics> ckan_metrics_;
  std::unique_ptr<UnitMetrics> unit_metrics_;
  std::unique_ptr<common::RedisPool> pool_;
  std::unique_ptr<common::BoundedExecutor> executor_;
  std::unique_ptr<common::RpcAuthorizer> auth_;
  std::unique_ptr<DataOpenServiceImpl> service_;
  std::unique_ptr<common::QueueWorker> worker_;
};

}  // namespace govinspect::dataopen

#endif  // GOVINSPECT_SERVICES_DATAOPEN_DATAOPEN_SERVER_H_
