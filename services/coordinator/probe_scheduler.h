#ifndef GOVINSPECT_SERVICES_COORDINATOR_PROBE_SCHEDULER_H_
#define GOVINSPECT_SERVICES_COORDINATOR_PROBE_SCHEDULER_H_

// The standing availability schedule (DESIGN.md): every registered site is probed about every
// `interval` (default 1 h = 24 a day ≥ 20), each probe shifted by ±jitter so that probes of one
// site are spread over the day and sites do not fire together. Due probes go to the crawler
// workers through the probe stream (probe_store.h). The schedule lives in Redis, so a restarted
// (or second) coordinator continues it.

#include <atomic>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/redis/redis_pool.h"
#include "govinspect/common/v1/observation.pb.h"
#include "govinspect/common/v1/registry.pb.h"
#include "govinspect/coordinator/v1/round_service.pb.h"
#include "services/coordinator/probe_store.h"

namespace govinspect::coordinator {

struct ProbeOptions {
  bool enabled = true;
  // Mean time between two probes of one site, and the relative jitter of each interval.
  absl::Duration interval = absl::Hours(1);
  double jitter = 0.3;
  // How often the scheduler looks for due probes (at most; shorter when the interval is short).
  absl::Duration tick = absl::Seconds(1);
  // What a round reads: attempts scheduled in the `window` before min(now, the end of as_of,
  // Beijing time); fewer than `min_probes` → no verdict; veto at `threshold` failures.
  absl::Duration window = absl::Hours(24 * 7);
  int min_probes = 20;
  double threshold = 0.05;
  ProbeStoreOptions store;
};

absl::Status ValidateProbeOptions(const ProbeOptions& options);

class ProbeScheduler {
 public:
  ProbeScheduler(ProbeOptions options, common::RedisPool* pool);
  // Loads the registry, keeps the schedule in step with it and enqueues due probes until `stop`.
  void Run(const std::atomic<bool>* stop);

 private:
  absl::Status Tick(common::RedisConnection& conn, std::mt19937_64& rng, int64_t* version);

  ProbeOptions o_;
  common::RedisPool* pool_;
};

// Process-wide settings read by RoundManager::Advance when a round's tasks finish (set once by
// CoordinatorServer before it starts; until then availability is not applied).
void ConfigureRoundAvailability(const ProbeOptions& options);

// For every site of the round's registry snapshot in scope: reads its probe attempts inside
// the window, stores the summary in the site's observation evidence and a `site_unreachable`
// finding when the veto applies. Idempotent. No-op when not configured or disabled.
absl::Status ApplyAvailability(common::RedisConnection& conn, const std::string& round_id,
                               const coordinator::v1::Round& round,
                               const common::v1::Registry& snapshot);

// The window end for a round: min(now, as_of 24:00 Asia/Shanghai). A round created after its
// as_of day was over (a past 监测时间点: the simulated province, a re-check) cannot have
// probed then: its window ends now, covering the probes taken while it was prepared and ran.
absl::Time AvailabilityWindowEnd(const std::string& as_of, absl::Time now,
                                 absl::Time round_created = absl::InfinitePast());

}  // namespace govinspect::coordinator

#endif  // GOVINSPECT_SERVICES_COORDINATOR_PROBE_SCHEDULER_H_
