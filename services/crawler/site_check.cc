#include "services/crawler/site_check.h"

namespace govinspect::crawler {

FetchMetrics::FetchMetrics(prometheus::Registry& registry) {
  auto& fetches = prometheus::BuildCounter()
                      .Name("govinspect_crawler_fetches_total")
                      .Help("HTTP fetches by result class (the fetch-error taxonomy).")
                      .Register(registry);
  for (int e = common::v1::FetchError_MIN; e <= common::v1::FetchError_MAX; ++e) {
    if (e == common::v1::FETCH_ERROR_UNSPECIFIED) continue;
    by_result_[e] = &fetches.Add(
        {{"result", common::FetchErrorLabel(static_cast<common::v1::FetchError>(e))}});
  }
  duration_ = &prometheus::BuildHistogram()
                   .Name("govinspect_crawler_fetch_duration_seconds")
                   .Help("Time of one fetch, redirects included.")
                   .Register(registry)
                   .Add({}, prometheus::Histogram::BucketBoundaries{0.005, 0.01, 0.025, 0.05, 0.1,
                                                                    0.25, 0.5, 1, 2.5, 5, 10, 15});
  bytes_ = &prometheus::BuildCounter()
                .Name("govinspect_crawler_fetch_bytes_total")
                .Help("Body bytes received (decoded).")
                .Register(registry)
                .Add({});
  in_flight_ = &prometheus::BuildGauge()
                    .Name("govinspect_crawler_fetches_in_flight")
                    .Help("HTTP transfers in flight.")
                    .Register(registry)
                    .Add({});
  pages_ = &prometheus::BuildHistogram()
                .Name("govinspect_crawler_pages_per_crawl")
                .Help("HTML pages fetched per site crawl.")
                .Register(registry)
                .Add({}, prometheus::Histogram::BucketBoundaries{1, 10, 50, 100, 250, 500, 1000,
                                                                 2500, 5000, 10000});
  crawl_seconds_ = &prometheus::BuildHistogram()
                        .Name("govinspect_crawler_crawl_duration_seconds")
                        .Help("Time of one site crawl.")
                        .Register(registry)
                        .Add({}, prometheus::Histogram::BucketBoundaries{1, 5, 15, 30, 60, 120,
                                                                         300, 600, 1800});
  probe_success_ = &prometheus::BuildGauge()
                        .Name("govinspect_probe_success")
                        .Help("1 if the last availability probe of the site opened its home page.")
                        .Register(registry);
  probe_duration_ = &prometheus::BuildGauge()
                         .Name("govinspect_probe_duration_seconds")
                         .Help("Latency of the last availability probe of the site.")
                         .Register(registry);
}

void FetchMetrics::Record(const common::FetchResult& r) {
  if (auto it = by_result_.find(r.error); it != by_result_.end()) it->second->Increment();
  duration_->Observe(r.latency_seconds);
  bytes_->Increment(static_cast<double>(r.body_bytes));
}

void FetchMetrics::OnCrawlDone(int pages, double seconds) {
  pages_->Observe(pages);
  crawl_seconds_->Observe(seconds);
}

void FetchMetrics::RecordProbe(const std::string& site, bool success, double seconds) {
  absl::MutexLock lock(&mu_);
  auto it = probe_gauges_.find(site);
  if (it == probe_gauges_.end()) {
    if (probe_gauges_.size() >= kMaxProbeSites) return;
    it = probe_gauges_
             .emplace(site, std::make_pair(&probe_success_->Add({{"site", site}}),
                                           &probe_duration_->Add({{"site", site}})))
             .first;
  }
  it->second.first->Set(success ? 1 : 0);
  it->second.second->Set(seconds);
}

common::v1::Observation CheckSite(const common::v1::Site& site, const std::string& as_of,
                                  const CrawlOptions& options, LinkCache* cache,
                                  FetchMetrics* metrics, const common::v1::Unit* unit) {
  MemoryLinkCache local;
  return CrawlSite(site, as_of, options, cache != nullptr ? cache : &local, metrics, metrics, unit);
}

}  // namespace govinspect::crawler
