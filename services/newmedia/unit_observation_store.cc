#include "services/newmedia/unit_observation_store.h"

#include "absl/strings/str_cat.h"

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
  const std::string key = absl::StrCat(key_prefix, ":round:", round_id, ":obs");
  absl::Status last;
  for (int attempt = 0; attempt < 50; ++attempt) {
    if (auto r = conn.Command({"WATCH", key}); !r.ok()) return r.status();
    auto current = conn.Command({"HGET", key, unit_obs.target()});
    if (!current.ok()) {
      (void)conn.Command({"UNWATCH"});
      return current.status();
    }
    common::v1::Observation stored;
    bool have = false;
    if (!current->is_nil()) {
      have = stored.ParseFromString(current->str);  // a corrupt one is replaced
    }
    common::v1::Observation merged = MergeUnitFindings(have ? &stored : nullptr, unit_obs);
    if (auto r = conn.Command({"MULTI"}); !r.ok()) {
      (void)conn.Command({"UNWATCH"});
      return r.status();
    }
    if (auto r = conn.Command({"HSET", key, unit_obs.target(), merged.SerializeAsString()});
        !r.ok()) {
      (void)conn.Command({"DISCARD"});
      return r.status();
    }
    auto exec = conn.Command({"EXEC"});
    if (!exec.ok()) return exec.status();
    if (!exec->is_nil()) return absl::OkStatus();
    last = absl::UnavailableError(
        absl::StrCat("merging the observation of ", unit_obs.target(), ": contention"));
  }
  return last;
}

}  // namespace govinspect::newmedia
