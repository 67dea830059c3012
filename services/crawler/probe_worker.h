#ifndef GOVINSPECT_SERVICES_CRAWLER_PROBE_WORKER_H_
#define GOVINSPECT_SERVICES_CRAWLER_PROBE_WORKER_H_

// Availability probes: threads that take due probes from the probe stream (the coordinator's
// schedule), fetch each site's home page once (no retry; a probe fails unless the page opens
// within the probe timeout, 15 s) and record every attempt (services/coordinator/probe_store.h).

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "common/http/fetch_engine.h"
#include "common/redis/redis_client.h"
#include "services/coordinator/probe_store.h"
#include "services/crawler/site_check.h"

namespace govinspect::crawler {

struct ProbeWorkerOptions {
  int threads = 1;
  // Probes taken (and run concurrently) per batch per thread.
  int batch = 32;
  common::RedisOptions redis;
  coordinator::ProbeStoreOptions store;
  common::FetchEngineOptions engine;  // fetch.timeout = the probe timeout
  std::string consumer_prefix;
  absl::Duration block = absl::Seconds(1);
};

class ProbeWorker {
 public:
  ProbeWorker(ProbeWorkerOptions options, FetchMetrics* metrics)
      : o_(std::move(options)), metrics_(metrics) {}
  ~ProbeWorker() { Stop(); }
  absl::Status Start();
  void Stop();
  int64_t probes_done() const { return done_.load(); }

 private:
  void Loop(int index);

  ProbeWorkerOptions o_;
  FetchMetrics* metrics_;
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> done_{0};
  std::vector<std::thread> threads_;
};

}  // namespace govinspect::crawler

#endif  // GOVINSPECT_SERVICES_CRAWLER_PROBE_WORKER_H_
