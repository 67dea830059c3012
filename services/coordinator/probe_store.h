#ifndef GOVINSPECT_SERVICES_COORDINATOR_PROBE_STORE_H_
#define GOVINSPECT_SERVICES_COORDINATOR_PROBE_STORE_H_

// Availability probes in Redis (docs/crawler.md, "Availability"):
//
//   <p>:probe:schedule        zset  site name → next due time (ms)        (coordinator)
//   <p>:probe:sites           hash  site name → home URL                 (coordinator)
//   <p>:queue:probe           stream of due probes: site, url, sched      (coordinator → crawler)
//   <p>:probe:attempts:<site> zset  one member per attempt, score = scheduled time (ms),
//                             member "sched|time|ok|latency_ms|reason"; trimmed to the retention
//
// A probe delivered twice replaces its own attempt (same scheduled time): idempotent.

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/redis/redis_client.h"

namespace govinspect::coordinator {

struct ProbeStoreOptions {
  std::string key_prefix = "govinspect";
  // Attempts older than this are dropped.
  absl::Duration retention = absl::Hours(24 * 8);
  // Consumer group of the probe stream.
  std::string group = "probers";
  // A taken probe not recorded within this time is given to another worker.
  absl::Duration lease = absl::Seconds(60);
};

struct ProbeTask {
  std::string entry_id;
  std::string site;  // sites/{site}
  std::string url;
  int64_t scheduled_ms = 0;
};

struct ProbeAttempt {
  int64_t scheduled_ms = 0;
  int64_t time_ms = 0;
  bool success = false;
  int64_t latency_ms = 0;
  std::string reason;  // "ok", "http_503", "timeout", …
};

class ProbeStore {
 public:
  ProbeStore(common::RedisConnection* conn, ProbeStoreOptions options)
      : conn_(conn), o_(std::move(options)) {}

  // Scheduler: makes the schedule hold exactly `sites` (name → home URL); new sites get a
  // first due time spread uniformly over one interval from `now`.
  absl::Status SyncSchedule(const std::map<std::string, std::string>& sites, absl::Time now,
                            absl::Duration interval, std::mt19937_64& rng);
  // Scheduler: enqueues every probe due at `now` (at most `max`) and schedules each site's next
  // one `interval` × (1 ± jitter) after its due time. Returns how many were enqueued. Safe with
  // several schedulers (a due entry is claimed atomically).
  absl::StatusOr<int> EnqueueDue(absl::Time now, absl::Duration interval, double jitter, int max,
                                 std::mt19937_64& rng);

  // Workers.
  absl::Status EnsureGroup();
  absl::StatusOr<std::vector<ProbeTask>> Take(const std::string& consumer, int max,
                                              absl::Duration block);
  // Stores the attempt and acknowledges the task.
  absl::Status Record(const ProbeTask& task, const ProbeAttempt& attempt);

  // Rounds: attempts whose scheduled time lies in [from, to].
  absl::StatusOr<std::vector<ProbeAttempt>> Attempts(const std::string& site, absl::Time from,
                                                     absl::Time to);

  std::string ScheduleKey() const { return o_.key_prefix + ":probe:schedule"; }
  std::string SitesKey() const { return o_.key_prefix + ":probe:sites"; }
  std::string StreamKey() const { return o_.key_prefix + ":queue:probe"; }
  std::string AttemptsKey(const std::string& site) const {
    return o_.key_prefix + ":probe:attempts:" + site;
  }

 private:
  common::RedisConnection* conn_;
  ProbeStoreOptions o_;
  int64_t takes_ = 0;
};

// The availability of a site over a window: failures / probes, and the verdict.
struct AvailabilitySummary {
  int probes = 0;
  int failures = 0;
  double fail_ratio = 0;
  std::map<std::string, int> reasons;
  bool sufficient = false;  // probes ≥ min_probes
  bool unreachable = false; // sufficient and fail_ratio ≥ threshold
};
AvailabilitySummary Summarize(const std::vector<ProbeAttempt>& attempts, int min_probes,
                              double threshold);

}  // namespace govinspect::coordinator

#endif  // GOVINSPECT_SERVICES_COORDINATOR_PROBE_STORE_H_
