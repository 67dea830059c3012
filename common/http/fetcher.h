#ifndef GOVINSPECT_COMMON_HTTP_FETCHER_H_
#define GOVINSPECT_COMMON_HTTP_FETCHER_H_

// One fetch at a time: `Fetch(url, options)`. Many at a time: common/http/fetch_engine.h (the
// same options, the same results, the same error taxonomy).

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
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
  // The address it names is allowed by the SSRF guard (it is the operator's own choice).
  std::string connect_to;
  bool verify_tls = true;
  // PEM file of the certificate authorities to trust instead of the system's bundle (a
  // province's own CA together with the public ones); empty = the system's bundle.
  std::string ca_file;
  // Keep the body (false for probes that only need the status).
  bool keep_body = true;
  // SSRF guard: refuse private, loopback, link-local and metadata addresses (after DNS, on
  // every redirect) unless listed in allow_networks ("127.0.0.1", "10.0.0.0/8", "::1").
  bool ssrf_guard = true;
  std::vector<std::string> allow_networks;
  // Attempts per fetch for transient errors (timeouts, resets, 429/5xx), with exponential
  // backoff from retry_backoff; a Retry-After header (capped at max_retry_after) wins.
  int max_attempts = 1;
  absl::Duration retry_backoff = absl::Milliseconds(500);
  absl::Duration max_retry_after = absl::Seconds(30);
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
  // Attempts made (1 unless retried), and the error class of each failed attempt before the last.
  int attempts = 0;
  std::vector<v1::FetchError> retried_errors;
  // The redirect chain, requested URL first (only when there were redirects).
  std::vector<std::string> redirect_chain;
  // HTTP version of the last response (11, 20, …) and the peer address.
  int http_version = 0;
  std::string remote_ip;
  // Connections opened for this fetch, over all its attempts and redirects (0 when every
  // request went over a connection already open: keep-alive or HTTP/2 multiplexing).
  int new_connections = 0;
};

// One blocking GET with libcurl. Never throws; every failure is classified.
FetchResult Fetch(const std::string& url, const FetchOptions& options);

// Short label of an error class for metrics and logs ("none", "dns", "timeout", …).
const char* FetchErrorLabel(v1::FetchError error);

// The reason of a failed fetch as used in findings: "http_404", "timeout", "reset",
// "redirect_loop", … ("ok" for a success).
std::string FetchReason(const FetchResult& result);

// True for errors worth retrying: timeouts, resets, refused connections, HTTP 408/429/5xx.
bool IsTransient(const FetchResult& result);

// For the services' start-up: INVALID_ARGUMENT when options.ca_file is set but is not a readable
// file holding at least one PEM certificate ("--ca_file \"…\": …").
absl::Status ValidateCaFile(const FetchOptions& options);

}  // namespace govinspect::common

#endif  // GOVINSPECT_COMMON_HTTP_FETCHER_H_
