#ifndef GOVINSPECT_SERVICES_SCORING_ROUND_SCORER_H_
#define GOVINSPECT_SERVICES_SCORING_ROUND_SCORER_H_

// The scoring service's domain: reads a round from Redis, runs the engine, stores and serves
// scorings and scorecards. Transport-free (absl::Status in, absl::Status out); blocking (Redis),
// so the service calls it from its executor.

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/redis/redis_pool.h"
#include "govinspect/scoring/v1/scoring_service.pb.h"
#include "services/scoring/ruleset.h"

namespace govinspect::scoring {

inline constexpr char kDefaultRuleset[] = "gov-2019";

// Called after each scoring computed: ruleset, scorecards, seconds taken.
using ScoredCallback = std::function<void(const v1::Scoring&, double seconds)>;

class RoundScorer {
 public:
  RoundScorer(std::shared_ptr<const RulesetCatalog> catalog, common::RedisPool* pool,
              std::string key_prefix, ScoredCallback on_scored = nullptr);

  // ScoreRound (force = false: return the stored scoring if there is one) and RescoreRound
  // (force = true). Errors as documented in scoring_service.proto.
  absl::StatusOr<v1::Scoring> Score(const std::string& round, const std::string& ruleset,
                                    bool force);
  absl::StatusOr<v1::Scoring> GetScoring(const std::string& name);
  absl::StatusOr<v1::Scorecard> GetScorecard(const std::string& name);
  absl::StatusOr<v1::ListScorecardsResponse> ListScorecards(const v1::ListScorecardsRequest& req);
  absl::StatusOr<v1::Ruleset> GetRuleset(const std::string& name) const;
  absl::StatusOr<v1::ListRulesetsResponse> ListRulesets(const v1::ListRulesetsRequest& req) const;

 private:
  // The ruleset to use for a round: `requested`, else the round's, else gov-2019.
  absl::StatusOr<std::string> RulesetFor(const std::string& round_id, const std::string& requested);

  std::shared_ptr<const RulesetCatalog> catalog_;
  common::RedisPool* pool_;
  std::string prefix_;
  ScoredCallback on_scored_;
};

}  // namespace govinspect::scoring

#endif  // GOVINSPECT_SERVICES_SCORING_ROUND_SCORER_H_
