#ifndef GOVINSPECT_SERVICES_COORDINATOR_STORE_H_
#define GOVINSPECT_SERVICES_COORDINATOR_STORE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/redis/redis_client.h"
#include "govinspect/common/v1/registry.pb.h"
#include "govinspect/coordinator/v1/round_service.pb.h"

namespace govinspect::coordinator {

// A registry as loaded, with lookup by resource name.
struct LoadedRegistry {
  int64_t version = 0;
  common::v1::Registry registry;
  absl::flat_hash_map<std::string, const common::v1::Unit*> units;
  absl::flat_hash_map<std::string, const common::v1::Site*> sites;
  absl::flat_hash_map<std::string, const common::v1::Account*> accounts;
  absl::flat_hash_map<std::string, const common::v1::Portal*> portals;
};

std::shared_ptr<const LoadedRegistry> IndexRegistry(common::v1::Registry registry,
                                                    int64_t version);

// The current registry: one Redis key replaced atomically with its version counter.
class RegistryStore {
 public:
  explicit RegistryStore(std::string key_prefix) : prefix_(std::move(key_prefix)) {}

  absl::Status Replace(common::RedisConnection& conn, const common::v1::Registry& registry);
  // The current registry (an empty one if nothing was imported); cached per version.
  absl::StatusOr<std::shared_ptr<const LoadedRegistry>> Load(common::RedisConnection& conn);

 private:
  std::string prefix_;
  absl::Mutex mu_;
  std::shared_ptr<const LoadedRegistry> cache_ ABSL_GUARDED_BY(mu_);
};

// Rounds: <p>:round:<id>:meta hash {state, blob}, index <p>:rounds (zset by create time),
// idempotency keys <p>:round-request:<request_id>, registry snapshot <p>:round:<id>:registry.
class RoundStore {
 public:
  explicit RoundStore(std::string key_prefix) : prefix_(std::move(key_prefix)) {}

  // Stores a new round. ALREADY_EXISTS if the id is taken. If request_id was used before,
  // returns the id of the round created then (and stores nothing) via *existing_id.
  absl::Status Create(common::RedisConnection& conn, const v1::Round& round,
                      const std::string& request_id, const common::v1::Registry& snapshot,
                      std::string* existing_id);
  absl::StatusOr<v1::Round> Get(common::RedisConnection& conn, const std::string& id);
  // Writes the round if its stored state is still `expected`; ABORTED otherwise.
  absl::Status UpdateIf(common::RedisConnection& conn, const v1::Round& round,
                        v1::Round::State expected);
  // Stores `round` again after Redis lost it (its id listed again). ALREADY_EXISTS, storing
  // nothing, if a round of that id is there.
  absl::Status Restore(common::RedisConnection& conn, const v1::Round& round);
  // Newest first.
  absl::StatusOr<std::vector<std::string>> ListIds(common::RedisConnection& conn, int64_t offset,
                                                   int64_t count);
  absl::StatusOr<int64_t> Count(common::RedisConnection& conn);
  absl::StatusOr<common::v1::Registry> Snapshot(common::RedisConnection& conn,
                                                const std::string& id);

  std::string MetaKey(const std::string& id) const;

 private:
  std::string prefix_;
};

// The id part of "rounds/{id}", or INVALID_ARGUMENT.
absl::StatusOr<std::string> RoundIdFromName(const std::string& name);

}  // namespace govinspect::coordinator

#endif  // GOVINSPECT_SERVICES_COORDINATOR_STORE_H_
