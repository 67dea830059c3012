#ifndef GOVINSPECT_COMMON_HTTP_FETCH_ENGINE_H_
#define GOVINSPECT_COMMON_HTTP_FETCH_ENGINE_H_

// Many fetches in flight on one thread, on libcurl's multi interface.
//
//   FetchEngine engine(options);
//   engine.Submit({.url = "http://www.zs.gov.cn/"}, [&](FetchResult r) { ... engine.Submit(...) });
//   engine.Run(deadline);   // returns when nothing is left (or at the deadline)
//
// What it does for every fetch: keep-alive connections (the multi handle's cache), HTTP/2 where
// offered (multiplexed), TLS verification, compression (gzip/deflate/br/zstd), the timeout, a
// maximum body size (on decoded bytes, so a gzip bomb is cut off), redirects followed one hop at
// a time (each hop re-checked by the SSRF guard; the same URL twice in a chain is a redirect
// loop), per-host concurrency and minimum delay between requests, retries of transient errors
// with exponential backoff honouring Retry-After (the host is paused for that long), host →
// address mapping (connect_to). Not thread-safe: Submit, Run and the callbacks all happen on the
// thread that calls Run — except Post, which hands work done on other threads back to it.

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/http/address_guard.h"
#include "common/http/fetcher.h"

typedef void CURLM;
typedef void CURL;
struct curl_slist;

namespace govinspect::common {

struct FetchEngineOptions {
  FetchOptions fetch;
  // Transfers in flight at once (all hosts).
  int max_in_flight = 32;
  // Transfers in flight at once per host, and the minimum time between two request starts
  // to one host (0 for benchmarks).
  int per_host_concurrency = 4;
  absl::Duration per_host_delay = absl::ZeroDuration();
};

enum class FetchMethod { kGet, kHead, kPost };

struct FetchRequest {
  std::string url;
  FetchMethod method = FetchMethod::kGet;
  // GET with "Range: bytes=0-0" (a check that a file exists when HEAD is refused).
  bool range = false;
  bool keep_body = true;
  // kPost: the request body, sent as application/x-www-form-urlencoded (a form's fields, e.g. a
  // CMS's list-paging endpoint). A redirect is followed with GET.
  std::string post_body;
  // 0 = the engine's fetch.max_attempts.
  int max_attempts = 0;
  // Zero = the engine's fetch.timeout.
  absl::Duration timeout = absl::ZeroDuration();
};

// Receives every finished fetch attempt (for metrics; a retried fetch is reported once per
// attempt). Called on the engine's thread.
class FetchObserver {
 public:
  virtual ~FetchObserver() = default;
  virtual void OnTransferStart() {}
  virtual void OnTransferEnd() {}
  virtual void OnFetchDone(const FetchResult& result) = 0;
};

class FetchEngine {
 public:
  using Callback = std::function<void(FetchResult)>;

  explicit FetchEngine(FetchEngineOptions options, FetchObserver* observer = nullptr);
  ~FetchEngine();
  FetchEngine(const FetchEngine&) = delete;
  FetchEngine& operator=(const FetchEngine&) = delete;

  void Submit(FetchRequest request, Callback done);

  // Runs until every fetch (including those submitted by callbacks) has finished, or until
  // `deadline`; at the deadline the fetches still open are finished with a TIMEOUT error.
  void Run(absl::Time deadline = absl::InfiniteFuture());

  // Work done on other threads whose results come back to the engine's thread (a crawl reading
  // pages on a pool): ExpectPost, on the engine's thread, announces one Post to come, and Run
  // keeps running until it has arrived. Post may be called from any thread; `fn` runs on the
  // engine's thread inside Run (and may Submit). Posts that arrive after Run returned at its
  // deadline run in the next Run, or never.
  void ExpectPost() { ++expected_posts_; }
  void Post(std::function<void()> fn);
  size_t expected_posts() const { return expected_posts_; }

  // Fetches submitted and not finished.
  size_t outstanding() const { return outstanding_; }
  int64_t transfers_started() const { return transfers_started_; }
  const FetchEngineOptions& options() const { return options_; }

  struct Job;

 private:
  struct Host {
    int active = 0;
    absl::Time next_start = absl::InfinitePast();
    std::deque<Job*> queue;
  };

  void Enqueue(Job* job, bool front);
  void StartReady(absl::Time now);
  void StartTransfer(Job* job, absl::Time now);
  void OnTransferDone(CURL* easy, int curl_code);
  void Finish(Job* job);
  void Retry(Job* job, absl::Duration delay);
  void CancelAll(const std::string& why);
  // Runs what Post handed over; returns how many ran.
  size_t RunPosted();
  CURL* TakeHandle();
  void ReturnHandle(CURL* easy);

  FetchEngineOptions options_;
  FetchObserver* observer_;
  AddressGuard guard_;
  CURLM* multi_ = nullptr;
  curl_slist* connect_to_ = nullptr;
  std::vector<CURL*> idle_handles_;
  // Jobs with a transfer in flight.
  absl::flat_hash_set<Job*> running_;
  absl::flat_hash_map<std::string, Host> hosts_;
  // Jobs waiting for a retry, by due time.
  std::multimap<absl::Time, Job*> delayed_;
  int in_flight_ = 0;
  size_t outstanding_ = 0;
  int64_t transfers_started_ = 0;
  size_t expected_posts_ = 0;
  absl::Mutex posted_mu_;
  std::vector<std::function<void()>> posted_ ABSL_GUARDED_BY(posted_mu_);
};

// The host of an absolute http(s) URL, lowercase ("" if it has none).
std::string UrlHostForEngine(const std::string& url);

}  // namespace govinspect::common

#endif  // GOVINSPECT_COMMON_HTTP_FETCH_ENGINE_H_
