#include "services/coordinator/probe_scheduler.h"

#include <map>
#include <random>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/log/log.h"
#include "common/redis/observation_store.h"
#include "google/protobuf/util/time_util.h"
#include "services/coordinator/store.h"

namespace govinspect::coordinator {
namespace {

absl::Mutex g_mu;
ProbeOptions* g_options ABSL_GUARDED_BY(g_mu) = nullptr;

}  // namespace

absl::Status ValidateProbeOptions(const ProbeOptions& o) {
  if (!o.enabled) return absl::OkStatus();
  if (o.interval < absl::Milliseconds(10)) {
    return absl::InvalidArgumentError("--probe_interval must be ≥ 10ms");
  }
  if (o.jitter < 0 || o.jitter >= 1) return absl::InvalidArgumentError("--probe_jitter must be in [0, 1)");
  if (o.window <= absl::ZeroDuration()) return absl::InvalidArgumentError("--probe_window must be positive");
  if (o.store.retention < o.window) {
    return absl::InvalidArgumentError("--probe_retention must be ≥ --probe_window");
  }
  if (o.min_probes < 1) return absl::InvalidArgumentError("--probe_min_count must be ≥ 1");
  if (o.threshold <= 0 || o.threshold > 1) {
    return absl::InvalidArgumentError("--probe_threshold must be in (0, 1]");
  }
  return absl::OkStatus();
}

ProbeScheduler::ProbeScheduler(ProbeOptions options, common::RedisPool* pool)
    : o_(std::move(options)), pool_(pool) {}

absl::Status ProbeScheduler::Tick(common::RedisConnection& conn, std::mt19937_64& rng,
                                  int64_t* version) {
  ProbeStore store(&conn, o_.store);
  RegistryStore registry_store(o_.store.key_prefix);
  auto reg = registry_store.Load(conn);
  if (!reg.ok()) return reg.status();
  if ((*reg)->version != *version) {
    std::map<std::string, std::string> sites;
    for (const auto& s : (*reg)->registry.sites()) sites[s.name()] = s.home_url();
    if (absl::Status s = store.SyncSchedule(sites, absl::Now(), o_.interval, rng); !s.ok()) return s;
    GI_LOG(INFO).With("sites", static_cast<int64_t>(sites.size()))
        .With("interval_ms", absl::ToInt64Milliseconds(o_.interval))
        << "probe schedule synchronised with the registry";
    *version = (*reg)->version;
  }
  for (int i = 0; i < 100; ++i) {  // bounded per tick
    auto n = store.EnqueueDue(absl::Now(), o_.interval, o_.jitter, 1000, rng);
    if (!n.ok()) return n.status();
    if (*n < 1000) break;
  }
  return absl::OkStatus();
}

void ProbeScheduler::Run(const std::atomic<bool>* stop) {
  if (!o_.enabled) return;
  common::RedisConnection conn(pool_->options());
  std::mt19937_64 rng(std::random_device{}());
  int64_t version = -1;
  absl::Duration tick = std::min(o_.tick, o_.interval / 4);
  if (tick < absl::Milliseconds(5)) tick = absl::Milliseconds(5);
  while (!stop->load()) {
    if (absl::Status s = Tick(conn, rng, &version); !s.ok()) {
      GI_LOG_EVERY_N_SEC(WARNING, 30) << "probe scheduler: " << s;
      version = -1;
    }
    absl::SleepFor(tick);
  }
}

void ConfigureRoundAvailability(const ProbeOptions& options) {
  absl::MutexLock lock(&g_mu);
  delete g_options;
  g_options = new ProbeOptions(options);
}

absl::Time AvailabilityWindowEnd(const std::string& as_of, absl::Time now, absl::Time round_created) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(as_of, &day)) return now;
  absl::TimeZone beijing = absl::FixedTimeZone(8 * 3600);
  absl::Time end = absl::FromCivil(day + 1, beijing);
  if (end <= round_created) return now;  // a past as_of: the round's own probes
  return std::min(end, now);
}

absl::Status ApplyAvailability(common::RedisConnection& conn, const std::string& round_id,
                               const v1::Round& round, const common::v1::Registry& snapshot) {
  ProbeOptions o;
  {
    absl::MutexLock lock(&g_mu);
    if (g_options == nullptr) return absl::OkStatus();
    o = *g_options;
  }
  if (!o.enabled) return absl::OkStatus();
  const std::set<std::string> scope(round.scope().units().begin(), round.scope().units().end());
  bool crawl = round.scope().kinds().empty();
  for (int k : round.scope().kinds()) crawl |= k == v1::TASK_KIND_CRAWL;
  if (!crawl) return absl::OkStatus();
  const absl::Time created =
      round.has_create_time()
          ? absl::FromUnixNanos(google::protobuf::util::TimeUtil::TimestampToNanoseconds(round.create_time()))
          : absl::InfinitePast();
  const absl::Time end = AvailabilityWindowEnd(round.as_of(), absl::Now(), created);
  const absl::Time start = end - o.window;
  ProbeStore store(&conn, o.store);
  common::ObservationStore obs_store(&conn, o.store.key_prefix);
  int vetoed = 0, measured = 0;
  for (const auto& site : snapshot.sites()) {
    if (!scope.empty() && !scope.count(site.unit())) continue;
    auto attempts = store.Attempts(site.name(), start, end);
    if (!attempts.ok()) return attempts.status();
    auto obs = obs_store.Get(round_id, site.name());
    if (!obs.ok()) {
      if (obs.status().code() == absl::StatusCode::kNotFound) continue;
      return obs.status();
    }
    AvailabilitySummary sum = Summarize(*attempts, o.min_probes, o.threshold);
    common::v1::Availability* av = obs->mutable_site()->mutable_availability();
    av->Clear();
    av->set_probes(sum.probes);
    av->set_failures(sum.failures);
    av->set_fail_ratio(sum.fail_ratio);
    av->set_sufficient(sum.sufficient);
    *av->mutable_window_start_time() =
        google::protobuf::util::TimeUtil::MillisecondsToTimestamp(absl::ToUnixMillis(start));
    *av->mutable_window_end_time() =
        google::protobuf::util::TimeUtil::MillisecondsToTimestamp(absl::ToUnixMillis(end));
    for (const auto& [reason, n] : sum.reasons) (*av->mutable_failure_reasons())[reason] = n;
    // Idempotent: drop a verdict written by an earlier call.
    auto* findings = obs->mutable_findings();
    for (int i = findings->size() - 1; i >= 0; --i) {
      if (findings->Get(i).kind() == "site_unreachable") findings->DeleteSubrange(i, 1);
    }
    if (sum.unreachable) {
      common::v1::Finding* f = obs->add_findings();
      f->set_kind("site_unreachable");
      f->set_indicator("site_unreachable");
      f->set_url(site.home_url());
      std::string top;
      int top_n = 0;
      for (const auto& [reason, n] : sum.reasons) {
        if (n > top_n) {
          top = reason;
          top_n = n;
        }
      }
      f->set_detail(absl::StrFormat("failure_ratio=%.4f probes=%d failures=%d mode=%s", sum.fail_ratio,
                                    sum.probes, sum.failures, top));
      ++vetoed;
    }
    // A site whose pages could not be read (its crawl's NOT_ASSESSED reason is kept) is decided
    // by the window's veto when there is one, and stays NOT_ASSESSED otherwise — never passed.
    if (!obs->not_assessed_reason().empty()) {
      obs->set_status(sum.unreachable ? common::v1::TARGET_STATUS_ASSESSED
                                      : common::v1::TARGET_STATUS_NOT_ASSESSED);
    }
    ++measured;
    if (absl::Status s = obs_store.Put(round_id, *obs); !s.ok()) return s;
  }
  GI_LOG(INFO).With("round", round.name()).With("sites", measured).With("unreachable", vetoed)
      << "availability applied";
  return absl::OkStatus();
}

}  // namespace govinspect::coordinator
