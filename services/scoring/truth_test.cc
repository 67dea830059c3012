// The engine against the simulator's ground truth: a generated province's planted findings,
// turned into observations, must give exactly the truth's expected vetoes and verdicts.

#include <iostream>
#include <set>
#include <string>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/testing/redis_server.h"
#include "gtest/gtest.h"
#include "services/scoring/engine.h"
#include "services/scoring/ruleset.h"
#include "services/scoring/testing/truth_round.h"

namespace govinspect::scoring {
namespace {

using Param = std::tuple<std::string, int>;  // profile, seed

class TruthTest : public ::testing::TestWithParam<Param> {};

std::set<std::string> VetoSet(const v1::Scorecard& c) {
  std::set<std::string> out;
  for (const auto& h : c.vetoes()) out.insert(h.indicator());
  return out;
}

TEST_P(TruthTest, ExpectedVetoesAndVerdictsMatch) {
  const auto& [profile, seed] = GetParam();
  govinspect::testing::TempDir dir;
  ASSERT_TRUE(testing::GenerateProvince(GOVINSPECT_SIMPROVINCE, profile, seed, "2020-06-30",
                                        dir.path())
                  .ok());
  auto truth = testing::LoadTruthRound(dir.path(), "rounds/truth");
  ASSERT_TRUE(truth.ok()) << truth.status();
  auto catalog = RulesetCatalog::LoadDir(std::string(GOVINSPECT_SOURCE_DIR) + "/rulesets");
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  auto rs = catalog->Find("gov-2019");
  Engine engine(rs->ruleset, rs->digest);
  auto result = engine.ScoreRound("rounds/truth", truth->as_of, truth->observations,
                                  truth->registry);
  ASSERT_TRUE(result.ok()) << result.status();

  int sites = 0, sites_ok = 0, accounts = 0, accounts_ok = 0, portals_scored = 0;
  for (const v1::Scorecard& c : result->cards) {
    const testing::TruthExpectation& e = truth->expected.at(c.target());
    if (e.type == "site") {
      ++sites;
      bool ok = VetoSet(c) == e.veto_indicators;
      if (e.result == "fail") {
        ok = ok && c.verdict() == v1::Scorecard::FAIL;
      } else if (e.result == "pass") {
        ok = ok && c.verdict() == v1::Scorecard::PASS &&
             c.target_type() == v1::TARGET_TYPE_DEPARTMENT_SITE;
      } else {  // score_required: no veto, a portal, scored
        ok = ok && c.scored() && c.target_type() == v1::TARGET_TYPE_PORTAL_SITE;
        portals_scored += c.scored();
      }
      sites_ok += ok;
      EXPECT_TRUE(ok) << c.target() << " expected " << e.result << " vetoes {"
                      << absl::StrJoin(e.veto_indicators, ",") << "}, got " << c.reason();
    } else if (e.type == "account") {
      ++accounts;
      bool ok = VetoSet(c) == e.veto_indicators;
      if (e.result == "pass") ok = ok && c.verdict() == v1::Scorecard::PASS;
      if (e.result == "fail") ok = ok && c.verdict() == v1::Scorecard::FAIL;
      if (e.result == "not_applicable") ok = ok && c.verdict() == v1::Scorecard::NOT_APPLICABLE;
      accounts_ok += ok;
      EXPECT_TRUE(ok) << c.target() << " expected " << e.result << " vetoes {"
                      << absl::StrJoin(e.veto_indicators, ",") << "}, got " << c.reason();
    }
  }
  EXPECT_GT(sites, 0);
  EXPECT_GT(accounts, 0);
  EXPECT_GT(result->scoring.sites().failed(), 0);  // the profile plants vetoes
  // The figures the report states (stdout, for the record).
  std::cout << profile << " seed " << seed << ": sites matched " << sites_ok << "/" << sites
            << ", accounts matched " << accounts_ok << "/" << accounts << " (portals scored "
            << portals_scored << ", unregistered truth targets skipped "
            << truth->skipped_unregistered << "); 合格率 " << result->scoring.site_pass_rate()
            << ", 达标率 " << result->scoring.account_pass_rate() << "\n";
  RecordProperty("sites_matched", absl::StrCat(sites_ok, "/", sites));
  RecordProperty("accounts_matched", absl::StrCat(accounts_ok, "/", accounts));
  EXPECT_EQ(sites_ok, sites);
  EXPECT_EQ(accounts_ok, accounts);

  // Scoring the same observations again (in another order) gives identical scorecards.
  std::vector<common::v1::Observation> reversed(truth->observations.rbegin(),
                                                truth->observations.rend());
  auto again = engine.ScoreRound("rounds/truth", truth->as_of, reversed, truth->registry);
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->cards.size(), result->cards.size());
  for (size_t i = 0; i < again->cards.size(); ++i) {
    ASSERT_EQ(again->cards[i].SerializeAsString(), result->cards[i].SerializeAsString())
        << again->cards[i].target();
  }
  EXPECT_EQ(again->scoring.SerializeAsString(), result->scoring.SerializeAsString());

  // The Guangdong overlay changes points, not vetoes.
  auto gd = catalog->Find("guangdong-2020");
  Engine overlay(gd->ruleset, gd->digest);
  auto gd_result = overlay.ScoreRound("rounds/truth", truth->as_of, truth->observations,
                                      truth->registry);
  ASSERT_TRUE(gd_result.ok());
  for (size_t i = 0; i < gd_result->cards.size(); ++i) {
    EXPECT_EQ(VetoSet(gd_result->cards[i]), VetoSet(result->cards[i]));
  }
}

INSTANTIATE_TEST_SUITE_P(Profiles, TruthTest,
                         ::testing::Values(Param{"city", 1}, Param{"city", 20200630},
                                           Param{"tiny", 1}, Param{"province", 1}),
                         [](const ::testing::TestParamInfo<Param>& info) {
                           return absl::StrCat(std::get<0>(info.param), "_seed",
                                               std::get<1>(info.param));
                         });

}  // namespace
}  // namespace govinspect::scoring
