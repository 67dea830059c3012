#include "services/scoring/scoring_store.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/redis/observation_store.h"

namespace govinspect::scoring {
namespace {

bool IsDnsLabel(const std::string& id) {
  if (id.empty() || id.size() > 63) return false;
  for (char c : id) {
    if (!(absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-')) return false;
  }
  return id.front() != '-' && id.back() != '-';
}

// Cards per HSET command (keeps each command small).
constexpr size_t kCardsPerCommand = 500;

}  // namespace

absl::StatusOr<std::string> RoundIdFromName(const std::string& name, const std::string& field) {
  std::string id = name;
  if (!absl::StartsWith(id, "rounds/")) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " \"", name, "\": want rounds/{round}"));
  }
  id = id.substr(7);
  if (!IsDnsLabel(id)) {
    return absl::InvalidArgumentError(absl::StrCat(field, " \"", name,
                                                   "\": the round id must be a lowercase DNS label"));
  }
  return id;
}

std::string ScoringStore::ScoringKey(const std::string& round_id, const std::string& ruleset,
                                     const std::string& part) const {
  return absl::StrCat(prefix_, ":round:", round_id, ":scoring:", ruleset, ":", part);
}

absl::StatusOr<coordinator::v1::Round> ScoringStore::GetRound(const std::string& round_id) {
  auto r = conn_->Command({"HGET", absl::StrCat(prefix_, ":round:", round_id, ":meta"), "blob"});
  if (!r.ok()) return r.status();
  if (r->is_nil()) return absl::NotFoundError(absl::StrCat("round rounds/", round_id, " does not exist"));
  coordinator::v1::Round round;
  if (!round.ParseFromString(r->str)) {
    return absl::DataLossError(absl::StrCat("round rounds/", round_id, " is corrupt"));
  }
  return round;
}

absl::StatusOr<common::v1::Registry> ScoringStore::GetRegistry(const std::string& round_id) {
  auto r = conn_->Command({"GET", absl::StrCat(prefix_, ":round:", round_id, ":registry")});
  if (!r.ok()) return r.status();
  if (r->is_nil()) {
    return absl::FailedPreconditionError(
        absl::StrCat("round rounds/", round_id, " has no registry snapshot"));
  }
  common::v1::Registry reg;
  if (!reg.ParseFromString(r->str)) {
    return absl::DataLossError(absl::StrCat("the registry snapshot of rounds/", round_id,
                                            " is corrupt"));
  }
  return reg;
}

absl::StatusOr<std::vector<common::v1::Observation>> ScoringStore::GetObservations(
    const std::string& round_id) {
  common::ObservationStore store(conn_, prefix_);
  auto targets = store.Targets(round_id);
  if (!targets.ok()) return targets.status();
  return store.GetMany(round_id, *targets);
}

absl::StatusOr<std::optional<v1::Scoring>> ScoringStore::GetScoring(const std::string& round_id,
                                                                    const std::string& ruleset) {
  auto r = conn_->Command({"GET", ScoringKey(round_id, ruleset, "summary")});
  if (!r.ok()) return r.status();
  if (r->is_nil()) return std::optional<v1::Scoring>();
  v1::Scoring s;
  if (!s.ParseFromString(r->str)) {
    return absl::DataLossError(absl::StrCat("the scoring of rounds/", round_id, " under ",
                                            ruleset, " is corrupt"));
  }
  return std::optional<v1::Scoring>(std::move(s));
}

absl::Status ScoringStore::PutScoring(const std::string& round_id, const std::string& ruleset,
                                      const v1::Scoring& scoring,
                                      const std::vector<v1::Scorecard>& cards) {
  const std::string cards_key = ScoringKey(round_id, ruleset, "cards");
  v1::ScorecardIndex index;
  std::vector<std::vector<std::string>> commands;
  commands.push_back({"MULTI"});
  commands.push_back({"DEL", cards_key});
  std::vector<std::string> hset;
  for (const v1::Scorecard& c : cards) {
    if (hset.empty()) hset = {"HSET", cards_key};
    hset.push_back(c.target());
    hset.push_back(c.SerializeAsString());
    if (hset.size() >= 2 + 2 * kCardsPerCommand) {
      commands.push_back(std::move(hset));
      hset.clear();
    }
    v1::ScorecardIndex::Entry* e = index.add_entries();
    e->set_target(c.target());
    e->set_unit(c.unit());
    e->set_target_type(c.target_type());
    e->set_verdict(c.verdict());
    std::set<std::string> indicators;
    for (const auto* hits : {&c.vetoes(), &c.deductions(), &c.bonuses(), &c.problems()}) {
      for (const v1::RuleHit& h : *hits) indicators.insert(h.indicator());
    }
    for (const std::string& i : indicators) e->add_indicators(i);
  }
  if (!hset.empty()) commands.push_back(std::move(hset));
  commands.push_back({"SET", ScoringKey(round_id, ruleset, "index"), index.SerializeAsString()});
  commands.push_back({"SET", ScoringKey(round_id, ruleset, "summary"), scoring.SerializeAsString()});
  commands.push_back({"EXEC"});
  auto replies = conn_->Pipeline(commands);
  if (!replies.ok()) return replies.status();
  for (const common::RedisReply& r : *replies) {
    if (r.is_error()) {
      return absl::UnavailableError(absl::StrCat("storing the scoring failed: ", r.str));
    }
  }
  const common::RedisReply& exec = replies->back();
  if (exec.type != common::RedisReply::Type::kArray) {
    return absl::UnavailableError("storing the scoring failed: transaction aborted");
  }
  for (const common::RedisReply& r : exec.elements) {
    if (r.is_error()) {
      return absl::UnavailableError(absl::StrCat("storing the scoring failed: ", r.str));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::ScorecardIndex> ScoringStore::GetIndex(const std::string& round_id,
                                                          const std::string& ruleset) {
  auto r = conn_->Command({"GET", ScoringKey(round_id, ruleset, "index")});
  if (!r.ok()) return r.status();
  if (r->is_nil()) {
    return absl::NotFoundError(absl::StrCat("rounds/", round_id, " has not been scored with ",
                                            ruleset));
  }
  v1::ScorecardIndex index;
  if (!index.ParseFromString(r->str)) return absl::DataLossError("scorecard index is corrupt");
  return index;
}

absl::StatusOr<std::vector<v1::Scorecard>> ScoringStore::GetCards(
    const std::string& round_id, const std::string& ruleset,
    const std::vector<std::string>& targets) {
  std::vector<v1::Scorecard> out;
  if (targets.empty()) return out;
  std::vector<std::string> argv = {"HMGET", ScoringKey(round_id, ruleset, "cards")};
  argv.insert(argv.end(), targets.begin(), targets.end());
  auto r = conn_->Command(argv);
  if (!r.ok()) return r.status();
  for (size_t i = 0; i < targets.size(); ++i) {
    if (i >= r->elements.size() || r->elements[i].is_nil()) {
      return absl::NotFoundError(absl::StrCat("no scorecard for ", targets[i], " in rounds/",
                                              round_id, " under ", ruleset));
    }
    v1::Scorecard c;
    if (!c.ParseFromString(r->elements[i].str)) return absl::DataLossError("scorecard is corrupt");
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace govinspect::scoring
