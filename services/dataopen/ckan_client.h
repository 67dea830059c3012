#ifndef GOVINSPECT_SERVICES_DATAOPEN_CKAN_CLIENT_H_
#define GOVINSPECT_SERVICES_DATAOPEN_CKAN_CLIENT_H_

// A client of the CKAN Action API v3 (the calls the open-data checks need), tolerant of what real
// portals do: `success: false` envelopes, server-side row caps, slow answers, HTML error pages,
// malformed JSON, paging that repeats or whose count changes. Transport-free: HTTP goes through
// an HttpTransport (production: common::Fetch); no exception escapes (nlohmann-json is used
// without exceptions).
//
// Errors (absl::Status):
//   UNAVAILABLE        network failure, HTTP 5xx/429, a proxy's HTML error page     (transient)
//   DEADLINE_EXCEEDED  the request timed out                                          (transient)
//   NOT_FOUND          CKAN "Not Found Error"
//   PERMISSION_DENIED  CKAN "Authorization Error"
//   INVALID_ARGUMENT   CKAN "Validation Error" / "Search Query Error" / unknown action
//   DATA_LOSS          not a CKAN answer (malformed JSON, HTML on HTTP 2xx, no envelope)
//   FAILED_PRECONDITION inconsistent paging (the same page again while `count` says more)
//   UNKNOWN            another CKAN error type

#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/http/fetcher.h"

namespace govinspect::dataopen {

// The HTTP exchanges the client makes. Implementations must be thread-safe.
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // GET with the body.
  virtual common::FetchResult Get(const std::string& url) = 0;
  // HEAD (no body).
  virtual common::FetchResult Head(const std::string& url) = 0;
  // GET of the first `bytes` bytes (Range: bytes=0-N); the body is discarded.
  virtual common::FetchResult GetRange(const std::string& url, int64_t bytes) = 0;
};

// Production transport: API GETs through common::Fetch; HEAD and ranged GET (which Fetch does
// not offer) through common::FetchEngine with the same options (connect_to, SSRF guard,
// timeouts, user agent, TLS).
class FetchTransport : public HttpTransport {
 public:
  explicit FetchTransport(common::FetchOptions options) : options_(std::move(options)) {}
  common::FetchResult Get(const std::string& url) override;
  common::FetchResult Head(const std::string& url) override;
  common::FetchResult GetRange(const std::string& url, int64_t bytes) override;

 private:
  common::FetchResult Probe(const std::string& url, bool head, int64_t bytes);
  common::FetchOptions options_;
};

// govinspect_dataopen_requests_total{call,result} and
// govinspect_dataopen_request_duration_seconds{call}. Families are built once; the label values
// are the fixed sets below.
class CkanMetrics {
 public:
  explicit CkanMetrics(prometheus::Registry& registry);
  // call: organization_list, organization_show, package_search, package_show, datastore_search,
  // resource_head, resource_get. result: ok, ckan_error, http_4xx, http_5xx, timeout, network,
  // malformed.
  void Record(const std::string& call, const std::string& result, double seconds);

 private:
  prometheus::Family<prometheus::Counter>* requests_;
  prometheus::Family<prometheus::Histogram>* latency_;
  absl::Mutex mu_;
  std::map<std::pair<std::string, std::string>, prometheus::Counter*> counters_
      ABSL_GUARDED_BY(mu_);
  std::map<std::string, prometheus::Histogram*> histograms_ ABSL_GUARDED_BY(mu_);
};

struct CkanClientOptions {
  // Rows asked per package_search page (CKAN's default cap is 1000).
  int page_size = 100;
  // Pages fetched at most per listing (a guard against endless paging).
  int max_pages = 2000;
  // Attempts per call for transient failures (UNAVAILABLE, DEADLINE_EXCEEDED).
  int attempts = 3;
  absl::Duration retry_backoff = absl::Milliseconds(200);
  // Bytes asked by the ranged GET that checks a resource download.
  int64_t probe_bytes = 1024;
};

struct CkanOrganization {
  std::string id;
  std::string name;
  std::string title;
  int64_t package_count = -1;  // -1 = not in the answer
};

struct CkanResource {
  std::string id;
  std::string name;
  std::string format;
  std::string url;
  bool datastore_active = false;
};

struct CkanPackage {
  std::string id;
  std::string name;
  std::string title;
  std::string organization;       // organization.name (or owner_org)
  std::string metadata_modified;  // as published, e.g. 2020-06-01T09:00:00.123456
  // Declared update frequency: the text (update_frequency, or an extra) and, when given as a
  // number of days (extra update_frequency_days), that number (else -1).
  std::string update_frequency;
  int update_frequency_days = -1;
  std::map<std::string, std::string> extras;
  std::vector<CkanResource> resources;
  bool has_resources = false;  // the answer carried a `resources` list
};

struct CkanPage {
  int64_t count = -1;  // -1 = no count in the answer
  std::vector<CkanPackage> results;
};

struct CkanListing {
  // The `count` of the last page read (the portal's own total), or the number of distinct
  // packages when no page had a count.
  int64_t count = 0;
  std::vector<CkanPackage> packages;  // distinct by name, in the order first seen
  int pages = 0;
  bool count_changed = false;  // `count` differed between pages
};

// Whether a resource's file can be downloaded.
struct ResourceCheck {
  bool ok = false;
  // Definitely broken (HTTP 4xx, DNS, TLS); false with !ok = could not tell (transient).
  bool broken = false;
  int http_status = 0;
  std::string detail;  // "http_404", "dns", "timeout", …
  std::string method;  // "HEAD" or "GET" (the answer used)
};

class CkanClient {
 public:
  // `base_url` is the portal's api_url (e.g. http://data.zs.gov.cn/); `transport` and `metrics`
  // (nullable) are borrowed and shared between clients.
  CkanClient(std::string base_url, HttpTransport* transport, CkanClientOptions options,
             CkanMetrics* metrics);

  absl::StatusOr<std::vector<std::string>> OrganizationList();
  absl::StatusOr<CkanOrganization> OrganizationShow(const std::string& id);
  // One page of package_search (`fq` verbatim, e.g. organization:"zs-gov").
  absl::StatusOr<CkanPage> PackageSearch(const std::string& fq, int rows, int64_t start);
  // Every package of one organization, paging by what came back.
  absl::StatusOr<CkanListing> OrganizationPackages(const std::string& organization);
  absl::StatusOr<CkanPackage> PackageShow(const std::string& id);
  // datastore_search with limit=0: the resource's record total.
  absl::StatusOr<int64_t> DatastoreTotal(const std::string& resource_id);
  // HEAD, falling back to a ranged GET when HEAD does not say 2xx.
  ResourceCheck CheckResource(const std::string& url);

  // Requests made by this client (retries included).
  int calls() const { return calls_.load(); }
  const std::string& base_url() const { return base_; }
  // {base}dataset/{name}
  std::string DatasetUrl(const std::string& name) const;

 private:
  // GET {base}api/3/action/{action}?{query} → the envelope's `result` (as JSON text kept in
  // the parsed object), with retries of transient failures.
  template <typename T, typename Parse>
  absl::StatusOr<T> Call(const std::string& action, const std::string& query, Parse parse);
  common::FetchResult Timed(const std::string& call, bool probe_head, const std::string& url);

  std::string base_;
  HttpTransport* transport_;
  CkanClientOptions options_;
  CkanMetrics* metrics_;
  std::atomic<int> calls_{0};
};

// Is this status worth trying again later (UNAVAILABLE, DEADLINE_EXCEEDED)?
bool IsTransient(const absl::Status& status);

// Percent-encodes a query value (RFC 3986 unreserved kept).
std::string UrlEncode(const std::string& value);

// The update period, in days, of a declared frequency: 每日/每周/每月/每季度/每半年/每年 (and
// 实时, 每天, 半月), English (daily, weekly, monthly, quarterly, annually, …), ISO 8601 durations
// (P1D, R/P1M, P3M, P1Y), DCAT frequency URIs (…/freq/monthly) and plain numbers of days.
// -1 when unknown or irregular (不定期).
int UpdatePeriodDays(const std::string& frequency);

}  // namespace govinspect::dataopen

#endif  // GOVINSPECT_SERVICES_DATAOPEN_CKAN_CLIENT_H_
