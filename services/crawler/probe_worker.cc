#include "services/crawler/probe_worker.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log/log.h"

namespace govinspect::crawler {

absl::Status ProbeWorker::Start() {
  if (o_.threads < 1) return absl::OkStatus();
  if (o_.consumer_prefix.empty()) {
    char host[256] = {0};
    gethostname(host, sizeof(host) - 1);
    o_.consumer_prefix = absl::StrCat(host, "-", getpid());
  }
  common::RedisConnection conn(o_.redis);
  coordinator::ProbeStore store(&conn, o_.store);
  if (absl::Status s = store.EnsureGroup(); !s.ok()) return s;
  for (int i = 0; i < o_.threads; ++i) threads_.emplace_back([this, i] { Loop(i); });
  GI_LOG(INFO).With("threads", o_.threads) << "probe worker started";
  return absl::OkStatus();
}

void ProbeWorker::Stop() {
  if (stopping_.exchange(true)) return;
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void ProbeWorker::Loop(int index) {
  common::RedisConnection conn(o_.redis);
  coordinator::ProbeStore store(&conn, o_.store);
  const std::string consumer = absl::StrCat(o_.consumer_prefix, "-probe-", index);
  common::FetchEngineOptions eo = o_.engine;
  eo.fetch.max_attempts = 1;  // a probe is one attempt
  eo.fetch.keep_body = false;
  eo.per_host_concurrency = std::max(eo.per_host_concurrency, 1);
  while (!stopping_.load()) {
    auto tasks = store.Take(consumer, o_.batch, o_.block);
    if (!tasks.ok()) {
      GI_LOG_EVERY_N_SEC(WARNING, 10) << "cannot take probes: " << tasks.status();
      absl::SleepFor(absl::Milliseconds(500));
      continue;
    }
    if (tasks->empty()) continue;
    common::FetchEngine engine(eo, metrics_);
    std::vector<coordinator::ProbeAttempt> attempts(tasks->size());
    for (size_t i = 0; i < tasks->size(); ++i) {
      common::FetchRequest req;
      req.url = (*tasks)[i].url;
      req.keep_body = false;
      req.max_attempts = 1;
      attempts[i].scheduled_ms = (*tasks)[i].scheduled_ms;
      attempts[i].time_ms = absl::ToUnixMillis(absl::Now());
      engine.Submit(req, [&attempts, i](common::FetchResult r) {
        attempts[i].success = r.error == common::v1::FETCH_ERROR_NONE;
        attempts[i].latency_ms = static_cast<int64_t>(r.latency_seconds * 1000);
        attempts[i].reason = common::FetchReason(r);
      });
    }
    engine.Run(absl::Now() + eo.fetch.timeout + absl::Seconds(5));
    for (size_t i = 0; i < tasks->size(); ++i) {
      const auto& t = (*tasks)[i];
      if (absl::Status s = store.Record(t, attempts[i]); !s.ok()) {
        GI_LOG_EVERY_N_SEC(WARNING, 10) << "cannot record a probe: " << s;
        continue;
      }
      if (metrics_ != nullptr) {
        std::string site = t.site.substr(t.site.find('/') + 1);
        metrics_->RecordProbe(site, attempts[i].success, attempts[i].latency_ms / 1000.0);
      }
      ++done_;
    }
  }
}

}  // namespace govinspect::crawler
