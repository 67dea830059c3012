#include "services/crawler/crawler_server.h"

#include <curl/curl.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "common/grpc/unary.h"
#include "common/http/address_guard.h"
#include "common/log/log.h"
#include "common/url/url.h"
#include "services/crawler/redis_link_cache.h"

namespace govinspect::crawler {

absl::Status ValidateOptions(const CrawlerServerOptions& o) {
  if (absl::Status s = common::ValidateServerRunnerOptions(o.server); !s.ok()) return s;
  if (o.worker.threads < 0) return absl::InvalidArgumentError("--worker_threads must be ≥ 0");
  const common::FetchOptions& f = o.crawl.engine.fetch;
  if (f.timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--fetch_timeout must be positive");
  }
  if (o.probe_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--probe_timeout must be positive");
  }
  if (!f.connect_to.empty() && f.connect_to.find(':') == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("--connect_to \"", f.connect_to, "\": want host:port"));
  }
  for (const auto& n : f.allow_networks) {
    if (auto net = common::ParseIpNetwork(n); !net.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--allow_networks: ", net.status().message()));
    }
  }
  if (absl::Status s = common::ValidateCaFile(f); !s.ok()) return s;
  if (f.max_attempts < 1) return absl::InvalidArgumentError("--fetch_attempts must be ≥ 1");
  if (f.max_redirects < 0) return absl::InvalidArgumentError("--max_redirects must be ≥ 0");
  if (f.max_body_bytes < 1024) return absl::InvalidArgumentError("--max_body_bytes must be ≥ 1024");
  if (o.crawl.engine.max_in_flight < 1) return absl::InvalidArgumentError("--max_in_flight must be ≥ 1");
  if (o.crawl.engine.per_host_concurrency < 1) {
    return absl::InvalidArgumentError("--per_host_concurrency must be ≥ 1");
  }
  if (o.crawl.engine.per_host_delay < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--per_host_delay must be ≥ 0");
  }
  if (o.crawl.max_pages < 1) return absl::InvalidArgumentError("--max_pages must be ≥ 1");
  if (o.crawl.max_depth < 0) return absl::InvalidArgumentError("--max_depth must be ≥ 0");
  if (o.crawl.max_links_per_page < 1) return absl::InvalidArgumentError("--max_links_per_page must be ≥ 1");
  if (o.crawl.max_images_per_page < 0) return absl::InvalidArgumentError("--max_images_per_page must be ≥ 0");
  if (o.crawl.time_budget <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--crawl_budget must be positive");
  }
  if (o.crawl.page_threads < 0) return absl::InvalidArgumentError("--page_threads must be ≥ 0");
  if (o.check_threads < 1) return absl::InvalidArgumentError("--check_threads must be ≥ 1");
  if (o.probe_threads < 0) return absl::InvalidArgumentError("--probe_threads must be ≥ 0");
  if (o.probe_batch < 1) return absl::InvalidArgumentError("--probe_batch must be ≥ 1");
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* CrawlerServiceImpl::CheckSite(grpc::CallbackServerContext* context,
                                                        const v1::CheckSiteRequest* request,
                                                        v1::CheckSiteResponse* response) {
  if (absl::Status s = auth_->Check(*context); !s.ok()) return common::FinishNow(context, s);
  const std::string& url = request->home_url();
  if (!(absl::StartsWith(url, "http://") || absl::StartsWith(url, "https://")) ||
      !common::NormalizeUrl(url).ok()) {
    return common::FinishNow(
        context, absl::InvalidArgumentError(absl::StrCat("home_url \"", url, "\": want an http(s) URL")));
  }
  std::string as_of = request->as_of();
  absl::CivilDay day;
  if (!as_of.empty() && !absl::ParseCivilTime(as_of, &day)) {
    return common::FinishNow(
        context, absl::InvalidArgumentError(absl::StrCat("as_of \"", as_of, "\": want YYYY-MM-DD")));
  }
  if (as_of.empty()) {
    as_of = absl::FormatCivilTime(absl::ToCivilDay(absl::Now(), absl::FixedTimeZone(8 * 3600)));
  }
  // The crawl stops a second before the caller's deadline.
  CrawlOptions crawl = *crawl_;
  absl::Time deadline = absl::FromChrono(context->deadline());
  if (deadline < absl::InfiniteFuture()) {
    crawl.time_budget = std::max(absl::Milliseconds(100),
                                 std::min(crawl.time_budget, deadline - absl::Now() - absl::Seconds(1)));
  }
  return common::RunOnExecutor(context, response, executor_,
                               [this, url, as_of, crawl]() -> absl::StatusOr<v1::CheckSiteResponse> {
    common::v1::Site site;
    site.set_name("sites/adhoc");
    site.set_home_url(url);
    v1::CheckSiteResponse resp;
    *resp.mutable_observation() = crawler::CheckSite(site, as_of, crawl, nullptr, metrics_);
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
  service_ = std::make_unique<CrawlerServiceImpl>(executor_.get(), auth_.get(), &options_.crawl,
                                                  metrics_.get());
  runner_->AddService(service_.get(), "govinspect.crawler.v1.CrawlerService");
  if (options.worker.threads > 0) {
    common::QueueWorkerOptions wo = options.worker;
    wo.kind = "crawl";
    worker_ = std::make_unique<common::QueueWorker>(
        wo,
        [this](const common::v1::TaskPayload& payload,
               const common::Task& task) -> absl::StatusOr<common::v1::Observation> {
          if (!payload.has_site()) {
            return absl::InvalidArgumentError("crawl task without a site");
          }
          // Redis errors of the shared link cache only cost re-checks.
          thread_local std::unique_ptr<common::RedisConnection> conn;
          if (conn == nullptr) conn = std::make_unique<common::RedisConnection>(options_.worker.redis);
          RedisLinkCache cache(conn.get(), options_.worker.queue.key_prefix, task.round,
                               options_.link_cache_ttl);
          const common::v1::Unit* unit = nullptr;
          for (const auto& u : payload.units()) {
            if (u.name() == payload.site().unit()) unit = &u;
          }
          return crawler::CheckSite(payload.site(), payload.as_of(), options_.crawl, &cache,
                                    metrics_.get(), unit);
        },
        &runner_->registry());
    runner_->AddDrainHook([this] { worker_->Stop(); });
  }
  if (options.probe_threads > 0 && options.worker.threads > 0) {
    ProbeWorkerOptions po;
    po.threads = options.probe_threads;
    po.batch = options.probe_batch;
    po.redis = options.worker.redis;
    po.store.key_prefix = options.worker.queue.key_prefix;
    po.engine = options.crawl.engine;
    po.engine.fetch.timeout = options.probe_timeout;
    po.engine.per_host_delay = absl::ZeroDuration();
    prober_ = std::make_unique<ProbeWorker>(po, metrics_.get());
    runner_->AddDrainHook([this] { prober_->Stop(); });
  }
  if (absl::Status s = runner_->Start(); !s.ok()) return s;
  if (worker_ != nullptr) {
    if (absl::Status s = worker_->Start(); !s.ok()) {
      return absl::UnavailableError(absl::StrCat("crawl worker: ", s.message()));
    }
  }
  if (prober_ != nullptr) {
    if (absl::Status s = prober_->Start(); !s.ok()) {
      return absl::UnavailableError(absl::StrCat("probe worker: ", s.message()));
    }
  }
  const auto& f = options.crawl.engine.fetch;
  GI_LOG(INFO).With("worker_threads", options.worker.threads)
      .With("probe_threads", options.probe_threads)
      .With("connect_to", f.connect_to)
      .With("fetch_timeout_ms", absl::ToInt64Milliseconds(f.timeout))
      .With("per_host_concurrency", options.crawl.engine.per_host_concurrency)
      .With("per_host_delay_ms", absl::ToInt64Milliseconds(options.crawl.engine.per_host_delay))
      .With("max_pages", options.crawl.max_pages)
      .With("page_threads", options.crawl.page_threads)
      .With("ssrf_guard", f.ssrf_guard ? "on" : "off")
      << "crawler configured";
  return absl::OkStatus();
}

void CrawlerServer::Shutdown() {
  if (runner_ != nullptr) runner_->Shutdown();
  if (worker_ != nullptr) worker_->Stop();
  if (prober_ != nullptr) prober_->Stop();
  if (executor_ != nullptr) executor_->Shutdown();
}

}  // namespace govinspect::crawler
