#ifndef GOVINSPECT_SERVICES_CRAWLER_SITE_CHECK_H_
#define GOVINSPECT_SERVICES_CRAWLER_SITE_CHECK_H_

#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <map>
#include <string>

#include "common/http/fetcher.h"
#include "govinspect/common/v1/observation.pb.h"
#include "govinspect/common/v1/registry.pb.h"

namespace govinspect::crawler {

// Fetch metrics: govinspect_crawler_fetches_total{result}, ..._fetch_duration_seconds,
// ..._fetch_bytes_total. Built once.
class FetchMetrics {
 public:
  explicit FetchMetrics(prometheus::Registry& registry);
  void Record(const common::FetchResult& result);

 private:
  std::map<int, prometheus::Counter*> by_result_;
  prometheus::Histogram* duration_;
  prometheus::Counter* bytes_;
};

// Checks one site: today, its home page (final URL, HTTP status, latency, error class).
// Transport-free; `metrics` may be null.
common::v1::Observation CheckSite(const common::v1::Site& site,
                                  const common::FetchOptions& fetch, FetchMetrics* metrics);

}  // namespace govinspect::crawler

#endif  // GOVINSPECT_SERVICES_CRAWLER_SITE_CHECK_H_
