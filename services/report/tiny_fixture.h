#ifndef GOVINSPECT_SERVICES_REPORT_TINY_FIXTURE_H_
#define GOVINSPECT_SERVICES_REPORT_TINY_FIXTURE_H_

// Test inputs built from the simulated province's tiny profile (fixed seed and as_of): the
// registry bundle it writes, its ground truth as observations (what a perfect round would
// observe), scored by the real scoring engine with the source tree's rulesets/gov-2019.
// One healthy account is marked NOT_ASSESSED so that the report's "无法评估" paths run.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/report/notice.h"

namespace govinspect::report::testing {

inline constexpr char kTinyAsOf[] = "2020-06-30";
inline constexpr int kTinySeed = 20200630;
// The healthy account marked NOT_ASSESSED (the last one of the truth), set by TinyInput.
const std::string& NotAssessedTarget();

// The round rounds/tiny-2020q2 as ReportInput (no previous round).
absl::StatusOr<ReportInput> TinyInput(const std::string& round_id = "tiny-2020q2");

// Scores the input's observations with the scoring engine (gov-2019).
void ScoreFromTruth(ReportInput* input);

// A previous round for 回头看 built from the current one: sites/zs-tjj-site had a broken link
// that is fixed now; the expression error of sites/zs-gov-site is new now; the not-assessed
// account had a problem that cannot be verified now; everything else is still present.
PreviousRound PreviousOf(const ReportInput& input);

}  // namespace govinspect::report::testing

#endif  // GOVINSPECT_SERVICES_REPORT_TINY_FIXTURE_H_
