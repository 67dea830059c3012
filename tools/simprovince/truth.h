// The finding-kind catalog (docs/finding-kinds.md) and the ground truth (docs/ground-truth.md).
#ifndef GOVINSPECT_TOOLS_SIMPROVINCE_TRUTH_H_
#define GOVINSPECT_TOOLS_SIMPROVINCE_TRUTH_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"
#include "tools/simprovince/model.h"

namespace govinspect::simprovince {

enum class MatchKey { kNone, kUrl, kText, kDetail };
const char* MatchKeyName(MatchKey k);

struct FindingKind {
  const char* kind;
  const char* site_indicator;     // nullptr = does not apply to sites
  const char* account_indicator;  // nullptr = does not apply to accounts
  const char* unit_indicator;     // nullptr = does not apply to units
  MatchKey key;
  bool veto;  // belongs to a veto indicator (for its target type)
};

const std::vector<FindingKind>& FindingKinds();
const FindingKind* FindFindingKind(absl::string_view kind);
// "site", "account", "unit", "portal" from "sites/x" etc.; "" if malformed.
std::string TargetType(absl::string_view target);
// The indicator of `kind` for the target type, or "" if unknown.
std::string IndicatorFor(absl::string_view kind, absl::string_view target_type);

// Normalises a URL for matching: lowercase scheme and host, no default port, no fragment,
// empty path → "/". Non-http(s) strings are returned trimmed.
std::string NormalizeUrl(absl::string_view url);
// The match-key value of a finding (already normalised), per the catalog.
std::string MatchValue(const nlohmann::json& finding);

// Rule constants used by the truth (documented in docs/ground-truth.md).
inline constexpr int kSurveysPerYear = 4;
inline constexpr int kUnreachablePpm = 50000;

nlohmann::json BuildTruth(const Province& p);

}  // namespace govinspect::simprovince

#endif  // GOVINSPECT_TOOLS_SIMPROVINCE_TRUTH_H_
