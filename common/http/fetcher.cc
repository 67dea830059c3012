#include "common/http/fetcher.h"

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/http/fetch_engine.h"

namespace govinspect::common {

const char* FetchErrorLabel(v1::FetchError error) {
  switch (error) {
    case v1::FETCH_ERROR_NONE: return "none";
    case v1::FETCH_ERROR_DNS: return "dns";
    case v1::FETCH_ERROR_REFUSED: return "refused";
    case v1::FETCH_ERROR_RESET: return "reset";
    case v1::FETCH_ERROR_TIMEOUT: return "timeout";
    case v1::FETCH_ERROR_TLS: return "tls";
    case v1::FETCH_ERROR_HTTP_STATUS: return "http_status";
    case v1::FETCH_ERROR_REDIRECT_LOOP: return "redirect_loop";
    case v1::FETCH_ERROR_TOO_MANY_REDIRECTS: return "too_many_redirects";
    case v1::FETCH_ERROR_BODY_TOO_LARGE: return "body_too_large";
    case v1::FETCH_ERROR_BLOCKED: return "blocked";
    case v1::FETCH_ERROR_FORBIDDEN_ADDRESS: return "forbidden_address";
    default: return "other";
  }
}

std::string FetchReason(const FetchResult& r) {
  if (r.error == v1::FETCH_ERROR_NONE) return "ok";
  if (r.error == v1::FETCH_ERROR_HTTP_STATUS) return absl::StrCat("http_", r.http_status);
  return FetchErrorLabel(r.error);
}

bool IsTransient(const FetchResult& r) {
  switch (r.error) {
    case v1::FETCH_ERROR_TIMEOUT:
    case v1::FETCH_ERROR_RESET:
    case v1::FETCH_ERROR_REFUSED:
      return true;
    case v1::FETCH_ERROR_HTTP_STATUS:
      return r.http_status == 408 || r.http_status == 429 || r.http_status == 500 ||
             r.http_status == 502 || r.http_status == 503 || r.http_status == 504;
    default:
      return false;
  }
}

FetchResult Fetch(const std::string& url, const FetchOptions& options) {
  FetchEngineOptions eo;
  eo.fetch = options;
  eo.max_in_flight = 1;
  eo.per_host_concurrency = 1;
  FetchEngine engine(eo);
  FetchResult out;
  FetchRequest req;
  req.url = url;
  req.keep_body = options.keep_body;
  engine.Submit(std::move(req), [&out](FetchResult r) { out = std::move(r); });
  engine.Run();
  return out;
}

absl::Status ValidateCaFile(const FetchOptions& options) {
  if (options.ca_file.empty()) return absl::OkStatus();
  std::ifstream in(options.ca_file, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("--ca_file \"", options.ca_file, "\": cannot be read"));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (!absl::StrContains(text.str(), "-----BEGIN CERTIFICATE-----")) {
    return absl::InvalidArgumentError(
        absl::StrCat("--ca_file \"", options.ca_file, "\": no PEM certificate in it"));
  }
  return absl::OkStatus();
}

}  // namespace govinspect::common
