#include <prometheus/registry.h>

#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/scoring/scoring_server.h"

namespace govinspect::scoring {
namespace {

// value of every series of `family`, keyed by its labels "k=v,k=v".
std::map<std::string, double> Series(prometheus::Registry& reg, const std::string& family) {
  std::map<std::string, double> out;
  for (const auto& f : reg.Collect()) {
    if (f.name != family) continue;
    for (const auto& m : f.metric) {
      std::string key;
      for (const auto& l : m.label) absl::StrAppend(&key, key.empty() ? "" : ",", l.name, "=", l.value);
      out[key] = m.gauge.value;
    }
  }
  return out;
}

v1::Scoring Scoring(const std::string& round, int passed, int failed) {
  v1::Scoring s;
  s.set_round("rounds/" + round);
  s.set_ruleset("gov-2019");
  s.mutable_sites()->set_passed(passed);
  s.mutable_sites()->set_failed(failed);
  s.mutable_sites()->set_not_assessed(3);  // not in the ratio
  s.mutable_accounts()->set_passed(9);
  s.mutable_accounts()->set_failed(1);
  auto* k = s.add_kind_counts();
  k->set_kind("broken_link");
  k->set_findings(34);
  return s;
}

TEST(RoundMetricsTest, PassRatioAndProblemsPerRound) {
  prometheus::Registry reg;
  RoundMetrics m(reg);
  m.Record(Scoring("city-1", 3, 1));
  auto pass = Series(reg, "govinspect_scoring_pass_ratio");
  EXPECT_DOUBLE_EQ(pass["round=city-1,ruleset=gov-2019,target_kind=site"], 0.75);
  EXPECT_DOUBLE_EQ(pass["round=city-1,ruleset=gov-2019,target_kind=account"], 0.9);
  EXPECT_EQ(pass.count("round=city-1,ruleset=gov-2019,target_kind=portal_site"), 0u);  // none assessed
  EXPECT_DOUBLE_EQ(Series(reg, "govinspect_scoring_problems")["kind=broken_link,round=city-1,ruleset=gov-2019"], 34);
  // A rescore replaces the round's series.
  m.Record(Scoring("city-1", 4, 0));
  EXPECT_DOUBLE_EQ(Series(reg, "govinspect_scoring_pass_ratio")["round=city-1,ruleset=gov-2019,target_kind=site"], 1.0);
  // Only the newest rounds keep series.
  for (int i = 0; i < 25; ++i) m.Record(Scoring(absl::StrCat("r", i), 1, 1));
  pass = Series(reg, "govinspect_scoring_pass_ratio");
  EXPECT_EQ(pass.count("round=city-1,ruleset=gov-2019,target_kind=site"), 0u);
  EXPECT_EQ(pass.count("round=r24,ruleset=gov-2019,target_kind=site"), 1u);
  EXPECT_EQ(pass.size(), 20u * 2);
}

}  // namespace
}  // namespace govinspect::scoring
