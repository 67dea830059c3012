#ifndef GOVINSPECT_SERVICES_CRAWLER_SITE_CHECK_H_
#define GOVINSPECT_SERVICES_CRAWLER_SITE_CHECK_H_

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <map>
#include <string>

#include "absl/synchronization/mutex.h"
#include "common/http/fetch_engine.h"
#include "common/http/fetcher.h"
#include "services/crawler/site_crawler.h"

namespace govinspect::crawler {

// The crawler's metrics, built once:
//   govinspect_crawler_fetches_total{result}        fetches by taxonomy class
//   govinspect_crawler_fetch_duration_seconds       latency of one fetch (redirects included)
//   govinspect_crawler_fetch_bytes_total            body bytes received
//   govinspect_crawler_fetches_in_flight            transfers in flight now
//   govinspect_crawler_pages_per_crawl              pages fetched per site crawl
//   govinspect_crawler_crawl_duration_seconds       time of one site crawl
//   govinspect_probe_success{site}                  1/0: the last availability probe of a site
//   govinspect_probe_duration_seconds{site}         its latency
class FetchMetrics : public common::FetchObserver, public CrawlObserver {
 public:
  explicit FetchMetrics(prometheus::Registry& registry);
  void Record(const common::FetchResult& result);

  void OnTransferStart() override { in_flight_->Increment(); }
  void OnTransferEnd() override { in_flight_->Decrement(); }
  void OnFetchDone(const common::FetchResult& result) override { Record(result); }
  void OnCrawlDone(int pages, double seconds) override;

  // At most `max_sites` distinct sites get probe gauges (the label limit).
  void RecordProbe(const std::string& site, bool success, double seconds);

 private:
  std::map<int, prometheus::Counter*> by_result_;
  prometheus::Histogram* duration_;
  prometheus::Counter* bytes_;
  prometheus::Gauge* in_flight_;
  prometheus::Histogram* pages_;
  prometheus::Histogram* crawl_seconds_;
  prometheus::Family<prometheus::Gauge>* probe_success_;
  prometheus::Family<prometheus::Gauge>* probe_duration_;
  absl::Mutex mu_;
  std::map<std::string, std::pair<prometheus::Gauge*, prometheus::Gauge*>> probe_gauges_
      ABSL_GUARDED_BY(mu_);
  static constexpr size_t kMaxProbeSites = 1000;
};

// Crawls one site (the task's or an ad-hoc one). Transport-free; `metrics` and `cache` may be null.
common::v1::Observation CheckSite(const common::v1::Site& site, const std::string& as_of,
                                  const CrawlOptions& options, LinkCache* cache,
                                  FetchMetrics* metrics, const common::v1::Unit* unit = nullptr);

}  // namespace govinspect::crawler

#endif  // GOVINSPECT_SERVICES_CRAWLER_SITE_CHECK_H_
