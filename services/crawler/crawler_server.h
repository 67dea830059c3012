#ifndef GOVINSPECT_SERVICES_CRAWLER_CRAWLER_SERVER_H_
#define GOVINSPECT_SERVICES_CRAWLER_CRAWLER_SERVER_H_

#include <memory>

#include "absl/status/status.h"
#include "common/concurrency/bounded_executor.h"
#include "common/grpc/auth.h"
#include "common/grpc/server_runner.h"
#include "common/http/fetcher.h"
#include "common/worker/queue_worker.h"
#include "govinspect/crawler/v1/crawler_service.grpc.pb.h"
#include "services/crawler/site_check.h"

namespace govinspect::crawler {

struct CrawlerServerOptions {
  common::ServerRunnerOptions server;
  common::QueueWorkerOptions worker;  // kind "crawl"
  common::FetchOptions fetch;
  std::string api_token;
  int check_threads = 2;  // ad-hoc CheckSite calls running at once
};

absl::Status ValidateOptions(const CrawlerServerOptions& options);

class CrawlerServiceImpl final : public v1::CrawlerService::CallbackService {
 public:
  CrawlerServiceImpl(common::BoundedExecutor* executor, const common::RpcAuthorizer* auth,
                     const common::FetchOptions* fetch, FetchMetrics* metrics)
      : executor_(executor), auth_(auth), fetch_(fetch), metrics_(metrics) {}

  grpc::ServerUnaryReactor* CheckSite(grpc::CallbackServerContext* context,
                                      const v1::CheckSiteRequest* request,
                                      v1::CheckSiteResponse* response) override;

 private:
  common::BoundedExecutor* executor_;
  const common::RpcAuthorizer* auth_;
  const common::FetchOptions* fetch_;
  FetchMetrics* metrics_;
};

// The crawler process: crawl workers on the queue plus the CrawlerService API.
class CrawlerServer {
 public:
  absl::Status BuildAndStart(const CrawlerServerOptions& options);
  void Shutdown();
  ~CrawlerServer() { Shutdown(); }
  int port() const { return runner_ ? runner_->port() : 0; }

 private:
  CrawlerServerOptions options_;
  std::unique_ptr<common::ServerRunner> runner_;
  std::unique_ptr<FetchMetrics> metrics_;
  std::unique_ptr<common::BoundedExecutor> executor_;
  std::unique_ptr<common::RpcAuthorizer> auth_;
  std::unique_ptr<CrawlerServiceImpl> service_;
  std::unique_ptr<common::QueueWorker> worker_;
};

}  // namespace govinspect::crawler

#endif  // GOVINSPECT_SERVICES_CRAWLER_CRAWLER_SERVER_H_
