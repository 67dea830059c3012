#include "services/scoring/scoring_service.h"

#include "common/grpc/unary.h"

namespace govinspect::scoring {

using common::FinishNow;
using common::RunOnExecutor;

grpc::ServerUnaryReactor* ScoringServiceImpl::ScoreRound(grpc::CallbackServerContext* context,
                                                         const v1::ScoreRoundRequest* request,
                                                         v1::Scoring* response) {
  if (absl::Status s = auth_->Check(*context); !s.ok()) return FinishNow(context, s);
  return RunOnExecutor(context, response, executor_, [this, request] {
    return scorer_->Score(request->round(), request->ruleset(), /*force=*/false);
  });
}

grpc::ServerUnaryReactor* ScoringServiceImpl::RescoreRound(grpc::CallbackServerContext* context,
                                                           const v1::RescoreRoundRequest* request,
                                                           v1::Scoring* response) {
  if (absl::Status s = auth_->Check(*context); !s.ok()) return FinishNow(context, s);
  return RunOnExecutor(context, response, executor_, [this, request] {
    return scorer_->Score(request->round(), request->ruleset(), /*force=*/true);
  });
}

grpc::ServerUnaryReactor* ScoringServiceImpl::GetScoring(grpc::CallbackServerContext* context,
                                                         const v1::GetScoringRequest* request,
                                                         v1::Scoring* response) {
  return RunOnExecutor(context, response, executor_,
                       [this, request] { return scorer_->GetScoring(request->name()); });
}

grpc::ServerUnaryReactor* ScoringServiceImpl::GetScorecard(grpc::CallbackServerContext* context,
                                                           const v1::GetScorecardRequest* request,
                                                           v1::Scorecard* response) {
  return RunOnExecutor(context, response, executor_,
                       [this, request] { return scorer_->GetScorecard(request->name()); });
}

grpc::ServerUnaryReactor* ScoringServiceImpl::ListScorecards(
    grpc::CallbackServerContext* context, const v1::ListScorecardsRequest* request,
    v1::ListScorecardsResponse* response) {
  return RunOnExecutor(context, response, executor_,
                       [this, request] { return scorer_->ListScorecards(*request); });
}

grpc::ServerUnaryReactor* ScoringServiceImpl::GetRuleset(grpc::CallbackServerContext* context,
                                                         const v1::GetRulesetRequest* request,
                                                         v1::Ruleset* response) {
  // In memory: no blocking work, answered inside the reaction.
  absl::StatusOr<v1::Ruleset> r = scorer_->GetRuleset(request->name());
  if (!r.ok()) return FinishNow(context, r.status());
  *response = *std::move(r);
  return FinishNow(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* ScoringServiceImpl::ListRulesets(grpc::CallbackServerContext* context,
                                                           const v1::ListRulesetsRequest* request,
                                                           v1::ListRulesetsResponse* response) {
  absl::StatusOr<v1::ListRulesetsResponse> r = scorer_->ListRulesets(*request);
  if (!r.ok()) return FinishNow(context, r.status());
  *response = *std::move(r);
  return FinishNow(context, absl::OkStatus());
}

}  // namespace govinspect::scoring
