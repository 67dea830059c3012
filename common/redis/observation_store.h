#ifndef GOVINSPECT_COMMON_REDIS_OBSERVATION_STORE_H_
#define GOVINSPECT_COMMON_REDIS_OBSERVATION_STORE_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/redis/redis_client.h"
#include "govinspect/common/v1/observation.pb.h"

namespace govinspect::common {

// Observations keyed by (round, target): <prefix>:round:<round>:obs is a hash target → bytes.
// Putting the same target twice keeps one observation (the later one).
//
// A target observed by several checkers (a unit: open data by dataopen, unfiled accounts by
// newmedia) is stored in parts, one hash field "<target>@<source>" per checker, so that no
// checker overwrites another's findings; reads merge the parts into one observation (findings
// of all parts; NOT_ASSESSED if any part is, with the reasons joined — never a pass).
class ObservationStore {
 public:
  ObservationStore(RedisConnection* conn, std::string key_prefix = "govinspect")
      : conn_(conn), prefix_(std::move(key_prefix)) {}

  absl::Status Put(const std::string& round_id, const v1::Observation& observation);
  // Stores `source`'s part of the target's observation (replacing that source's earlier part).
  absl::Status PutPart(const std::string& round_id, const v1::Observation& observation,
                       const std::string& source);
  // Stores only if the target has no observation yet; returns whether it stored.
  absl::StatusOr<bool> PutIfAbsent(const std::string& round_id,
                                   const v1::Observation& observation);
  absl::StatusOr<v1::Observation> Get(const std::string& round_id, const std::string& target);
  // Sorted target names (parts counted once).
  absl::StatusOr<std::vector<std::string>> Targets(const std::string& round_id);
  absl::StatusOr<std::vector<v1::Observation>> GetMany(const std::string& round_id,
                                                       const std::vector<std::string>& targets);
  absl::StatusOr<int64_t> Count(const std::string& round_id);

  std::string Key(const std::string& round_id) const;

 private:
  // Hash fields by target: the whole-observation field and/or the parts' fields.
  absl::StatusOr<std::map<std::string, std::vector<std::string>>> Fields(
      const std::string& round_id);

  RedisConnection* conn_;
  std::string prefix_;
};

}  // namespace govinspect::common

#endif  // GOVINSPECT_COMMON_REDIS_OBSERVATION_STORE_H_
