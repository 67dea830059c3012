#ifndef GOVINSPECT_SERVICES_SCORING_SCORING_STORE_H_
#define GOVINSPECT_SERVICES_SCORING_SCORING_STORE_H_

// What scoring reads and writes in Redis (docs/scoring.md, docs/queue.md):
//   <prefix>:round:<id>:meta                       hash, field blob = coordinator.v1.Round (read)
//   <prefix>:round:<id>:registry                   string, common.v1.Registry (read)
//   <prefix>:round:<id>:obs                        hash target → common.v1.Observation (read)
//   <prefix>:round:<id>:scoring:<ruleset>:summary  string, scoring.v1.Scoring
//   <prefix>:round:<id>:scoring:<ruleset>:cards    hash target → scoring.v1.Scorecard
//   <prefix>:round:<id>:scoring:<ruleset>:index    string, scoring.v1.ScorecardIndex

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/redis/redis_client.h"
#include "govinspect/common/v1/observation.pb.h"
#include "govinspect/common/v1/registry.pb.h"
#include "govinspect/coordinator/v1/round_service.pb.h"
#include "govinspect/scoring/v1/scoring_service.pb.h"

namespace govinspect::scoring {

// rounds/{id} → id; INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<std::string> RoundIdFromName(const std::string& name, const std::string& field);

class ScoringStore {
 public:
  ScoringStore(common::RedisConnection* conn, std::string key_prefix)
      : conn_(conn), prefix_(std::move(key_prefix)) {}

  // NOT_FOUND if the round does not exist; DATA_LOSS if it cannot be parsed.
  absl::StatusOr<coordinator::v1::Round> GetRound(const std::string& round_id);
  // FAILED_PRECONDITION if the round has no registry snapshot.
  absl::StatusOr<common::v1::Registry> GetRegistry(const std::string& round_id);
  absl::StatusOr<std::vector<common::v1::Observation>> GetObservations(const std::string& round_id);

  // nullopt if the round was not scored with that ruleset.
  absl::StatusOr<std::optional<v1::Scoring>> GetScoring(const std::string& round_id,
                                                        const std::string& ruleset);
  // Replaces the scoring (summary, cards, index) atomically (MULTI/EXEC).
  absl::Status PutScoring(const std::string& round_id, const std::string& ruleset,
                          const v1::Scoring& scoring, const std::vector<v1::Scorecard>& cards);
  // NOT_FOUND if the round was not scored with that ruleset.
  absl::StatusOr<v1::ScorecardIndex> GetIndex(const std::string& round_id,
                                              const std::string& ruleset);
  // Cards in the order of `targets`; NOT_FOUND if one is missing.
  absl::StatusOr<std::vector<v1::Scorecard>> GetCards(const std::string& round_id,
                                                      const std::string& ruleset,
                                                      const std::vector<std::string>& targets);

  std::string ScoringKey(const std::string& round_id, const std::string& ruleset,
                         const std::string& part) const;

 private:
  common::RedisConnection* conn_;
  std::string prefix_;
};

}  // namespace govinspect::scoring

#endif  // GOVINSPECT_SERVICES_SCORING_SCORING_STORE_H_
