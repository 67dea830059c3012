#include "services/scoring/engine.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/scoring/ruleset.h"

namespace govinspect::scoring {
namespace {

using common::v1::Finding;
using common::v1::Observation;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kRound[] = "rounds/r1";
const absl::CivilDay kAsOf(2020, 6, 30);

std::shared_ptr<const RulesetCatalog> SourceRulesets() {
  static auto* catalog = [] {
    auto c = RulesetCatalog::LoadDir(std::string(GOVINSPECT_SOURCE_DIR) + "/rulesets");
    EXPECT_TRUE(c.ok()) << c.status();
    return new std::shared_ptr<const RulesetCatalog>(
        std::make_shared<const RulesetCatalog>(c.ok() ? *std::move(c) : RulesetCatalog()));
  }();
  return *catalog;
}

const Engine& Gov2019() {
  static const Engine* engine = [] {
    auto r = SourceRulesets()->Find("gov-2019");
    EXPECT_NE(r, nullptr);
    return new Engine(r->ruleset, r->digest);
  }();
  return *engine;
}

std::string Day(absl::CivilDay d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

Finding F(const std::string& kind, const std::string& date = "", const std::string& detail = "",
          const std::string& url = "", const std::string& source_url = "") {
  Finding f;
  f.set_kind(kind);
  f.set_date(date);
  f.set_detail(detail);
  f.set_url(url);
  f.set_source_url(source_url);
  return f;
}

Observation Obs(const std::string& target, std::vector<Finding> findings) {
  Observation o;
  o.set_target(target);
  o.set_unit("units/u");
  o.set_status(common::v1::TARGET_STATUS_ASSESSED);
  for (auto& f : findings) *o.add_findings() = std::move(f);
  return o;
}

TargetInfo Site(v1::TargetType type = v1::TARGET_TYPE_DEPARTMENT_SITE, bool public_service = true) {
  TargetInfo t;
  t.type = type;
  t.unit = "units/u";
  t.home_url = "http://www.u.gov.cn/";
  t.public_service = public_service;
  return t;
}

TargetInfo Account() {
  TargetInfo t;
  t.type = v1::TARGET_TYPE_ACCOUNT;
  t.unit = "units/u";
  return t;
}

std::vector<std::string> Vetoes(const v1::Scorecard& c) {
  std::vector<std::string> out;
  for (const auto& h : c.vetoes()) out.push_back(absl::StrCat(h.indicator(), "/", h.rule()));
  return out;
}

// n findings of `kind` with distinct URLs (the same for the same detail), each with `date`
// and `detail`.
std::vector<Finding> N(int n, const std::string& kind, const std::string& date = "",
                       const std::string& detail = "") {
  std::vector<Finding> out;
  for (int i = 0; i < n; ++i) {
    out.push_back(F(kind, date, detail, absl::StrCat("http://www.u.gov.cn/", detail, "/c", i, "/")));
  }
  return out;
}

std::vector<Finding> Cat(std::vector<Finding> a, const std::vector<Finding>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// ------------------------------------------------------------------------- vetoes, at the edges

struct VetoCase {
  const char* name;
  std::vector<Finding> findings;
  // Expected "indicator/rule" vetoes; empty = PASS.
  std::vector<std::string> vetoes;
  TargetInfo info = Site();
};

class SiteVetoTest : public ::testing::TestWithParam<VetoCase> {};

TEST_P(SiteVetoTest, Boundary) {
  const VetoCase& c = GetParam();
  v1::Scorecard card = Gov2019().ScoreTarget(kRound, Obs("sites/s", c.findings), c.info, kAsOf);
  EXPECT_EQ(Vetoes(card), c.vetoes) << card.DebugString();
  EXPECT_EQ(card.verdict(), c.vetoes.empty() ? v1::Scorecard::PASS : v1::Scorecard::FAIL);
}

const absl::CivilDay k14DaysBefore = kAsOf - 14;          // 2020-06-16
const absl::CivilDay k6MonthsBefore(2019, 12, 30);        // as_of − 6 months
const absl::CivilDay k3MonthsBefore(2020, 3, 30);         // as_of − 3 months
const absl::CivilDay k1YearBefore(2019, 6, 30);           // as_of − 1 year

INSTANTIATE_TEST_SUITE_P(
    Gov2019, SiteVetoTest,
    ::testing::Values(
        VetoCase{"unreachable_exactly_5_percent",
                 {F("site_unreachable", "", "failure_ratio=0.0500 mode=http_503")},
                 {"site_unreachable/a"}},
        VetoCase{"unreachable_below_5_percent",
                 {F("site_unreachable", "", "failure_ratio=0.0499 mode=timeout")},
                 {}},
        VetoCase{"unreachable_without_a_ratio_counts",
                 {F("site_unreachable", "", "mode=dns")},
                 {"site_unreachable/a"}},
        VetoCase{"home_updated_exactly_14_days_ago",
                 {F("home_not_updated", Day(k14DaysBefore))},
                 {}},
        VetoCase{"home_updated_15_days_ago",
                 {F("home_not_updated", Day(k14DaysBefore - 1))},
                 {"home_not_updated/a"}},
        VetoCase{"home_without_any_dated_item", {F("home_not_updated")}, {"home_not_updated/a"}},
        VetoCase{"exactly_5_stale_columns",
                 Cat(N(3, "column_not_updated", Day(k14DaysBefore - 1), "news"),
                     N(2, "column_not_updated", Day(k6MonthsBefore - 1), "policy")),
                 {"columns_not_updated/a"}},
        VetoCase{"4_stale_columns",
                 Cat(N(3, "column_not_updated", Day(k14DaysBefore - 1), "news"),
                     N(1, "column_not_updated", Day(k6MonthsBefore - 1), "notice")),
                 {}},
        VetoCase{"notice_exactly_6_months_old_is_not_stale",
                 Cat(N(4, "column_not_updated", Day(k14DaysBefore - 1), "news"),
                     N(1, "column_not_updated", Day(k6MonthsBefore), "notice")),
                 {}},
        VetoCase{"undated_columns_count_as_stale",
                 N(5, "column_not_updated", "", "notice"),
                 {"columns_not_updated/a"}},
        VetoCase{"interpretation_does_not_count_for_a",
                 N(5, "column_not_updated", Day(k6MonthsBefore - 1), "interpretation"),
                 {}},
        VetoCase{"exactly_10_long_stale_columns",
                 N(10, "column_not_updated", Day(k1YearBefore - 1), "personnel"),
                 {"columns_not_updated/b"}},
        VetoCase{"9_long_stale_columns",
                 N(9, "column_not_updated", Day(k1YearBefore - 1), "personnel"),
                 {}},
        VetoCase{"exactly_5_blank_columns", N(5, "blank_column", "", "zero_items"),
                 {"columns_not_updated/c"}},
        VetoCase{"4_blank_columns", N(4, "blank_column", "", "no_info_text"), {}},
        VetoCase{"the_same_blank_column_twice_counts_once",
                 Cat(N(4, "blank_column"), N(1, "blank_column")),
                 {}},
        VetoCase{"expression_error", {F("expression_error")}, {"serious_error/a"}},
        VetoCase{"no_consultation_channel", {F("no_consultation_channel")},
                 {"poor_interaction/a"}},
        VetoCase{"message_unanswered_exactly_3_months",
                 {F("message_unanswered", Day(k3MonthsBefore))},
                 {}},
        VetoCase{"message_unanswered_3_months_and_a_day",
                 {F("message_unanswered", Day(k3MonthsBefore - 1))},
                 {"poor_interaction/b"}},
        VetoCase{"message_asked_exactly_1_year_ago",
                 {F("message_unanswered", Day(k1YearBefore))},
                 {"poor_interaction/b"}},
        VetoCase{"message_asked_more_than_1_year_ago",
                 {F("message_unanswered", Day(k1YearBefore - 1))},
                 {}},
        VetoCase{"no_service", {F("no_service")}, {"service_not_practical/a"}},
        VetoCase{"no_service_without_public_service_duties",
                 {F("no_service")},
                 {},
                 Site(v1::TARGET_TYPE_DEPARTMENT_SITE, /*public_service=*/false)},
        VetoCase{"exactly_5_guides_missing_4_elements",
                 N(5, "service_guide_incomplete", "", "事项名称,设定依据,申请条件,办理材料"),
                 {"service_not_practical/b"}},
        VetoCase{"5_guides_missing_3_elements",
                 N(5, "service_guide_incomplete", "", "事项名称,设定依据,申请条件"),
                 {}},
        VetoCase{"4_guides_missing_4_elements",
                 N(4, "service_guide_incomplete", "", "事项名称,设定依据,申请条件,办理材料"),
                 {}}),
    [](const ::testing::TestParamInfo<VetoCase>& info) { return info.param.name; });

struct AccountCase {
  const char* name;
  std::vector<Finding> findings;
  std::string platform_state;
  v1::Scorecard::Verdict verdict;
  std::vector<std::string> vetoes;
};

class AccountTest : public ::testing::TestWithParam<AccountCase> {};

TEST_P(AccountTest, Verdict) {
  const AccountCase& c = GetParam();
  Observation o = Obs("accounts/a", c.findings);
  o.mutable_account()->set_platform_state(c.platform_state);
  v1::Scorecard card = Gov2019().ScoreTarget(kRound, o, Account(), kAsOf);
  EXPECT_EQ(card.verdict(), c.verdict) << card.DebugString();
  EXPECT_EQ(Vetoes(card), c.vetoes);
}

INSTANTIATE_TEST_SUITE_P(
    Gov2019, AccountTest,
    ::testing::Values(
        AccountCase{"clean", {}, "active", v1::Scorecard::PASS, {}},
        AccountCase{"post_exactly_14_days_ago",
                    {F("account_not_updated", Day(k14DaysBefore))},
                    "active", v1::Scorecard::PASS, {}},
        AccountCase{"post_15_days_ago",
                    {F("account_not_updated", Day(k14DaysBefore - 1))},
                    "active", v1::Scorecard::FAIL, {"account_not_updated/a"}},
        AccountCase{"no_interaction", {F("account_no_interaction")}, "active",
                    v1::Scorecard::FAIL, {"account_no_interaction/a"}},
        AccountCase{"sensitive_word", {F("sensitive_word")}, "active", v1::Scorecard::FAIL,
                    {"account_security/a"}},
        AccountCase{"privacy_is_a_problem_not_a_veto", {F("privacy_mobile")}, "active",
                    v1::Scorecard::PASS, {}},
        AccountCase{"closed_on_the_platform",
                    {F("account_closed_not_deregistered", "2020-01-01")}, "closed",
                    v1::Scorecard::NOT_APPLICABLE, {}}),
    [](const ::testing::TestParamInfo<AccountCase>& info) { return info.param.name; });

TEST(EngineTest, NotAssessedIsNeverPassedEvenWithoutFindings) {
  Observation o = Obs("sites/s", {});
  o.set_status(common::v1::TARGET_STATUS_NOT_ASSESSED);
  o.set_not_assessed_reason("dead-lettered");
  v1::Scorecard card = Gov2019().ScoreTarget(kRound, o, Site(), kAsOf);
  EXPECT_EQ(card.verdict(), v1::Scorecard::NOT_ASSESSED);
  EXPECT_THAT(card.reason(), HasSubstr("dead-lettered"));
  o.set_status(common::v1::TARGET_STATUS_UNSPECIFIED);
  EXPECT_EQ(Gov2019().ScoreTarget(kRound, o, Site(), kAsOf).verdict(),
            v1::Scorecard::NOT_ASSESSED);
}

TEST(EngineTest, DepartmentSitesListDeductionsWithoutPoints) {
  v1::Scorecard card =
      Gov2019().ScoreTarget(kRound, Obs("sites/s", {F("no_search")}), Site(), kAsOf);
  EXPECT_EQ(card.verdict(), v1::Scorecard::PASS);
  EXPECT_FALSE(card.scored());
  ASSERT_EQ(card.problems_size(), 1);
  EXPECT_EQ(card.problems(0).indicator(), "site_deduct_search");
  EXPECT_EQ(card.problems(0).points(), 0);
}

TEST(EngineTest, PortalDeductionsWithCapsAndEvidence) {
  std::vector<Finding> f;
  for (const char* k : {"footer_missing_site_code", "footer_missing_icp", "footer_missing_police",
                        "footer_missing_badge", "footer_missing_sponsor",
                        "footer_missing_sitemap", "footer_missing_error_report"}) {
    f.push_back(F(k));
  }
  // 2 broken links on the home page (1 point each), 9 elsewhere (1 point per 5).
  for (int i = 0; i < 2; ++i) {
    f.push_back(F("broken_link", "", "http_404", absl::StrCat("http://www.u.gov.cn/h", i),
                  "http://WWW.U.GOV.CN"));
  }
  for (int i = 0; i < 9; ++i) {
    f.push_back(F("broken_link", "", "http_404", absl::StrCat("http://www.u.gov.cn/o", i),
                  "http://www.u.gov.cn/list.html"));
  }
  v1::Scorecard card = Gov2019().ScoreTarget(
      kRound, Obs("sites/p", f), Site(v1::TARGET_TYPE_PORTAL_SITE), kAsOf);
  ASSERT_TRUE(card.scored()) << card.DebugString();
  std::map<std::string, double> points;
  for (const auto& h : card.deductions()) {
    points[absl::StrCat(h.indicator(), "/", h.rule())] = h.points();
  }
  EXPECT_EQ(points["site_deduct_identity/a"], 5);  // 7 items, capped at the weight 5
  EXPECT_EQ(points["site_deduct_broken_links/home"], 2);
  EXPECT_EQ(points["site_deduct_broken_links/other"], 1);
  EXPECT_EQ(card.deduction_total(), 8);
  EXPECT_EQ(card.score(), 92);
  EXPECT_EQ(card.verdict(), v1::Scorecard::PASS);
  for (const auto& h : card.deductions()) {
    if (h.indicator() == "site_deduct_identity") {
      EXPECT_TRUE(h.capped());
      EXPECT_EQ(h.raw_points(), 7);
      EXPECT_EQ(h.evidence_size(), 7);
    }
    if (h.rule() == "other") {
      EXPECT_EQ(h.evidence(0).source_url(), "http://www.u.gov.cn/list.html");
    }
  }
}

// ------------------------------------------------------------------------- the pass rule

// One DEDUCT indicator worth 1 point per finding (`deduct` kind) in a group of 75 and one of 25
// (办事服务, skipped without public-service duties); one BONUS worth 1 per `bonus` finding.
constexpr char kPassRule[] = R"pb(
  name: "passrule"
  extra_kinds: ["d1", "d2", "b1"]
  score {
    base: 100 pass_score: 60 bonus_above: 80 bonus_cap: 30
    scored: APPLIES_TO_PORTAL_SITE
    groups { id: "main" name: "主要" weight: 75 }
    groups { id: "service" name: "办事服务" weight: 25 skip_without_public_service: true }
  }
  indicators {
    id: "d_main" name: "扣分甲" applies_to: APPLIES_TO_PORTAL_SITE kind: DEDUCT group: "main"
    cap: 75 source: "test"
    rules { id: "a" description: "每个扣1分" match { kinds: "d1" } any: true points: 1 per: 1 }
  }
  indicators {
    id: "d_service" name: "扣分乙" applies_to: APPLIES_TO_PORTAL_SITE kind: DEDUCT
    group: "service" cap: 25 source: "test"
    rules { id: "a" description: "每个扣1分" match { kinds: "d2" } any: true points: 1 per: 1 }
  }
  indicators {
    id: "bonus" name: "加分" applies_to: APPLIES_TO_PORTAL_SITE kind: BONUS cap: 40 source: "test"
    rules { id: "a" description: "每个加1分" match { kinds: "b1" } any: true points: 1 per: 1 }
  }
)pb";

const Engine& PassRule() {
  static const Engine* engine = [] {
    auto r = ParseRuleset({"passrule.textproto", kPassRule});
    EXPECT_TRUE(r.ok()) << r.status();
    return new Engine(r.ok() ? r->ruleset : v1::Ruleset());
  }();
  return *engine;
}

struct ScoreCase {
  const char* name;
  int d_main;
  int d_service;
  int bonus;
  bool public_service;
  double score;
  double bonus_total;
  v1::Scorecard::Verdict verdict;
};

class PassRuleTest : public ::testing::TestWithParam<ScoreCase> {};

TEST_P(PassRuleTest, Score) {
  const ScoreCase& c = GetParam();
  std::vector<Finding> f = Cat(Cat(N(c.d_main, "d1"), N(c.d_service, "d2")), N(c.bonus, "b1"));
  v1::Scorecard card = PassRule().ScoreTarget(
      kRound, Obs("sites/p", f), Site(v1::TARGET_TYPE_PORTAL_SITE, c.public_service), kAsOf);
  EXPECT_NEAR(card.score(), c.score, 1e-6) << card.DebugString();
  EXPECT_DOUBLE_EQ(card.bonus_total(), c.bonus_total);
  EXPECT_EQ(card.verdict(), c.verdict) << card.reason();
}

INSTANTIATE_TEST_SUITE_P(
    PassRule, PassRuleTest,
    ::testing::Values(
        ScoreCase{"exactly_60_passes", 40, 0, 0, true, 60, 0, v1::Scorecard::PASS},
        ScoreCase{"59_fails", 41, 0, 0, true, 59, 0, v1::Scorecard::FAIL},
        ScoreCase{"exactly_80_gets_no_bonus", 20, 0, 5, true, 80, 0, v1::Scorecard::PASS},
        ScoreCase{"81_gets_the_bonus", 19, 0, 5, true, 86, 5, v1::Scorecard::PASS},
        ScoreCase{"bonus_capped_at_30", 0, 0, 35, true, 130, 30, v1::Scorecard::PASS},
        ScoreCase{"group_cap_reached", 90, 0, 0, true, 25, 0, v1::Scorecard::FAIL},
        ScoreCase{"deductions_from_two_groups", 20, 21, 0, true, 59, 0, v1::Scorecard::FAIL},
        // Without public-service duties 办事服务 is skipped and the rest counts 4/3:
        // 30 points → 100 − 40 = 60.
        ScoreCase{"four_thirds_exactly_60", 30, 25, 0, false, 60, 0, v1::Scorecard::PASS},
        ScoreCase{"four_thirds_below_60", 31, 0, 0, false, 100 - 31 * 4.0 / 3, 0,
                  v1::Scorecard::FAIL},
        ScoreCase{"four_thirds_exactly_80", 15, 0, 3, false, 80, 0, v1::Scorecard::PASS}),
    [](const ::testing::TestParamInfo<ScoreCase>& info) { return info.param.name; });

TEST(EngineTest, VetoedPortalIsNotScored) {
  std::vector<Finding> f = {F("expression_error"), F("no_search")};
  v1::Scorecard card = Gov2019().ScoreTarget(kRound, Obs("sites/p", f),
                                             Site(v1::TARGET_TYPE_PORTAL_SITE), kAsOf);
  EXPECT_EQ(card.verdict(), v1::Scorecard::FAIL);
  EXPECT_FALSE(card.scored());
  EXPECT_EQ(card.score(), 0);
  EXPECT_THAT(card.reason(), HasSubstr("严重表述错误"));
  EXPECT_THAT(card.deductions(), IsEmpty());
  ASSERT_EQ(card.problems_size(), 1);
}

// ------------------------------------------------------------------------- the round

TEST(EngineTest, RoundRatesExcludeNotAssessedAndNotApplicable) {
  common::v1::Registry reg;
  auto* u = reg.add_units();
  u->set_name("units/u");
  u->set_display_name("测试单位");
  u->set_public_service(true);
  for (const char* s : {"sites/a", "sites/b", "sites/c", "sites/d"}) {
    auto* site = reg.add_sites();
    site->set_name(s);
    site->set_unit("units/u");
    site->set_kind(common::v1::SITE_KIND_DEPARTMENT);
  }
  for (const char* a : {"accounts/x", "accounts/y"}) {
    auto* acc = reg.add_accounts();
    acc->set_name(a);
    acc->set_unit("units/u");
  }
  std::vector<Observation> obs = {
      Obs("sites/a", {}),
      Obs("sites/b", {F("blank_column", "", "", "http://u/1"), F("no_search")}),
      Obs("sites/c", {F("expression_error")}),
      Obs("sites/d", {}),
      Obs("accounts/x", {}),
      Obs("accounts/y", {}),
      Obs("units/u", {F("opendata_below_quota", "", "datasets=1 quota=5")}),
  };
  obs[3].set_status(common::v1::TARGET_STATUS_NOT_ASSESSED);
  obs[5].mutable_account()->set_platform_state("deleted");
  auto r = Gov2019().ScoreRound(kRound, "2020-06-30", obs, reg);
  ASSERT_TRUE(r.ok()) << r.status();
  const v1::Scoring& s = r->scoring;
  EXPECT_EQ(s.sites().passed(), 2);
  EXPECT_EQ(s.sites().failed(), 1);
  EXPECT_EQ(s.sites().not_assessed(), 1);
  EXPECT_DOUBLE_EQ(s.site_pass_rate(), 2.0 / 3);
  EXPECT_EQ(s.accounts().passed(), 1);
  EXPECT_EQ(s.accounts().not_applicable(), 1);
  EXPECT_DOUBLE_EQ(s.account_pass_rate(), 1.0);
  EXPECT_EQ(s.units_with_problems(), 1);
  ASSERT_EQ(s.units_size(), 1);
  EXPECT_EQ(s.units(0).display_name(), "测试单位");
  EXPECT_THAT(s.units(0).failed_targets(), ElementsAre("sites/c"));
  EXPECT_THAT(s.units(0).indicators(),
              ElementsAre("opendata_quota", "serious_error", "site_deduct_search"));
  std::map<std::string, int> by_indicator;
  for (const auto& ic : s.indicator_counts()) by_indicator[ic.indicator()] = ic.targets();
  EXPECT_EQ(by_indicator["serious_error"], 1);
  EXPECT_EQ(by_indicator["columns_not_updated"], 0);
  std::map<std::string, int> by_kind;
  for (const auto& kc : s.kind_counts()) by_kind[kc.kind()] = kc.findings();
  EXPECT_EQ(by_kind["blank_column"], 1);
  EXPECT_EQ(by_kind.count("site_unreachable"), 0u);
  EXPECT_EQ(r->cards.front().target(), "accounts/x");  // sorted by target
  EXPECT_EQ(r->cards.front().name(), "rounds/r1/scorings/gov-2019/scorecards/accounts~x");
}

TEST(EngineTest, SameInputsGiveIdenticalOutput) {
  common::v1::Registry reg;
  std::vector<Observation> obs = {Obs("sites/a", {F("no_search"), F("expression_error")}),
                                  Obs("sites/b", N(6, "blank_column"))};
  auto a = Gov2019().ScoreRound(kRound, "2020-06-30", obs, reg);
  std::reverse(obs.begin(), obs.end());
  auto b = Gov2019().ScoreRound(kRound, "2020-06-30", obs, reg);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->scoring.SerializeAsString(), b->scoring.SerializeAsString());
  ASSERT_EQ(a->cards.size(), b->cards.size());
  for (size_t i = 0; i < a->cards.size(); ++i) {
    EXPECT_EQ(a->cards[i].SerializeAsString(), b->cards[i].SerializeAsString());
  }
}

TEST(EngineTest, BadAsOfIsRejected) {
  EXPECT_THAT(Gov2019().ScoreRound(kRound, "2020-02-30", {}, {}),
              testing::StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(DatesTest, SubtractClampsToTheMonthEnd) {
  v1::Window w;
  w.set_months(3);
  EXPECT_EQ(Subtract(absl::CivilDay(2020, 5, 31), w), absl::CivilDay(2020, 2, 29));
  v1::Window y;
  y.set_years(1);
  EXPECT_EQ(Subtract(absl::CivilDay(2020, 2, 29), y), absl::CivilDay(2019, 2, 28));
  v1::Window d;
  d.set_days(14);
  EXPECT_EQ(Subtract(kAsOf, d), absl::CivilDay(2020, 6, 16));
  absl::CivilDay day;
  EXPECT_FALSE(ParseIsoDay("2020-13-01", &day));
  EXPECT_TRUE(ParseIsoDay("2020-02-29", &day));
}

}  // namespace
}  // namespace govinspect::scoring
