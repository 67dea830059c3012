#include "services/scoring/ruleset.h"

#include <string>

#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace govinspect::scoring {
namespace {

using ::govinspect::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

const v1::Indicator* FindIndicator(const v1::Ruleset& r, const std::string& id) {
  for (const auto& i : r.indicators()) {
    if (i.id() == id) return &i;
  }
  return nullptr;
}

const v1::Rule* FindRule(const v1::Indicator& i, const std::string& id) {
  for (const auto& r : i.rules()) {
    if (r.id() == id) return &r;
  }
  return nullptr;
}

TEST(RulesetTest, SourceTreeRulesetsLoad) {
  auto catalog = RulesetCatalog::LoadDir(std::string(GOVINSPECT_SOURCE_DIR) + "/rulesets");
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  EXPECT_THAT(catalog->Names(), ::testing::ElementsAre("gov-2019", "guangdong-2020"));
  const v1::Ruleset& gov = catalog->Find("gov-2019")->ruleset;
  // The verified values of INDICATORS.md.
  EXPECT_EQ(gov.score().base(), 100);
  EXPECT_EQ(gov.score().pass_score(), 60);
  EXPECT_EQ(gov.score().bonus_above(), 80);
  EXPECT_EQ(gov.score().bonus_cap(), 30);
  double total = 0;
  for (const auto& g : gov.score().groups()) total += g.weight();
  EXPECT_EQ(total, 100);
  const v1::Indicator* unreachable = FindIndicator(gov, "site_unreachable");
  ASSERT_NE(unreachable, nullptr);
  EXPECT_EQ(unreachable->kind(), v1::VETO);
  EXPECT_EQ(unreachable->rules(0).ratio_at_least(), 0.05);
  for (const char* id : {"home_not_updated", "columns_not_updated", "serious_error",
                         "poor_interaction", "service_not_practical", "account_security",
                         "account_not_updated", "account_no_interaction"}) {
    const v1::Indicator* i = FindIndicator(gov, id);
    ASSERT_NE(i, nullptr) << id;
    EXPECT_EQ(i->kind(), v1::VETO) << id;
  }
  const v1::Indicator* policy = FindIndicator(gov, "site_deduct_policy_column");
  ASSERT_NE(policy, nullptr);
  EXPECT_EQ(policy->rules(0).points(), 5);

  // The overlay: changed values, kept values and an added indicator.
  const v1::Ruleset& gd = catalog->Find("guangdong-2020")->ruleset;
  EXPECT_EQ(gd.base(), "gov-2019");
  const v1::Indicator* late = FindIndicator(gd, "site_deduct_reply_late");
  ASSERT_NE(late, nullptr);
  EXPECT_EQ(late->cap(), 10);
  EXPECT_EQ(late->rules(0).points(), 2);
  EXPECT_EQ(late->rules(0).per(), 1);                     // kept from the base
  EXPECT_EQ(late->rules(0).match(0).kinds(0), "reply_late");  // kept from the base
  const v1::Indicator* links = FindIndicator(gd, "site_deduct_broken_links");
  EXPECT_EQ(FindRule(*links, "other")->per(), 3);
  EXPECT_EQ(FindRule(*links, "home")->per(), 1);
  EXPECT_NE(FindIndicator(gd, "account_filed_late"), nullptr);
  EXPECT_EQ(FindIndicator(gov, "account_filed_late"), nullptr);
  EXPECT_EQ(gd.indicators_size(), gov.indicators_size() + 1);
  EXPECT_NE(catalog->Find("gov-2019")->digest, catalog->Find("guangdong-2020")->digest);
}

constexpr char kGood[] = R"pb(
name: "t"
indicators {
  id: "x"
  name: "测试"
  applies_to: APPLIES_TO_ACCOUNT
  kind: VETO
  source: "test"
  rules { id: "a" description: "任一" match { kinds: "account_no_interaction" } any: true }
}
)pb";

// Found by fuzz/ruleset_fuzzer.cc (fuzz/regressions/ruleset/): TextFormat took strings that are
// not UTF-8, and every scorecard carrying them then failed to parse on the other side.
TEST(RulesetTest, TextThatIsNotUtf8IsRejectedNamingTheLine) {
  std::string text = kGood;
  const size_t at = text.find("任一");
  ASSERT_NE(at, std::string::npos);
  text[at + 2] = '\xFF';  // 任 cut short
  auto r = ParseRuleset({"rulesets/t.textproto", text});
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument,
                          AllOf(HasSubstr("rulesets/t.textproto:9:"), HasSubstr("not valid UTF-8"))));
  std::string gbk = "name: \"t\"\n# \xB2\xE2\xCA\xD4 (GBK in a comment)\n";
  EXPECT_THAT(ParseRuleset({"rulesets/t.textproto", gbk}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("t.textproto:2:3: not valid")));
}

TEST(RulesetTest, MinimalRulesetParses) {
  auto r = ParseRuleset({"rulesets/t.textproto", kGood});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->ruleset.indicators_size(), 1);
  EXPECT_EQ(r->digest.size(), 16u);
}

struct BadCase {
  const char* name;
  const char* text;
  // Substrings the error must contain (file:line and the reason).
  const char* where;
  const char* why;
};

class BadRulesetTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadRulesetTest, RejectedNamingTheLine) {
  const BadCase& c = GetParam();
  auto r = ParseRuleset({"rulesets/t.textproto", c.text});
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument, AllOf(HasSubstr(c.where),
                                                                    HasSubstr(c.why))));
}

INSTANTIATE_TEST_SUITE_P(
    Bad, BadRulesetTest,
    ::testing::Values(
        BadCase{"syntax", "name: \"t\"\nindicators {\n  id: \"x\"\n  name \"y\"\n}\n",
                "rulesets/t.textproto:4:", "Expected"},
        BadCase{"unknown_field", "name: \"t\"\n\nweight: 3\n", "rulesets/t.textproto:3:",
                "weight"},
        BadCase{"bad_enum",
                "name: \"t\"\nindicators {\n  id: \"x\"\n  kind: SOMETIMES source: \"s\"\n}\n",
                "rulesets/t.textproto:4:", "SOMETIMES"},
        BadCase{"unknown_kind",
                R"pb(name: "t"
                     indicators {
                       id: "x" name: "测试" applies_to: APPLIES_TO_ACCOUNT kind: VETO source: "s"
                       rules { id: "a" description: "d" match { kinds: "acount_no_interaction" } any: true }
                     })pb",
                "rulesets/t.textproto:4:", "unknown finding kind \"acount_no_interaction\""},
        BadCase{"name_mismatch", "name: \"other\"\n", "rulesets/t.textproto:1:",
                "must match the file name"},
        BadCase{"deduct_without_points",
                R"pb(name: "t"
                     score { groups { id: "g" name: "组" weight: 10 } }
                     indicators {
                       id: "x" name: "测试" applies_to: APPLIES_TO_PORTAL_SITE kind: DEDUCT
                       group: "g" cap: 5 source: "s"
                       rules { id: "a" description: "d" match { kinds: "no_search" } any: true }
                     })pb",
                "rulesets/t.textproto:6:", "points must be > 0"},
        BadCase{"deduct_unknown_group",
                R"pb(name: "t"
                     indicators {
                       id: "x" name: "测试" applies_to: APPLIES_TO_PORTAL_SITE kind: DEDUCT
                       group: "nope" cap: 5 source: "s"
                       rules { id: "a" description: "d" match { kinds: "no_search" } any: true points: 1 }
                     })pb",
                "rulesets/t.textproto:2:", "group \"nope\""},
        BadCase{"veto_with_points",
                R"pb(name: "t"
                     indicators {
                       id: "x" name: "测试" applies_to: APPLIES_TO_ACCOUNT kind: VETO source: "s"
                       rules { id: "a" description: "d" match { kinds: "no_search" } any: true points: 1 }
                     })pb",
                "rulesets/t.textproto:4:", "only to DEDUCT/BONUS"},
        BadCase{"no_count",
                R"pb(name: "t"
                     indicators {
                       id: "x" name: "测试" applies_to: APPLIES_TO_ACCOUNT kind: VETO source: "s"
                       rules { id: "a" description: "d" match { kinds: "no_search" } }
                     })pb",
                "rulesets/t.textproto:4:", "how to count is required"},
        BadCase{"ratio_without_key",
                R"pb(name: "t"
                     indicators {
                       id: "x" name: "测试" applies_to: APPLIES_TO_PORTAL_SITE kind: VETO source: "s"
                       rules { id: "a" description: "d" match { kinds: "site_unreachable" } ratio_at_least: 0.05 }
                     })pb",
                "rulesets/t.textproto:4:", "needs value_key"},
        BadCase{"duplicate_indicator",
                R"pb(name: "t"
                     indicators { id: "x" }
                     indicators { id: "x" })pb",
                "rulesets/t.textproto:3:", "defined twice"},
        BadCase{"missing_source",
                R"pb(name: "t"
                     indicators {
                       id: "x" name: "测试" applies_to: APPLIES_TO_ACCOUNT kind: VETO
                       rules { id: "a" description: "d" match { kinds: "no_search" } any: true }
                     })pb",
                "rulesets/t.textproto:2:", "source (citation) required"},
        BadCase{"missing_base", "name: \"t\"\nbase: \"nowhere\"\n", "rulesets/t.textproto:1:",
                "base ruleset \"nowhere\" not found"},
        // Bad values (docs/bad-input.md).
        BadCase{"at_least_zero",
                R"pb(name: "t"
                     indicators {
                       id: "x" name: "测试" applies_to: APPLIES_TO_ACCOUNT kind: VETO source: "s"
                       rules { id: "a" description: "d" match { kinds: "no_search" } at_least: 0 }
                     })pb",
                "rulesets/t.textproto:4:", "indicator \"x\": rule \"a\": at_least must be ≥ 1"},
        BadCase{"negative_ratio",
                R"pb(name: "t"
                     indicators {
                       id: "x" name: "测试" applies_to: APPLIES_TO_PORTAL_SITE kind: VETO source: "s"
                       rules { id: "a" description: "d" match { kinds: "site_unreachable" } ratio_at_least: -0.5 value_key: "fail_ratio" }
                     })pb",
                "rulesets/t.textproto:4:", "rule \"a\": ratio_at_least must be ≥ 0"},
        BadCase{"group_weight_zero",
                R"pb(name: "t"
                     score { groups { id: "g" name: "组" weight: 0 } }
                     indicators {
                       id: "x" name: "测试" applies_to: APPLIES_TO_PORTAL_SITE kind: DEDUCT
                       group: "g" cap: 5 source: "s"
                       rules { id: "a" description: "d" match { kinds: "no_search" } any: true points: 1 }
                     })pb",
                "rulesets/t.textproto:2:", "group \"g\": weight must be > 0"},
        BadCase{"deduct_cap_zero",
                R"pb(name: "t"
                     score { groups { id: "g" name: "组" weight: 10 } }
                     indicators {
                       id: "x" name: "测试" applies_to: APPLIES_TO_PORTAL_SITE kind: DEDUCT
                       group: "g" cap: 0 source: "s"
                       rules { id: "a" description: "d" match { kinds: "no_search" } any: true points: 1 }
                     })pb",
                "rulesets/t.textproto:3:", "indicator \"x\": cap must be > 0 for DEDUCT/BONUS"},
        BadCase{"per_zero",
                R"pb(name: "t"
                     score { groups { id: "g" name: "组" weight: 10 } }
                     indicators {
                       id: "x" name: "测试" applies_to: APPLIES_TO_PORTAL_SITE kind: DEDUCT
                       group: "g" cap: 5 source: "s"
                       rules { id: "a" description: "d" match { kinds: "no_search" } any: true points: 1 per: 0 }
                     })pb",
                "rulesets/t.textproto:6:", "rule \"a\": per must be ≥ 1"}),
    [](const ::testing::TestParamInfo<BadCase>& info) { return info.param.name; });

TEST(RulesetTest, OverlayErrorsNameTheOverlayFile) {
  constexpr char kOverlay[] = R"pb(
name: "o"
base: "t"
indicators {
  id: "x"
  rules { id: "a" match { kinds: "no_such_kind" } }
}
)pb";
  auto c = RulesetCatalog::FromSources({{"dir/t.textproto", kGood}, {"dir/o.textproto", kOverlay}});
  EXPECT_THAT(c, StatusIs(absl::StatusCode::kInvalidArgument,
                          AllOf(HasSubstr("dir/o.textproto:6:"), HasSubstr("no_such_kind"),
                                HasSubstr("after merging onto t"))));
}

TEST(RulesetTest, OverlayCycleIsRejected) {
  auto c = RulesetCatalog::FromSources(
      {{"a.textproto", "name: \"a\"\nbase: \"b\"\n"}, {"b.textproto", "name: \"b\"\nbase: \"a\"\n"}});
  EXPECT_THAT(c, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("cycle")));
}

TEST(RulesetTest, OverlayRemovesAndAdds) {
  constexpr char kOverlay[] = R"pb(
name: "o"
base: "t"
remove_indicators: "x"
indicators {
  id: "y" name: "新增" applies_to: APPLIES_TO_ACCOUNT kind: PROBLEM source: "s"
  rules { id: "a" description: "d" match { kinds: "account_filed_late" } any: true }
}
)pb";
  auto c = RulesetCatalog::FromSources({{"t.textproto", kGood}, {"o.textproto", kOverlay}});
  ASSERT_TRUE(c.ok()) << c.status();
  const v1::Ruleset& o = c->Find("o")->ruleset;
  ASSERT_EQ(o.indicators_size(), 1);
  EXPECT_EQ(o.indicators(0).id(), "y");
  EXPECT_EQ(c->Find("t")->ruleset.indicators(0).id(), "x");  // the base is unchanged
}

TEST(RulesetTest, MissingDirectory) {
  EXPECT_THAT(RulesetCatalog::LoadDir("/nonexistent/rulesets"),
              StatusIs(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace govinspect::scoring
