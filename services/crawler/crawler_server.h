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
#include "services/crawler/probe_worker.h"
#include "services/crawler/site_check.h"

namespace govinspect::crawler {

struct CrawlerServerOptions {
  common::ServerRunnerOptions server;
  common::QueueWorkerOptions worker;  // kind "crawl"
  CrawlOptions crawl;
  // Probe workers (threads 0 = none); their engine uses crawl.engine with probe_timeout.
  int probe_threads = 1;
  // Probes taken and run at once per probe thread.
  int probe_batch = 32;
  absl::Duration probe_timeout = absl::Seconds(15);
  std::string api_token;
  int check_threads = 2;  // ad-hoc CheckSite calls running at once
  // How long a round's shared external-link results are kept.
  absl::Duration link_cache_ttl = absl::Hours(24 * 30);
};

absl::Status ValidateOptions(const CrawlerServerOptions& options);

class CrawlerServiceImpl final : public v1::CrawlerService::CallbackService {
 public:
  CrawlerServiceImpl(common::BoundedExecutor* executor, const common::RpcAuthorizer* auth,
                     const CrawlOptions* crawl, FetchMetrics* metrics)
      : executor_(executor), auth_(auth), crawl_(crawl), metrics_(metrics) {}

  grpc::ServerUnaryReactor* CheckSite(grpc::CallbackServerContext* context,
                                      const v1::CheckSiteRequest* request,
                                      v1::CheckSiteResponse* response) override;

 private:
  common::BoundedExecutor* executor_;
  const common::RpcAuthorizer* auth_;
  const CrawlOptions* crawl_;
  FetchMetrics* metrics_;
};

// The crawler process: crawl workers and probe workers on the queue plus the CrawlerService API.
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
  std::unique_ptr<ProbeWorker> prober_;
};

}  // namespace govinspect::crawler

#endif  // GOVINSPECT_SERVICES_CRAWLER_CRAWLER_SERVER_H_
