#ifndef GOVINSPECT_SERVICES_SCORING_ENGINE_H_
#define GOVINSPECT_SERVICES_SCORING_ENGINE_H_

// The scoring engine: observations + a resolved ruleset + as_of + the round's registry snapshot
// → one scorecard per target and the round's summary (docs/scoring.md). Pure: no I/O, no clock,
// no randomness; the same inputs give byte-identical outputs.

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "govinspect/common/v1/observation.pb.h"
#include "govinspect/common/v1/registry.pb.h"
#include "govinspect/scoring/v1/ruleset.pb.h"
#include "govinspect/scoring/v1/scoring_service.pb.h"

namespace govinspect::scoring {

// At most this many findings are copied into a rule hit as evidence.
inline constexpr int kMaxEvidencePerHit = 50;

// What the engine needs to know about a target from the registry snapshot.
struct TargetInfo {
  v1::TargetType type = v1::TARGET_TYPE_UNSPECIFIED;
  std::string display_name;
  std::string unit;
  // Sites: the registry's home_url (to tell home-page findings apart).
  std::string home_url;
  // The unit's public-service duties (true when the unit is unknown).
  bool public_service = true;
  // Accounts: the filing record's closed_date (YYYY-MM-DD), if any.
  std::string closed_date;
};

// The registry snapshot, indexed by target name.
class RegistryIndex {
 public:
  explicit RegistryIndex(const common::v1::Registry& registry);
  // Info for `target` (sites/…, accounts/…, units/…, portals/…); targets absent from the
  // registry get their type from the collection (sites: department) and public_service true.
  TargetInfo Lookup(const std::string& target, const std::string& unit) const;
  // Display name of a unit ("" if unknown).
  std::string UnitName(const std::string& unit) const;

 private:
  std::map<std::string, TargetInfo> targets_;
  std::map<std::string, const common::v1::Unit*> units_;
  std::map<std::string, std::string> unit_names_;
  std::map<std::string, bool> unit_public_service_;
};

// Parses YYYY-MM-DD; false for anything else (including impossible dates).
bool ParseIsoDay(absl::string_view s, absl::CivilDay* day);
// as_of minus a window (calendar months clamp the day to the month's end).
absl::CivilDay Subtract(absl::CivilDay as_of, const v1::Window& window);

class Engine {
 public:
  // `ruleset` must be resolved and validated (RulesetCatalog); the engine keeps a copy.
  Engine(v1::Ruleset ruleset, std::string digest = "");

  // The scorecard of one observation. `round` is rounds/{round}; the scorecard's name is
  // rounds/{round}/scorings/{ruleset}/scorecards/{collection}~{id}.
  v1::Scorecard ScoreTarget(const std::string& round, const common::v1::Observation& observation,
                            const TargetInfo& info, absl::CivilDay as_of) const;

  // The round's summary from its scorecards and observations (counts, rates, roll-ups).
  v1::Scoring Summarize(const std::string& round, const std::string& as_of,
                        const std::vector<v1::Scorecard>& cards,
                        const std::vector<common::v1::Observation>& observations,
                        const RegistryIndex& registry) const;

  struct Result {
    v1::Scoring scoring;
    // Sorted by target.
    std::vector<v1::Scorecard> cards;
  };
  // Everything at once. INVALID_ARGUMENT for a bad as_of.
  absl::StatusOr<Result> ScoreRound(const std::string& round, const std::string& as_of,
                                    const std::vector<common::v1::Observation>& observations,
                                    const common::v1::Registry& registry) const;

  const v1::Ruleset& ruleset() const { return ruleset_; }

 private:
  void EvaluateIndicator(const v1::Indicator& indicator,
                         const std::vector<const common::v1::Finding*>& findings,
                         const TargetInfo& info, absl::CivilDay as_of,
                         std::vector<v1::RuleHit>* hits) const;

  v1::Ruleset ruleset_;
  std::string digest_;
  std::map<std::string, const v1::Group*> groups_;
};

// The scorecard's resource name.
std::string ScorecardName(const std::string& round, const std::string& ruleset,
                          const std::string& target);
// sites/x → sites~x.
std::string TargetSegment(const std::string& target);

}  // namespace govinspect::scoring

#endif  // GOVINSPECT_SERVICES_SCORING_ENGINE_H_
