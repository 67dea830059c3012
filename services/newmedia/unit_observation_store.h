#ifndef GOVINSPECT_SERVICES_NEWMEDIA_UNIT_OBSERVATION_STORE_H_
#define GOVINSPECT_SERVICES_NEWMEDIA_UNIT_OBSERVATION_STORE_H_

// Unit observations (target units/{unit}) are shared: dataopen records a unit's open data there,
// newmedia its unfiled and duplicate accounts. A plain HSET of one would erase the other's
// findings, so newmedia merges: within a WATCH/MULTI/EXEC transaction on the round's observation
// hash it reads the unit's current observation, replaces only the findings of the kinds it owns
// (account_unfiled, account_duplicate_platform) and keeps everything else (status, evidence,
// other findings). Retried when another writer touched the hash in between.
//
// Known gap (docs/newmedia.md): a writer that does a plain HSET of units/{unit} after this merge
// (today: dataopen's portal task) still erases newmedia's findings.

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/redis/redis_client.h"
#include "common/redis/redis_pool.h"
#include "govinspect/common/v1/observation.pb.h"

namespace govinspect::newmedia {

// Merges `unit_obs` (newmedia's findings about the unit) into the stored observation of
// (round_id, unit_obs.target()). UNAVAILABLE on Redis errors or persistent contention.
absl::Status MergeUnitObservation(common::RedisConnection& conn, const std::string& key_prefix,
                                  const std::string& round_id,
                                  const common::v1::Observation& unit_obs);

// MergeUnitObservation with the retry of every worker's result writes (common::RetryResultWrite):
// while Redis is unavailable or refuses writes (maxmemory) it is tried again with backoff for
// `retry_for`, or until `stopping()`. Errors name the unit ("units/x: …"; IsWriteRefused still
// holds for a refused write, so the queue worker gives the task up as lost on its last delivery).
absl::Status StoreUnitObservation(common::RedisPool& pool, const std::string& key_prefix,
                                  const std::string& round_id,
                                  const common::v1::Observation& unit_obs,
                                  absl::Duration retry_for, const std::function<bool()>& stopping);

// The merge itself (pure): `stored` with newmedia's kinds replaced by those of `mine`.
common::v1::Observation MergeUnitFindings(const common::v1::Observation* stored,
                                          const common::v1::Observation& mine);

}  // namespace govinspect::newmedia

#endif  // GOVINSPECT_SERVICES_NEWMEDIA_UNIT_OBSERVATION_STORE_H_
