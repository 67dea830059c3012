#include "services/scoring/round_scorer.h"

#include <algorithm>
#include <chrono>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/log/log.h"
#include "common/status/status_macros.h"
#include "google/protobuf/timestamp.pb.h"
#include "services/scoring/engine.h"
#include "services/scoring/scoring_store.h"

namespace govinspect::scoring {
namespace {

bool ValidRulesetName(const std::string& name) {
  if (name.empty() || name.size() > 63) return false;
  for (char c : name) {
    if (!(absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.')) return false;
  }
  return true;
}

absl::StatusOr<int32_t> PageSize(int32_t requested, int32_t def, int32_t max) {
  if (requested < 0) {
    return absl::InvalidArgumentError(absl::StrCat("page_size ", requested, " is negative"));
  }
  if (requested == 0) return def;
  return std::min(requested, max);
}

std::string EncodeToken(int64_t offset, const std::string& filter) {
  return absl::WebSafeBase64Escape(absl::StrCat(offset, "|", HexDigest(filter)));
}

absl::StatusOr<int64_t> DecodeToken(const std::string& token, const std::string& filter) {
  if (token.empty()) return 0;
  std::string raw;
  int64_t offset = 0;
  if (absl::WebSafeBase64Unescape(token, &raw)) {
    std::vector<std::string> parts = absl::StrSplit(raw, '|');
    if (parts.size() == 2 && absl::SimpleAtoi(parts[0], &offset) && offset >= 0 &&
        parts[1] == HexDigest(filter)) {
      return offset;
    }
  }
  return absl::InvalidArgumentError(
      "page_token is not valid for this query (it belongs to another parent or filter)");
}

}  // namespace

RoundScorer::RoundScorer(std::shared_ptr<const RulesetCatalog> catalog, common::RedisPool* pool,
                         std::string key_prefix, ScoredCallback on_scored)
    : catalog_(std::move(catalog)),
      pool_(pool),
      prefix_(std::move(key_prefix)),
      on_scored_(std::move(on_scored)) {}

absl::StatusOr<std::string> RoundScorer::RulesetFor(const std::string& round_id,
                                                    const std::string& requested) {
  std::string name = requested;
  if (name.empty()) {
    auto lease = pool_->Borrow();
    ScoringStore store(lease.get(), prefix_);
    GOVINSPECT_ASSIGN_OR_RETURN(coordinator::v1::Round round, store.GetRound(round_id));
    name = round.ruleset().empty() ? kDefaultRuleset : round.ruleset();
  }
  if (absl::StartsWith(name, "rulesets/")) name = name.substr(9);
  if (!ValidRulesetName(name)) {
    return absl::InvalidArgumentError(absl::StrCat("ruleset \"", name, "\" is not a valid name"));
  }
  if (catalog_->Find(name) == nullptr) {
    return absl::NotFoundError(absl::StrCat("ruleset \"", name, "\" is not loaded (have: ",
                                            absl::StrJoin(catalog_->Names(), ", "), ")"));
  }
  return name;
}

absl::StatusOr<v1::Scoring> RoundScorer::Score(const std::string& round_name,
                                               const std::string& requested, bool force) {
  GOVINSPECT_ASSIGN_OR_RETURN(std::string id, RoundIdFromName(round_name, "round"));
  auto lease = pool_->Borrow();
  ScoringStore store(lease.get(), prefix_);
  GOVINSPECT_ASSIGN_OR_RETURN(coordinator::v1::Round round, store.GetRound(id));
  switch (round.state()) {
    case coordinator::v1::Round::SCORING:
    case coordinator::v1::Round::REPORTING:
    case coordinator::v1::Round::DONE:
    case coordinator::v1::Round::FAILED: break;
    case coordinator::v1::Round::CANCELLED:
      return absl::FailedPreconditionError(
          absl::StrCat(round_name, " was cancelled: its observations are incomplete"));
    default:
      return absl::FailedPreconditionError(absl::StrCat(
          round_name, " is ", coordinator::v1::Round::State_Name(round.state()),
          ": its tasks are not finished yet"));
  }
  std::string name = requested.empty()
                         ? (round.ruleset().empty() ? kDefaultRuleset : round.ruleset())
                         : requested;
  GOVINSPECT_ASSIGN_OR_RETURN(name, RulesetFor(id, name));
  GOVINSPECT_ASSIGN_OR_RETURN(std::optional<v1::Scoring> existing, store.GetScoring(id, name));
  if (existing.has_value() && !force) return *existing;

  const auto start = std::chrono::steady_clock::now();
  GOVINSPECT_ASSIGN_OR_RETURN(common::v1::Registry registry, store.GetRegistry(id));
  GOVINSPECT_ASSIGN_OR_RETURN(std::vector<common::v1::Observation> observations,
                              store.GetObservations(id));
  std::shared_ptr<const ResolvedRuleset> rs = catalog_->Find(name);
  Engine engine(rs->ruleset, rs->digest);
  GOVINSPECT_ASSIGN_OR_RETURN(Engine::Result result,
                              engine.ScoreRound(round.name(), round.as_of(), observations, registry));
  const absl::Time now = absl::Now();
  result.scoring.mutable_score_time()->set_seconds(absl::ToUnixSeconds(now));
  result.scoring.set_generation(existing.has_value() ? existing->generation() + 1 : 1);
  GOVINSPECT_RETURN_IF_ERROR(store.PutScoring(id, name, result.scoring, result.cards));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  GI_LOG(INFO).With("round", round.name()).With("ruleset", name)
          .With("scorecards", static_cast<int64_t>(result.cards.size()))
          .With("generation", result.scoring.generation())
      << "round scored: site pass rate " << result.scoring.site_pass_rate()
      << ", account pass rate " << result.scoring.account_pass_rate();
  if (on_scored_) on_scored_(result.scoring, seconds);
  return result.scoring;
}

absl::StatusOr<v1::Scoring> RoundScorer::GetScoring(const std::string& name) {
  // rounds/{round}/scorings/{ruleset}
  std::vector<std::string> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4 || parts[0] != "rounds" || parts[2] != "scorings") {
    return absl::InvalidArgumentError(
        absl::StrCat("name \"", name, "\": want rounds/{round}/scorings/{ruleset}"));
  }
  GOVINSPECT_ASSIGN_OR_RETURN(std::string id, RoundIdFromName("rounds/" + parts[1], "name"));
  auto lease = pool_->Borrow();
  ScoringStore store(lease.get(), prefix_);
  GOVINSPECT_ASSIGN_OR_RETURN(std::optional<v1::Scoring> s, store.GetScoring(id, parts[3]));
  if (!s.has_value()) return absl::NotFoundError(absl::StrCat(name, " does not exist"));
  return *s;
}

absl::StatusOr<v1::Scorecard> RoundScorer::GetScorecard(const std::string& name) {
  // rounds/{r}/scorings/{rs}/scorecards/{col}~{id} or rounds/{r}/scorecards/{col}~{id}
  std::vector<std::string> parts = absl::StrSplit(name, '/');
  std::string ruleset, segment;
  if (parts.size() == 6 && parts[0] == "rounds" && parts[2] == "scorings" &&
      parts[4] == "scorecards") {
    ruleset = parts[3];
    segment = parts[5];
  } else if (parts.size() == 4 && parts[0] == "rounds" && parts[2] == "scorecards") {
    segment = parts[3];
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "name \"", name,
        "\": want rounds/{round}/scorings/{ruleset}/scorecards/{collection}~{id}"));
  }
  const size_t tilde = segment.find('~');
  if (tilde == std::string::npos || tilde == 0 || tilde + 1 == segment.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("name \"", name, "\": the target must be {collection}~{id}, e.g. sites~x"));
  }
  const std::string target = segment.substr(0, tilde) + "/" + segment.substr(tilde + 1);
  GOVINSPECT_ASSIGN_OR_RETURN(std::string id, RoundIdFromName("rounds/" + parts[1], "name"));
  GOVINSPECT_ASSIGN_OR_RETURN(ruleset, RulesetFor(id, ruleset));
  auto lease = pool_->Borrow();
  ScoringStore store(lease.get(), prefix_);
  GOVINSPECT_ASSIGN_OR_RETURN(std::vector<v1::Scorecard> cards,
                              store.GetCards(id, ruleset, {target}));
  return cards.front();
}

absl::StatusOr<v1::ListScorecardsResponse> RoundScorer::ListScorecards(
    const v1::ListScorecardsRequest& req) {
  std::vector<std::string> parts = absl::StrSplit(req.parent(), '/');
  std::string ruleset = req.ruleset();
  if (parts.size() == 4 && parts[2] == "scorings") {
    if (!ruleset.empty() && ruleset != parts[3]) {
      return absl::InvalidArgumentError("ruleset differs from the parent's");
    }
    ruleset = parts[3];
  } else if (parts.size() != 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "parent \"", req.parent(), "\": want rounds/{round} or rounds/{round}/scorings/{ruleset}"));
  }
  GOVINSPECT_ASSIGN_OR_RETURN(std::string id,
                              RoundIdFromName(absl::StrCat(parts[0], "/", parts[1]), "parent"));
  GOVINSPECT_ASSIGN_OR_RETURN(ruleset, RulesetFor(id, ruleset));
  if (!req.unit().empty() && !absl::StartsWith(req.unit(), "units/")) {
    return absl::InvalidArgumentError(absl::StrCat("unit \"", req.unit(), "\": want units/{unit}"));
  }
  GOVINSPECT_ASSIGN_OR_RETURN(int32_t size, PageSize(req.page_size(), 100, 1000));
  const std::string filter = absl::StrCat(id, "|", ruleset, "|", req.unit(), "|",
                                          req.target_type(), "|", req.verdict(), "|",
                                          req.indicator());
  GOVINSPECT_ASSIGN_OR_RETURN(int64_t offset, DecodeToken(req.page_token(), filter));
  auto lease = pool_->Borrow();
  ScoringStore store(lease.get(), prefix_);
  GOVINSPECT_ASSIGN_OR_RETURN(v1::ScorecardIndex index, store.GetIndex(id, ruleset));
  std::vector<std::string> matching;
  for (const auto& e : index.entries()) {
    if (!req.unit().empty() && e.unit() != req.unit()) continue;
    if (req.target_type() != v1::TARGET_TYPE_UNSPECIFIED && e.target_type() != req.target_type()) {
      continue;
    }
    if (req.verdict() != v1::Scorecard::VERDICT_UNSPECIFIED && e.verdict() != req.verdict()) {
      continue;
    }
    if (!req.indicator().empty() &&
        std::find(e.indicators().begin(), e.indicators().end(), req.indicator()) ==
            e.indicators().end()) {
      continue;
    }
    matching.push_back(e.target());
  }
  v1::ListScorecardsResponse resp;
  resp.set_total_size(static_cast<int32_t>(matching.size()));
  const int64_t end = std::min<int64_t>(offset + size, matching.size());
  std::vector<std::string> page;
  for (int64_t i = offset; i < end; ++i) page.push_back(matching[i]);
  GOVINSPECT_ASSIGN_OR_RETURN(std::vector<v1::Scorecard> cards, store.GetCards(id, ruleset, page));
  for (auto& c : cards) *resp.add_scorecards() = std::move(c);
  if (end < static_cast<int64_t>(matching.size())) resp.set_next_page_token(EncodeToken(end, filter));
  return resp;
}

absl::StatusOr<v1::Ruleset> RoundScorer::GetRuleset(const std::string& name) const {
  std::string n = name;
  if (absl::StartsWith(n, "rulesets/")) n = n.substr(9);
  if (n.empty()) return absl::InvalidArgumentError("name: required");
  auto r = catalog_->Find(n);
  if (r == nullptr) {
    return absl::NotFoundError(absl::StrCat("ruleset \"", n, "\" is not loaded (have: ",
                                            absl::StrJoin(catalog_->Names(), ", "), ")"));
  }
  return r->ruleset;
}

absl::StatusOr<v1::ListRulesetsResponse> RoundScorer::ListRulesets(
    const v1::ListRulesetsRequest& req) const {
  GOVINSPECT_ASSIGN_OR_RETURN(int32_t size, PageSize(req.page_size(), 50, 200));
  GOVINSPECT_ASSIGN_OR_RETURN(int64_t offset, DecodeToken(req.page_token(), "rulesets"));
  const std::vector<std::string> names = catalog_->Names();
  v1::ListRulesetsResponse resp;
  const int64_t end = std::min<int64_t>(offset + size, names.size());
  for (int64_t i = offset; i < end; ++i) *resp.add_rulesets() = catalog_->Find(names[i])->ruleset;
  if (end < static_cast<int64_t>(names.size())) resp.set_next_page_token(EncodeToken(end, "rulesets"));
  return resp;
}

}  // namespace govinspect::scoring
