#ifndef GOVINSPECT_SERVICES_SCORING_SCORING_SERVICE_H_
#define GOVINSPECT_SERVICES_SCORING_SCORING_SERVICE_H_

#include "common/concurrency/bounded_executor.h"
#include "common/grpc/auth.h"
#include "govinspect/scoring/v1/scoring_service.grpc.pb.h"
#include "services/scoring/round_scorer.h"

namespace govinspect::scoring {

// Thin callback handlers: check the token of mutating RPCs, run the RoundScorer on the executor
// (it blocks on Redis), map the status at the edge.
class ScoringServiceImpl final : public v1::ScoringService::CallbackService {
 public:
  ScoringServiceImpl(RoundScorer* scorer, common::BoundedExecutor* executor,
                     const common::RpcAuthorizer* auth)
      : scorer_(scorer), executor_(executor), auth_(auth) {}

  grpc::ServerUnaryReactor* ScoreRound(grpc::CallbackServerContext* context,
                                       const v1::ScoreRoundRequest* request,
                                       v1::Scoring* response) override;
  grpc::ServerUnaryReactor* RescoreRound(grpc::CallbackServerContext* context,
                                         const v1::RescoreRoundRequest* request,
                                         v1::Scoring* response) override;
  grpc::ServerUnaryReactor* GetScoring(grpc::CallbackServerContext* context,
                                       const v1::GetScoringRequest* request,
                                       v1::Scoring* response) override;
  grpc::ServerUnaryReactor* GetScorecard(grpc::CallbackServerContext* context,
                                         const v1::GetScorecardRequest* request,
                                         v1::Scorecard* response) override;
  grpc::ServerUnaryReactor* ListScorecards(grpc::CallbackServerContext* context,
                                           const v1::ListScorecardsRequest* request,
                                           v1::ListScorecardsResponse* response) override;
  grpc::ServerUnaryReactor* GetRuleset(grpc::CallbackServerContext* context,
                                       const v1::GetRulesetRequest* request,
                                       v1::Ruleset* response) override;
  grpc::ServerUnaryReactor* ListRulesets(grpc::CallbackServerContext* context,
                                         const v1::ListRulesetsRequest* request,
                                         v1::ListRulesetsResponse* response) override;

 private:
  RoundScorer* scorer_;
  common::BoundedExecutor* executor_;
  const common::RpcAuthorizer* auth_;
};

}  // namespace govinspect::scoring

#endif  // GOVINSPECT_SERVICES_SCORING_SCORING_SERVICE_H_
