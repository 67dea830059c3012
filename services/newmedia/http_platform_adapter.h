#ifndef GOVINSPECT_SERVICES_NEWMEDIA_HTTP_PLATFORM_ADAPTER_H_
#define GOVINSPECT_SERVICES_NEWMEDIA_HTTP_PLATFORM_ADAPTER_H_

// The adapter for the REST/JSON platform protocol of docs/platform-api.md. HTTP goes through an
// HttpGetter (production: common::Fetch, with connect_to, timeouts and the SSRF guard), every
// request waits for the platform's RateLimiter, and transient failures (timeouts, resets, 5xx,
// 429) are retried with exponential backoff. nlohmann-json is used without exceptions.

#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/http/fetcher.h"
#include "services/newmedia/platform_adapter.h"
#include "services/newmedia/rate_limiter.h"

namespace govinspect::newmedia {

// One blocking GET. Implementations must be thread-safe.
class HttpGetter {
 public:
  virtual ~HttpGetter() = default;
  virtual common::FetchResult Get(const std::string& url) = 0;
};

// common::Fetch with fixed options.
class FetchGetter : public HttpGetter {
 public:
  explicit FetchGetter(common::FetchOptions options) : options_(std::move(options)) {}
  common::FetchResult Get(const std::string& url) override { return common::Fetch(url, options_); }

 private:
  common::FetchOptions options_;
};

// govinspect_newmedia_platform_requests_total{platform,result} and
// govinspect_newmedia_platform_request_duration_seconds{platform}. Built once; platform is one of
// the four API platforms (or "other"), result one of ok, not_found, http_4xx, http_5xx, timeout,
// network, malformed.
class AdapterMetrics {
 public:
  explicit AdapterMetrics(prometheus::Registry& registry);
  void Record(const std::string& platform, const std::string& result, double seconds);

 private:
  prometheus::Family<prometheus::Counter>* requests_;
  prometheus::Family<prometheus::Histogram>* latency_;
  absl::Mutex mu_;
  std::map<std::pair<std::string, std::string>, prometheus::Counter*> counters_
      ABSL_GUARDED_BY(mu_);
  std::map<std::string, prometheus::Histogram*> histograms_ ABSL_GUARDED_BY(mu_);
};

struct HttpAdapterOptions {
  // Attempts per request for transient failures, and the wait before the first retry
  // (doubling per retry).
  int attempts = 3;
  absl::Duration retry_backoff = absl::Milliseconds(200);
};

class HttpPlatformAdapter : public PlatformAdapter {
 public:
  // `base_url` e.g. "http://api.wechat.sim" (a trailing slash is fine). `getter`, `limiter` and
  // `metrics` (nullable) are borrowed.
  HttpPlatformAdapter(std::string platform, std::string base_url, HttpGetter* getter,
                      RateLimiter* limiter, AdapterMetrics* metrics, HttpAdapterOptions options,
                      std::function<void(absl::Duration)> sleep = absl::SleepFor);

  absl::StatusOr<PlatformAccount> GetAccount(const std::string& id) override;
  absl::StatusOr<Page<PlatformPost>> ListPosts(const std::string& id, const std::string& page_token,
                                               int page_size) override;
  absl::StatusOr<Page<PlatformAccount>> SearchAccounts(const std::string& q,
                                                       const std::string& page_token,
                                                       int page_size) override;
  int64_t requests() const override { return requests_.load(); }

  const std::string& base_url() const { return base_; }

 private:
  // GET base + path_and_query → the parsed JSON object's text, with retries.
  template <typename T, typename Parse>
  absl::StatusOr<T> Call(const std::string& what, const std::string& path_and_query, Parse parse);

  std::string platform_;
  std::string base_;
  HttpGetter* getter_;
  RateLimiter* limiter_;
  AdapterMetrics* metrics_;
  HttpAdapterOptions options_;
  std::function<void(absl::Duration)> sleep_;
  std::atomic<int64_t> requests_{0};
};

// Percent-encodes a query or path value (RFC 3986 unreserved characters kept).
std::string UrlEncode(const std::string& value);

}  // namespace govinspect::newmedia

#endif  // GOVINSPECT_SERVICES_NEWMEDIA_HTTP_PLATFORM_ADAPTER_H_
