#include "common/http/fetcher.h"

#include <curl/curl.h>

#include <mutex>

#include "absl/strings/str_cat.h"

namespace govinspect::common {
namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Sink {
  std::string* body;
  int64_t max;
  int64_t seen = 0;
  bool keep;
  bool too_large = false;
};

size_t Write(char* data, size_t size, size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  size_t len = size * n;
  sink->seen += static_cast<int64_t>(len);
  if (sink->seen > sink->max) {
    sink->too_large = true;
    return 0;  // aborts the transfer
  }
  if (sink->keep) sink->body->append(data, len);
  return len;
}

v1::FetchError Classify(CURLcode code) {
  switch (code) {
    case CURLE_OK: return v1::FETCH_ERROR_NONE;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY: return v1::FETCH_ERROR_DNS;
    case CURLE_COULDNT_CONNECT: return v1::FETCH_ERROR_REFUSED;
    case CURLE_OPERATION_TIMEDOUT: return v1::FETCH_ERROR_TIMEOUT;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE: return v1::FETCH_ERROR_RESET;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS: return v1::FETCH_ERROR_TLS;
    case CURLE_TOO_MANY_REDIRECTS: return v1::FETCH_ERROR_TOO_MANY_REDIRECTS;
    case CURLE_FILESIZE_EXCEEDED: return v1::FETCH_ERROR_BODY_TOO_LARGE;
    default: return v1::FETCH_ERROR_OTHER;
  }
}

}  // namespace

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

FetchResult Fetch(const std::string& url, const FetchOptions& options) {
  GlobalInit();
  FetchResult r;
  r.requested_url = url;
  CURL* h = curl_easy_init();
  if (h == nullptr) {
    r.error = v1::FETCH_ERROR_OTHER;
    r.error_detail = "curl_easy_init failed";
    return r;
  }
  char errbuf[CURL_ERROR_SIZE] = {0};
  Sink sink{&r.body, options.max_body_bytes, 0, options.keep_body};
  curl_slist* connect_to = nullptr;
  if (!options.connect_to.empty()) {
    std::string rule = absl::StrCat("::", options.connect_to);
    connect_to = curl_slist_append(nullptr, rule.c_str());
    curl_easy_setopt(h, CURLOPT_CONNECT_TO, connect_to);
  }
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(h, CURLOPT_MAXREDIRS, static_cast<long>(options.max_redirects));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(absl::ToInt64Milliseconds(options.timeout)));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(options.connect_timeout)));
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(h, CURLOPT_USERAGENT, options.user_agent.c_str());
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, options.verify_tls ? 1L : 0L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, options.verify_tls ? 2L : 0L);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, Write);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options.max_body_bytes));

  CURLcode code = curl_easy_perform(h);
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  r.http_status = static_cast<int>(status);
  char* effective = nullptr;
  curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &effective);
  if (effective != nullptr) r.final_url = effective;
  double total = 0;
  curl_easy_getinfo(h, CURLINFO_TOTAL_TIME, &total);
  r.latency_seconds = total;
  char* ctype = nullptr;
  curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ctype);
  if (ctype != nullptr) r.content_type = ctype;
  long redirects = 0;
  curl_easy_getinfo(h, CURLINFO_REDIRECT_COUNT, &redirects);
  r.redirects = static_cast<int>(redirects);
  r.body_bytes = sink.seen;

  if (sink.too_large) {
    r.error = v1::FETCH_ERROR_BODY_TOO_LARGE;
    r.error_detail = absl::StrCat("body larger than ", options.max_body_bytes, " bytes");
  } else if (code != CURLE_OK) {
    r.error = Classify(code);
    r.error_detail = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(code);
  } else if (status >= 400) {
    r.error = v1::FETCH_ERROR_HTTP_STATUS;
    r.error_detail = absl::StrCat("HTTP ", status);
  } else {
    r.error = v1::FETCH_ERROR_NONE;
  }
  curl_slist_free_all(connect_to);
  curl_easy_cleanup(h);
  return r;
}

}  // namespace govinspect::common
