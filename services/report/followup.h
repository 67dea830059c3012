#ifndef GOVINSPECT_SERVICES_REPORT_FOLLOWUP_H_
#define GOVINSPECT_SERVICES_REPORT_FOLLOWUP_H_

// 回头看: the problems of the previous round of the same scope, compared with this round's.
// A problem is identified by (target, finding kind, match key) — the match key of
// docs/finding-kinds.md (URLs normalised, text and detail trimmed, none = one per target).

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "govinspect/common/v1/observation.pb.h"

namespace govinspect::report {

struct ProblemKey {
  std::string target;
  std::string kind;
  std::string key;
  auto operator<=>(const ProblemKey&) const = default;
};

// The match-key value of a finding (normalised), per docs/finding-kinds.md.
std::string MatchValue(const common::v1::Finding& finding);
ProblemKey KeyOf(const std::string& target, const common::v1::Finding& finding);

enum class FollowupStatus {
  // Found before, checked again and absent now.
  kFixed,
  // Found before and now.
  kStill,
  // Found before; the target was not assessed (or not in scope) now.
  kUnverified,
  // Found now, not before.
  kNew,
};
const char* FollowupStatusLabel(FollowupStatus s);  // 已整改 / 未整改 / 无法核实 / 新发现
const char* FollowupStatusId(FollowupStatus s);     // fixed / still / unverified / new

struct FollowupItem {
  FollowupStatus status;
  ProblemKey key;
  std::string unit;
  // Filled in by the notice builder: the unit's short name, the target's and the kind's names.
  std::string unit_name;
  std::string target_name;
  std::string kind_label;
  // A representative finding (from this round, or the previous one for fixed/unverified).
  common::v1::Finding finding;
};

// Compares the problems of two rounds' observations. Findings of NOT_ASSESSED observations are
// ignored. Items are sorted by (status, target, kind, key).
std::vector<FollowupItem> CompareRounds(const std::vector<common::v1::Observation>& previous,
                                        const std::vector<common::v1::Observation>& current);

}  // namespace govinspect::report

#endif  // GOVINSPECT_SERVICES_REPORT_FOLLOWUP_H_
