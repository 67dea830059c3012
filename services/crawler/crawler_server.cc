#include "services/crawler/crawler_server.h"

#include <curl/curl.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/grpc/unary.h"
#include "common/log/log.h"

namespace govinspect::crawler {

absl::Status ValidateOptions(const CrawlerServerOptions& o) {
  if (absl::Status s = common::ValidateServerRunnerOptions(o.server); !s.ok()) return s;
  if (o.worker.threads < 0) return absl::InvalidArgumentError("--worker_threads must be ≥ 0");
  if (o.fetch.timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--fetch_timeout must be positive");
  }
  if (!o.fetch.connect_to.empty() && o.fetch.connect_to.find(':') == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("--connect_to \"", o.fetch.connect_to, "\": want host:port"));
  }
  if (o.check_threads < 1) return absl::InvalidArgumentError("--check_threads must be ≥ 1");
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* CrawlerServiceImpl::CheckSite(grpc::CallbackServerContext* context,
                                                        const v1::CheckSiteRequest* request,
                                                        v1::CheckSiteResponse* response) {
  if (absl::Status s = auth_->Check(*context); !s.ok()) return common::FinishNow(context, s);
  const std::string& url = request->home_url();
  if (!(absl::StartsWith(url, "http://") || absl::StartsWith(url, "https://"))) {
    return common::FinishNow(
        context, absl::InvalidArgumentError(absl::StrCat("home_url \"", url, "\": want http(s)://")));
  }
  return common::RunOnExecutor(context, response, executor_,
                               [this, url]() -> absl::StatusOr<v1::CheckSiteResponse> {
    common::v1::Site site;
    site.set_name("sites/adhoc");
    site.set_home_url(url);
    v1::CheckSiteResponse resp;
    *resp.mutable_observation() = crawler::CheckSite(site, *fetch_, metrics_);
    return resp;
  });
}

absl::Status CrawlerServer::BuildAndStart(const CrawlerServerOptions& options) {
  if (absl::Status s = ValidateOptions(options); !s.ok()) return s;
  options_ = options;
  curl_global_init(CURL_GLOBAL_DEFAULT);
  runner_ = std::make_unique<common::ServerRunner>(options.server);
  metrics_ = std::make_unique<FetchMetrics>(runner_->registry());
  executor_ = std::make_unique<common::BoundedExecutor>("check", options.check_threads, 16);
  auth_ = std::make_unique<common::RpcAuthorizer>(options.api_token);
  service_ = std::make_unique<CrawlerServiceImpl>(executor_.get(), auth_.get(), &options_.fetch,
                                                  metrics_.get());
  runner_->AddService(service_.get(), "govinspect.crawler.v1.CrawlerService");
  if (options.worker.threads > 0) {
    common::QueueWorkerOptions wo = options.worker;
    wo.kind = "crawl";
    worker_ = std::make_unique<common::QueueWorker>(
        wo,
        [this](const common::v1::TaskPayload& payload,
               const common::Task&) -> absl::StatusOr<common::v1::Observation> {
          if (!payload.has_site()) {
            return absl::InvalidArgumentError("crawl task without a site");
          }
          return crawler::CheckSite(payload.site(), options_.fetch, metrics_.get());
        },
        &runner_->registry());
    runner_->AddDrainHook([this] { worker_->Stop(); });
  }
  if (absl::Status s = runner_->Start(); !s.ok()) return s;
  if (worker_ != nullptr) {
    if (absl::Status s = worker_->Start(); !s.ok()) {
      return absl::UnavailableError(absl::StrCat("crawl worker: ", s.message()));
    }
  }
  GI_LOG(INFO).With("worker_threads", options.worker.threads)
      .With("connect_to", options.fetch.connect_to)
      .With("fetch_timeout_ms", absl::ToInt64Milliseconds(options.fetch.timeout))
      << "crawler configured";
  return absl::OkStatus();
}

void CrawlerServer::Shutdown() {
  if (runner_ != nullptr) runner_->Shutdown();
  if (worker_ != nullptr) worker_->Stop();
  if (executor_ != nullptr) executor_->Shutdown();
}

}  // namespace govinspect::crawler
