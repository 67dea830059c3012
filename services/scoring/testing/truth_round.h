#ifndef GOVINSPECT_SERVICES_SCORING_TESTING_TRUTH_ROUND_H_
#define GOVINSPECT_SERVICES_SCORING_TESTING_TRUTH_ROUND_H_

// Turns a simulated province's ground truth (truth.json, docs/ground-truth.md) into what a
// perfect round would have observed: one ASSESSED observation per registered target carrying the
// truth's planted findings, plus the registry bundle it was generated with. For the scoring tests
// and benchmark (the crawler and newmedia do not yet produce every finding kind).

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "govinspect/common/v1/observation.pb.h"
#include "govinspect/common/v1/registry.pb.h"

namespace govinspect::scoring::testing {

struct TruthExpectation {
  std::string type;    // site | account | unit
  std::string result;  // fail | pass | score_required | not_applicable | "" (units)
  std::set<std::string> veto_indicators;
};

struct TruthRound {
  std::string as_of;
  common::v1::Registry registry;
  std::vector<common::v1::Observation> observations;
  // By target.
  std::map<std::string, TruthExpectation> expected;
  // Truth targets left out because they are not in the registry (unfiled accounts).
  int skipped_unregistered = 0;
};

// Reads DIR/truth.json and the registry bundle (DIR/*.csv).
absl::StatusOr<TruthRound> LoadTruthRound(const std::string& dir, const std::string& round);

// Runs `simprovince generate` into `out_dir`; returns its exit status as a Status.
absl::Status GenerateProvince(const std::string& simprovince, const std::string& profile,
                              int seed, const std::string& as_of, const std::string& out_dir);

}  // namespace govinspect::scoring::testing

#endif  // GOVINSPECT_SERVICES_SCORING_TESTING_TRUTH_ROUND_H_
