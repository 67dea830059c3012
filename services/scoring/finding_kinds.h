#ifndef GOVINSPECT_SERVICES_SCORING_FINDING_KINDS_H_
#define GOVINSPECT_SERVICES_SCORING_FINDING_KINDS_H_

#include <string>

#include "absl/strings/string_view.h"

namespace govinspect::scoring {

// True for the finding kinds of docs/finding-kinds.md (keep in step with that table and with
// tools/simprovince/truth.cc FindingKinds()). Rulesets may read only these kinds plus the
// ruleset's own `extra_kinds`.
bool IsKnownFindingKind(absl::string_view kind);

// The field that identifies a finding of `kind` within its target (its match key in
// docs/finding-kinds.md): two findings of one kind with the same key are one problem.
enum class MatchKey { kNone, kUrl, kText, kDetail, kAll };
MatchKey MatchKeyOf(absl::string_view kind);

}  // namespace govinspect::scoring

#endif  // GOVINSPECT_SERVICES_SCORING_FINDING_KINDS_H_
