#include "common/http/fetch_engine.h"

#include <curl/curl.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <random>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log/log.h"

namespace govinspect::common {

struct FetchEngine::Job {
  FetchRequest request;
  Callback done;
  const AddressGuard* guard = nullptr;
  std::string url;   // current hop
  std::string host;  // of the current hop
  int attempt = 0;
  int max_attempts = 1;
  absl::Duration timeout;
  std::vector<std::string> chain;
  absl::flat_hash_set<std::string> seen;
  absl::Time attempt_start;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  std::string body;
  int64_t body_bytes = 0;
  int64_t max_body = 0;
  bool keep_body = true;
  bool too_large = false;
  bool forbidden = false;
  std::string forbidden_addr;
  char errbuf[CURL_ERROR_SIZE] = {0};
  // Outcome of the last transfer.
  FetchResult result;
};

namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t WriteBody(char* data, size_t size, size_t n, void* user) {
  auto* job = static_cast<FetchEngine::Job*>(user);
  size_t len = size * n;
  job->body_bytes += static_cast<int64_t>(len);
  if (job->body_bytes > job->max_body) {
    job->too_large = true;
    return 0;  // aborts the transfer (CURLE_WRITE_ERROR)
  }
  if (job->keep_body) job->body.append(data, len);
  return len;
}

curl_socket_t OpenSocket(void* user, curlsocktype, curl_sockaddr* address) {
  auto* job = static_cast<FetchEngine::Job*>(user);
  if (job->guard != nullptr && !job->guard->Allowed(&address->addr)) {
    job->forbidden = true;
    job->forbidden_addr = SockaddrToString(&address->addr);
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
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
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM: return v1::FETCH_ERROR_RESET;
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

// A WAF or captcha page instead of content (conservative: small pages with tell-tale markers).
bool LooksBlocked(int status, const std::string& body) {
  if (body.empty() || body.size() > 16 * 1024) return false;
  if (!(status == 200 || status == 403 || status == 405 || status == 412 || status == 503)) {
    return false;
  }
  static const char* kMarkers[] = {"安全验证", "访问验证", "人机验证", "滑动验证", "访问被拦截",
                                   "网站防火墙", "WAF拦截", "安全狗", "云锁", "captcha",
                                   "Access Denied", "Request blocked", "yunsuo_session",
                                   "__waf_", "safedog"};
  for (const char* m : kMarkers) {
    if (absl::StrContains(body, m)) return true;
  }
  return false;
}

absl::Duration Jitter(absl::Duration d) {
  static thread_local std::mt19937 rng(std::random_device{}());
  std::uniform_real_distribution<double> u(0.8, 1.2);
  return d * u(rng);
}

}  // namespace

std::string UrlHostForEngine(const std::string& url) {
  size_t start = url.find("://");
  if (start == std::string::npos) return "";
  start += 3;
  size_t end = url.find_first_of("/?#", start);
  std::string authority = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (size_t at = authority.rfind('@'); at != std::string::npos) authority = authority.substr(at + 1);
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    return absl::AsciiStrToLower(authority.substr(0, close == std::string::npos ? authority.size() : close + 1));
  }
  if (size_t colon = authority.find(':'); colon != std::string::npos) authority.resize(colon);
  return absl::AsciiStrToLower(authority);
}

FetchEngine::FetchEngine(FetchEngineOptions options, FetchObserver* observer)
    : options_(std::move(options)),
      observer_(observer),
      guard_({}, options_.fetch.ssrf_guard) {
  GlobalInit();
  for (const auto& n : options_.fetch.allow_networks) {
    auto net = ParseIpNetwork(n);
    if (net.ok()) {
      guard_.Allow(*net);
    } else {
      GI_LOG_EVERY_N_SEC(WARNING, 60) << "ignoring allow network: " << net.status();
    }
  }
  if (!options_.fetch.connect_to.empty()) {
    // The operator's own mapping target is allowed (e.g. the simulator on loopback).
    std::string host = options_.fetch.connect_to.substr(0, options_.fetch.connect_to.rfind(':'));
    if (!host.empty() && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (auto net = ParseIpNetwork(host); net.ok()) {
      guard_.Allow(*net);
    } else if (!host.empty()) {
      addrinfo* res = nullptr;
      if (getaddrinfo(host.c_str(), nullptr, nullptr, &res) == 0) {
        for (addrinfo* a = res; a != nullptr; a = a->ai_next) {
          if (auto n = ParseIpNetwork(SockaddrToString(a->ai_addr)); n.ok()) guard_.Allow(*n);
        }
        freeaddrinfo(res);
      }
    }
    std::string rule = absl::StrCat("::", options_.fetch.connect_to);
    connect_to_ = curl_slist_append(nullptr, rule.c_str());
  }
  if (options_.max_in_flight < 1) options_.max_in_flight = 1;
  if (options_.per_host_concurrency < 1) options_.per_host_concurrency = 1;
  multi_ = curl_multi_init();
  curl_multi_setopt(multi_, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
  curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS,
                    static_cast<long>(options_.per_host_concurrency));
  curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, static_cast<long>(options_.max_in_flight * 2));
}

FetchEngine::~FetchEngine() {
  CancelAll("engine destroyed");
  for (CURL* h : idle_handles_) curl_easy_cleanup(h);
  if (multi_ != nullptr) curl_multi_cleanup(multi_);
  curl_slist_free_all(connect_to_);
}

void FetchEngine::Submit(FetchRequest request, Callback done) {
  auto* job = new Job;
  job->request = std::move(request);
  job->done = std::move(done);
  job->guard = &guard_;
  job->url = job->request.url;
  job->host = UrlHostForEngine(job->url);
  job->max_attempts =
      job->request.max_attempts > 0 ? job->request.max_attempts : std::max(1, options_.fetch.max_attempts);
  job->timeout = job->request.timeout > absl::ZeroDuration() ? job->request.timeout
                                                             : options_.fetch.timeout;
  job->max_body = options_.fetch.max_body_bytes;
  job->keep_body = job->request.keep_body && job->request.method != FetchMethod::kHead &&
                   !job->request.range;
  job->chain.push_back(job->url);
  job->seen.insert(job->url);
  job->result.requested_url = job->request.url;
  ++outstanding_;
  if (!(absl::StartsWithIgnoreCase(job->url, "http://") ||
        absl::StartsWithIgnoreCase(job->url, "https://")) ||
      job->host.empty()) {
    job->result.error = v1::FETCH_ERROR_OTHER;
    job->result.error_detail = "not an absolute http(s) URL";
    Finish(job);
    return;
  }
  Enqueue(job, false);
}

void FetchEngine::Enqueue(Job* job, bool front) {
  Host& h = hosts_[job->host];
  if (front) {
    h.queue.push_front(job);
  } else {
    h.queue.push_back(job);
  }
}

CURL* FetchEngine::TakeHandle() {
  if (!idle_handles_.empty()) {
    CURL* h = idle_handles_.back();
    idle_handles_.pop_back();
    curl_easy_reset(h);
    return h;
  }
  return curl_easy_init();
}

void FetchEngine::ReturnHandle(CURL* easy) {
  if (idle_handles_.size() < static_cast<size_t>(options_.max_in_flight)) {
    idle_handles_.push_back(easy);
  } else {
    curl_easy_cleanup(easy);
  }
}

void FetchEngine::StartReady(absl::Time now) {
  if (in_flight_ >= options_.max_in_flight) return;
  for (auto& [name, h] : hosts_) {
    while (!h.queue.empty() && in_flight_ < options_.max_in_flight &&
           h.active < options_.per_host_concurrency && now >= h.next_start) {
      Job* job = h.queue.front();
      h.queue.pop_front();
      ++h.active;
      if (options_.per_host_delay > absl::ZeroDuration()) h.next_start = now + options_.per_host_delay;
      StartTransfer(job, now);
    }
    if (in_flight_ >= options_.max_in_flight) return;
  }
}

void FetchEngine::StartTransfer(Job* job, absl::Time now) {
  const FetchOptions& o = options_.fetch;
  CURL* h = TakeHandle();
  job->easy = h;
  job->body.clear();
  job->body_bytes = 0;
  job->too_large = false;
  job->forbidden = false;
  job->errbuf[0] = '\0';
  if (job->chain.size() == 1) job->attempt_start = now;
  absl::Duration left = job->timeout - (now - job->attempt_start);
  if (left < absl::Milliseconds(1)) left = absl::Milliseconds(1);
  curl_easy_setopt(h, CURLOPT_URL, job->url.c_str());
  curl_easy_setopt(h, CURLOPT_PRIVATE, job);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(absl::ToInt64Milliseconds(left)));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(std::min(o.connect_timeout, left))));
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(h, CURLOPT_USERAGENT, o.user_agent.c_str());
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, o.verify_tls ? 1L : 0L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, o.verify_tls ? 2L : 0L);
  if (!o.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, o.ca_file.c_str());
  curl_easy_setopt(h, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  curl_easy_setopt(h, CURLOPT_PIPEWAIT, 1L);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, WriteBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, job);
  curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, OpenSocket);
  curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, job);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, job->errbuf);
  curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(o.max_body_bytes));
  if (connect_to_ != nullptr) curl_easy_setopt(h, CURLOPT_CONNECT_TO, connect_to_);
  if (job->headers == nullptr) {
    job->headers = curl_slist_append(
        nullptr, "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
    job->headers = curl_slist_append(job->headers, "Accept-Language: zh-CN,zh;q=0.9,en;q=0.5");
  }
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, job->headers);
  if (job->request.method == FetchMethod::kHead) {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (job->request.method == FetchMethod::kPost && job->chain.size() == 1) {
    // The first hop only: a redirect after a form POST is followed with GET (as browsers do).
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(job->request.post_body.size()));
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, job->request.post_body.c_str());
  } else if (job->request.range) {
    curl_easy_setopt(h, CURLOPT_RANGE, "0-0");
  }
  ++in_flight_;
  running_.insert(job);
  ++transfers_started_;
  if (observer_ != nullptr) observer_->OnTransferStart();
  curl_multi_add_handle(multi_, h);
}

void FetchEngine::OnTransferDone(CURL* easy, int curl_code) {
  Job* job = nullptr;
  curl_easy_getinfo(easy, CURLINFO_PRIVATE, reinterpret_cast<char**>(&job));
  const CURLcode code = static_cast<CURLcode>(curl_code);
  FetchResult& r = job->result;
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  r.http_status = static_cast<int>(status);
  char* ctype = nullptr;
  curl_easy_getinfo(easy, CURLINFO_CONTENT_TYPE, &ctype);
  r.content_type = ctype != nullptr ? ctype : "";
  char* ip = nullptr;
  curl_easy_getinfo(easy, CURLINFO_PRIMARY_IP, &ip);
  r.remote_ip = ip != nullptr ? ip : "";
  long version = 0;
  curl_easy_getinfo(easy, CURLINFO_HTTP_VERSION, &version);
  r.http_version = version == CURL_HTTP_VERSION_2_0 ? 20 : version == CURL_HTTP_VERSION_3 ? 30
                   : version == CURL_HTTP_VERSION_1_0 ? 10 : version == 0 ? 0 : 11;
  long new_connections = 0;
  curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &new_connections);
  r.new_connections += static_cast<int>(new_connections);
  curl_off_t retry_after = 0;
  curl_easy_getinfo(easy, CURLINFO_RETRY_AFTER, &retry_after);
  char* redirect = nullptr;
  curl_easy_getinfo(easy, CURLINFO_REDIRECT_URL, &redirect);
  std::string redirect_url = redirect != nullptr ? redirect : "";
  const std::string errbuf = job->errbuf;

  curl_multi_remove_handle(multi_, easy);
  running_.erase(job);
  job->easy = nullptr;
  ReturnHandle(easy);
  --in_flight_;
  if (observer_ != nullptr) observer_->OnTransferEnd();
  const absl::Time now = absl::Now();
  {
    Host& h = hosts_[job->host];
    --h.active;
    if (retry_after > 0) {
      absl::Duration pause = std::min(absl::Seconds(retry_after), options_.fetch.max_retry_after);
      h.next_start = std::max(h.next_start, now + pause);
    }
  }
  r.final_url = job->url;
  r.latency_seconds = absl::ToDoubleSeconds(now - job->attempt_start);
  r.body_bytes = job->body_bytes;
  r.error_detail.clear();

  if (job->too_large) {
    r.error = v1::FETCH_ERROR_BODY_TOO_LARGE;
    r.error_detail = absl::StrCat("body larger than ", options_.fetch.max_body_bytes, " bytes");
  } else if (job->forbidden) {
    r.error = v1::FETCH_ERROR_FORBIDDEN_ADDRESS;
    r.error_detail = absl::StrCat("refused to connect to ", job->forbidden_addr,
                                  " (private, loopback, link-local or metadata address)");
  } else if (code != CURLE_OK) {
    r.error = Classify(code);
    r.error_detail = !errbuf.empty() ? errbuf : curl_easy_strerror(code);
  } else if (status >= 300 && status < 400 && status != 304 && !redirect_url.empty()) {
    if (!(absl::StartsWithIgnoreCase(redirect_url, "http://") ||
          absl::StartsWithIgnoreCase(redirect_url, "https://"))) {
      r.error = v1::FETCH_ERROR_OTHER;
      r.error_detail = absl::StrCat("redirect to a non-http URL: ", redirect_url);
    } else if (job->seen.contains(redirect_url)) {
      r.error = v1::FETCH_ERROR_REDIRECT_LOOP;
      r.error_detail = absl::StrCat("redirect loop: ", job->url, " -> ", redirect_url);
      job->chain.push_back(redirect_url);
    } else if (static_cast<int>(job->chain.size()) > options_.fetch.max_redirects) {
      r.error = v1::FETCH_ERROR_TOO_MANY_REDIRECTS;
      r.error_detail = absl::StrCat("more than ", options_.fetch.max_redirects, " redirects");
    } else {
      job->chain.push_back(redirect_url);
      job->seen.insert(redirect_url);
      job->url = redirect_url;
      job->host = UrlHostForEngine(redirect_url);
      Enqueue(job, /*front=*/true);
      return;
    }
  } else if (status >= 400) {
    r.error = LooksBlocked(static_cast<int>(status), job->body) ? v1::FETCH_ERROR_BLOCKED
                                                                : v1::FETCH_ERROR_HTTP_STATUS;
    r.error_detail = absl::StrCat("HTTP ", status);
  } else if (job->keep_body && LooksBlocked(static_cast<int>(status), job->body)) {
    r.error = v1::FETCH_ERROR_BLOCKED;
    r.error_detail = "a WAF or captcha page instead of content";
  } else {
    r.error = v1::FETCH_ERROR_NONE;
  }
  r.attempts = job->attempt + 1;
  if (r.error != v1::FETCH_ERROR_NONE && IsTransient(r) && job->attempt + 1 < job->max_attempts) {
    r.retried_errors.push_back(r.error);
    if (observer_ != nullptr) observer_->OnFetchDone(r);
    absl::Duration delay = options_.fetch.retry_backoff * (1 << std::min(job->attempt, 6));
    if (retry_after > 0) {
      delay = std::min(absl::Seconds(retry_after), options_.fetch.max_retry_after);
    } else {
      delay = Jitter(delay);
    }
    Retry(job, delay);
    return;
  }
  Finish(job);
}

void FetchEngine::Retry(Job* job, absl::Duration delay) {
  ++job->attempt;
  job->url = job->request.url;
  job->host = UrlHostForEngine(job->url);
  job->chain.assign(1, job->url);
  job->seen.clear();
  job->seen.insert(job->url);
  delayed_.emplace(absl::Now() + delay, job);
}

void FetchEngine::Finish(Job* job) {
  FetchResult r = std::move(job->result);
  if (r.attempts == 0) r.attempts = job->attempt + (r.error == v1::FETCH_ERROR_OTHER ? 0 : 1);
  r.body = std::move(job->body);
  r.redirects = static_cast<int>(job->chain.size()) - 1;
  if (job->chain.size() > 1) r.redirect_chain = job->chain;
  if (r.final_url.empty()) r.final_url = job->url;
  Callback done = std::move(job->done);
  if (job->headers != nullptr) curl_slist_free_all(job->headers);
  delete job;
  --outstanding_;
  if (observer_ != nullptr) observer_->OnFetchDone(r);
  if (done) done(std::move(r));
}

void FetchEngine::CancelAll(const std::string& why) {
  std::vector<Job*> jobs;
  if (multi_ != nullptr) {
    for (auto& [name, h] : hosts_) {
      for (Job* j : h.queue) jobs.push_back(j);
      h.queue.clear();
    }
    for (auto& [t, j] : delayed_) jobs.push_back(j);
    delayed_.clear();
    // Transfers in flight.
    for (Job* j : running_) {
      curl_multi_remove_handle(multi_, j->easy);
      ReturnHandle(j->easy);
      j->easy = nullptr;
      --in_flight_;
      if (observer_ != nullptr) observer_->OnTransferEnd();
      hosts_[j->host].active--;
      jobs.push_back(j);
    }
    running_.clear();
  }
  for (Job* j : jobs) {
    j->result.error = v1::FETCH_ERROR_TIMEOUT;
    j->result.error_detail = why;
    j->result.attempts = j->attempt + 1;
    Finish(j);
  }
}

void FetchEngine::Post(std::function<void()> fn) {
  {
    absl::MutexLock lock(&posted_mu_);
    posted_.push_back(std::move(fn));
  }
  curl_multi_wakeup(multi_);
}

size_t FetchEngine::RunPosted() {
  std::vector<std::function<void()>> fns;
  {
    absl::MutexLock lock(&posted_mu_);
    fns.swap(posted_);
  }
  for (auto& fn : fns) {
    if (expected_posts_ > 0) --expected_posts_;
    fn();
  }
  return fns.size();
}

void FetchEngine::Run(absl::Time deadline) {
  while (outstanding_ > 0 || expected_posts_ > 0) {
    absl::Time now = absl::Now();
    if (now >= deadline) {
      CancelAll("stopped at the crawl's time budget");
      // Callbacks of cancelled jobs may have submitted new ones: cancel those too.
      if (outstanding_ > 0) CancelAll("stopped at the crawl's time budget");
      return;
    }
    while (!delayed_.empty() && delayed_.begin()->first <= now) {
      Job* j = delayed_.begin()->second;
      delayed_.erase(delayed_.begin());
      Enqueue(j, /*front=*/true);
    }
    RunPosted();
    StartReady(now);
    int running = 0;
    curl_multi_perform(multi_, &running);
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
      if (msg->msg == CURLMSG_DONE) OnTransferDone(msg->easy_handle, msg->data.result);
    }
    if (outstanding_ == 0 && expected_posts_ == 0) break;
    // Start what became possible before waiting.
    now = absl::Now();
    StartReady(now);
    absl::Duration wait = absl::Milliseconds(100);
    if (!delayed_.empty()) wait = std::min(wait, delayed_.begin()->first - now);
    for (const auto& [name, h] : hosts_) {
      if (!h.queue.empty() && h.next_start > now) wait = std::min(wait, h.next_start - now);
    }
    wait = std::min(wait, deadline - now);
    if (in_flight_ > 0 || expected_posts_ > 0 || wait > absl::ZeroDuration()) {
      int ms = static_cast<int>(std::max<int64_t>(0, absl::ToInt64Milliseconds(wait)));
      if (in_flight_ > 0 || expected_posts_ > 0) {  // a Post wakes the poll up
        curl_multi_poll(multi_, nullptr, 0, ms, nullptr);
      } else if (ms > 0) {
        usleep(static_cast<useconds_t>(ms) * 1000);
      }
    }
  }
}

}  // namespace govinspect::common
