#include "services/crawler/site_check.h"

#include "absl/time/clock.h"
#include "google/protobuf/util/time_util.h"

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
                   .Add({}, prometheus::Histogram::BucketBoundaries{0.01, 0.025, 0.05, 0.1, 0.25,
                                                                    0.5, 1, 2.5, 5, 10, 15});
  bytes_ = &prometheus::BuildCounter()
                .Name("govinspect_crawler_fetch_bytes_total")
                .Help("Body bytes received.")
                .Register(registry)
                .Add({});
}

void FetchMetrics::Record(const common::FetchResult& r) {
  if (auto it = by_result_.find(r.error); it != by_result_.end()) it->second->Increment();
  duration_->Observe(r.latency_seconds);
  bytes_->Increment(static_cast<double>(r.body_bytes));
}

common::v1::Observation CheckSite(const common::v1::Site& site,
                                  const common::FetchOptions& fetch, FetchMetrics* metrics) {
  common::FetchOptions opts = fetch;
  opts.keep_body = false;  // the page-understanding checks will read it; today only the status
  common::FetchResult r = common::Fetch(site.home_url(), opts);
  if (metrics != nullptr) metrics->Record(r);
  common::v1::Observation o;
  o.set_target(site.name());
  o.set_unit(site.unit());
  o.set_status(common::v1::TARGET_STATUS_ASSESSED);
  common::v1::HomePageFetch* home = o.mutable_site()->mutable_home();
  home->set_requested_url(r.requested_url);
  home->set_final_url(r.final_url);
  home->set_http_status(r.http_status);
  home->set_error(r.error);
  home->set_error_detail(r.error_detail);
  home->set_latency_seconds(r.latency_seconds);
  home->set_body_bytes(r.body_bytes);
  *home->mutable_fetch_time() =
      google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::GetCurrentTimeNanos());
  o.mutable_site()->set_pages_crawled(r.error == common::v1::FETCH_ERROR_NONE ? 1 : 0);
  return o;
}

}  // namespace govinspect::crawler
