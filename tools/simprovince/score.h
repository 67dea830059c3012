// score-detection: compares a round export (docs/observations-export.md) with truth.json.
#ifndef GOVINSPECT_TOOLS_SIMPROVINCE_SCORE_H_
#define GOVINSPECT_TOOLS_SIMPROVINCE_SCORE_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace govinspect::simprovince {

struct Counts {
  int tp = 0, fp = 0, fn = 0;
  double Precision() const { return tp + fp == 0 ? 1.0 : static_cast<double>(tp) / (tp + fp); }
  double Recall() const { return tp + fn == 0 ? 1.0 : static_cast<double>(tp) / (tp + fn); }
};

struct DetectionScore {
  std::map<std::string, Counts> by_kind;
  std::map<std::string, Counts> by_indicator;
  // Site findings per CMS family (truth facts.cms_family) and per family and kind.
  std::map<std::string, Counts> by_family;
  std::map<std::string, std::map<std::string, Counts>> by_family_kind;
  Counts overall;
  // Reported findings that the truth lists as must-not-report: target, kind, key.
  std::vector<nlohmann::json> traps_reported;
  // Targets the export marks NOT_ASSESSED (their truth findings are counted as FN).
  std::vector<std::string> not_assessed;
  // Registered truth targets absent from the export (counted as FN).
  std::vector<std::string> missing_targets;
  // Reported findings with a kind not in docs/finding-kinds.md (counted as FP).
  int unknown_kinds = 0;

  nlohmann::json ToJson() const;
  std::string ToTable() const;
};

absl::StatusOr<DetectionScore> ScoreDetection(const nlohmann::json& truth, const nlohmann::json& observations);

// Verdicts: the scorecards of a round (`govinspect scores list ROUND --output json`) against the
// truth's expected outcome per site and account: the same set of veto indicators, and the
// verdict the truth implies (pass → PASS, fail → FAIL, not_applicable → NOT_APPLICABLE; a portal
// without vetoes is scored, so only its veto set is compared).
struct VerdictScore {
  struct Tally {
    int matched = 0;
    int total = 0;
  };
  std::map<std::string, Tally> by_type;  // site, account
  std::vector<nlohmann::json> mismatches;

  nlohmann::json ToJson() const;
  std::string ToTable() const;
};

absl::StatusOr<VerdictScore> ScoreVerdicts(const nlohmann::json& truth, const nlohmann::json& scorecards);

}  // namespace govinspect::simprovince

#endif  // GOVINSPECT_TOOLS_SIMPROVINCE_SCORE_H_
