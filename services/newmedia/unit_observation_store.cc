#include "services/newmedia/unit_observation_store.h"

#include "absl/strings/str_cat.h"
#include "common/redis/observation_store.h"
#include "common/worker/queue_worker.h"

namespace govinspect::newmedia {
namespace {

bool Owned(const std::string& kind) {
  return kind == "account_unfiled" || kind == "account_duplicate_platform";
}

}  // namespace

common::v1::Observation MergeUnitFindings(const common::v1::Observation* stored,
                                          const common::v1::Observation& mine) {
  if (stored == nullptr) return mine;
  common::v1::Observation out = *stored;
  out.clear_findings();
  for (const auto& f : stored->findings()) {
    if (!Owned(f.kind())) *out.add_findings() = f;
  }
  for (const auto& f : mine.findings()) {
    if (Owned(f.kind())) *out.add_findings() = f;
  }
  if (out.status() == common::v1::TARGET_STATUS_UNSPECIFIED) out.set_status(mine.status());
  if (out.unit().empty()) out.set_unit(mine.unit());
  return out;
}

absl::Status MergeUnitObservation(common::RedisConnection& conn, const std::string& key_prefix,
                                  const std::string& round_id,
                                  const common::v1::Observation& unit_obs) {
  // newmedia's part of the unit's observation (the account queue's); other checkers' parts
  // (open data) are stored beside it and merged on read.
  common::ObservationStore store(&conn, key_prefix);
  return store.PutPart(round_id, unit_obs, "account");
}

absl::Status StoreUnitObservation(common::RedisPool& pool, const std::string& key_prefix,
                                  const std::string& round_id,
                                  const common::v1::Observation& unit_obs,
                                  absl::Duration retry_for, const std::function<bool()>& stopping) {
  absl::Status s = common::RetryResultWrite(
      [&] {
        auto conn = pool.Borrow();
        return MergeUnitObservation(*conn, key_prefix, round_id, unit_obs);
      },
      retry_for, stopping);
  if (s.ok()) return s;
  return absl::Status(s.code(), absl::StrCat(unit_obs.target(), ": ", s.message()));
}

}  // namespace govinspect::newmedia
