#ifndef GOVINSPECT_COMMON_HTTP_FETCHER_H_
#define GOVINSPECT_COMMON_HTTP_FETCHER_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "govinspect/common/v1/observation.pb.h"

namespace govinspect::common {

struct FetchOptions {
  absl::Duration timeout = absl::Seconds(15);
  absl::Duration connect_timeout = absl::Seconds(10);
  int max_redirects = 5;
  int64_t max_body_bytes = 10 << 20;
  std::string user_agent =
      "govinspect/0.1 (government website inspection; +https://www.gov.cn/)";
  // "HOST:PORT" — send every request to this address whatever the URL's host (as curl's
  // --connect-to ::HOST:PORT); for the simulator and for forward setups. Empty = DNS.
  std::string connect_to;
  bool verify_tls = true;
  // Keep the body (false for probes that only need the status).
  bool keep_body = true;
};

struct FetchResult {
  std::string requested_url;
  std::string final_url;
  int http_status = 0;
  v1::FetchError error = v1::FETCH_ERROR_UNSPECIFIED;
  std::string error_detail;
  double latency_seconds = 0;
  std::string content_type;
  std::string body;
  int64_t body_bytes = 0;
  int redirects = 0;
};

// One blocking GET with libcurl. Never throws; every failure is classified.
FetchResult Fetch(const std::string& url, const FetchOptions& options);

// Short label of an error class for metrics and logs ("none", "dns", "timeout", …).
const char* FetchErrorLabel(v1::FetchError error);

}  // namespace govinspect::common

#endif  // GOVINSPECT_COMMON_HTTP_FETCHER_H_
