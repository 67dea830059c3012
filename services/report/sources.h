#ifndef GOVINSPECT_SERVICES_REPORT_SOURCES_H_
#define GOVINSPECT_SERVICES_REPORT_SOURCES_H_

// Where a report's inputs come from: the scoring service (its gRPC API, behind ScoringReader so
// tests can fake it) and the round's records in Redis (docs/queue.md: the round's meta blob,
// registry snapshot and observations; the rounds index for the previous round).

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/redis/redis_client.h"
#include "govinspect/common/v1/observation.pb.h"
#include "govinspect/common/v1/registry.pb.h"
#include "govinspect/coordinator/v1/round_service.pb.h"
#include "govinspect/scoring/v1/scoring_service.grpc.pb.h"

namespace govinspect::report {

class ScoringReader {
 public:
  virtual ~ScoringReader() = default;
  // name: rounds/{round}/scorings/{ruleset}. NOT_FOUND if the round was not scored.
  virtual absl::StatusOr<scoring::v1::Scoring> GetScoring(const std::string& name) = 0;
  // Every scorecard of the scoring (all pages).
  virtual absl::StatusOr<std::vector<scoring::v1::Scorecard>> ListScorecards(
      const std::string& scoring_name) = 0;
};

// Through the ScoringService API; each call has `timeout` as its deadline and carries the token.
// UNAVAILABLE and DEADLINE_EXCEEDED are retried (reads are idempotent), 3 attempts in all.
std::unique_ptr<ScoringReader> MakeGrpcScoringReader(const std::string& address,
                                                     std::string token, absl::Duration timeout);

// The coordinator's round records, read directly from Redis (read-only).
class RoundReader {
 public:
  RoundReader(common::RedisConnection* conn, std::string key_prefix)
      : conn_(conn), prefix_(std::move(key_prefix)) {}
  // NOT_FOUND if the round does not exist; DATA_LOSS if its record cannot be parsed.
  absl::StatusOr<coordinator::v1::Round> Round(const std::string& id);
  absl::StatusOr<common::v1::Registry> Registry(const std::string& id);
  absl::StatusOr<std::vector<common::v1::Observation>> Observations(const std::string& id);
  // The newest DONE round created before `id` with the same scope (units and kinds, in any
  // order); nullopt if there is none among the 200 rounds before it.
  absl::StatusOr<std::optional<coordinator::v1::Round>> PreviousDone(
      const std::string& id, const coordinator::v1::Round& round);

 private:
  common::RedisConnection* conn_;
  std::string prefix_;
};

// rounds/{id} → id; INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<std::string> RoundId(const std::string& name, const std::string& field);

}  // namespace govinspect::report

#endif  // GOVINSPECT_SERVICES_REPORT_SOURCES_H_
