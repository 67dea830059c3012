#include "tools/simprovince/score.h"

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tools/simprovince/truth.h"

namespace govinspect::simprovince {
namespace {

using nlohmann::json;

json F(const std::string& kind, const std::string& url = "", const std::string& text = "", const std::string& detail = "") {
  return json{{"kind", kind}, {"indicator", ""}, {"url", url}, {"source_url", ""}, {"text", text},
              {"excerpt", ""}, {"date", ""}, {"detail", detail}};
}

json Truth() {
  return json{{"targets",
               json::array({
                   json{{"target", "sites/a"},
                        {"facts", json{{"cms_family", "hanweb"}, {"cms_style", "hanweb"}}},
                        {"findings", json::array({F("broken_link", "http://a.gov.cn/x.html"), F("home_not_updated"),
                                                  F("expression_error", "", "营商环竟"), F("no_search")})},
                        {"must_not_report", json::array({F("privacy_id_number", "", "4420001990****2216"),
                                                         F("broken_link", "javascript:window.print();")})}},
                   json{{"target", "sites/b"},
                        {"facts", json{{"cms_style", "trs"}}},  // older truth files: the style
                        {"findings", json::array({F("site_unreachable"), F("column_not_updated", "http://b.gov.cn/tzgg/")})},
                        {"must_not_report", json::array()}},
                   json{{"target", "accounts/c"}, {"findings", json::array({F("account_not_updated")})},
                        {"must_not_report", json::array()}},
                   json{{"target", "accounts/unfiled"}, {"in_registry", false},
                        {"findings", json::array({F("account_dormant")})}, {"must_not_report", json::array()}},
                   json{{"target", "units/u"}, {"findings", json::array({F("account_duplicate_platform", "", "", "wechat")})},
                        {"must_not_report", json::array()}},
               })}};
}

TEST(ScoreDetectionTest, CountsTpFpFnPerKindIndicatorAndOverall) {
  json obs{{"round", "rounds/x"},
           {"targets",
            json::array({
                json{{"target", "sites/a"},
                     {"status", "ASSESSED"},
                     // URL normalisation: upper-case host, default port, fragment.
                     {"findings", json::array({F("broken_link", "HTTP://A.gov.cn:80/x.html#frag"), F("home_not_updated"),
                                               F("privacy_id_number", "", "4420001990****2216"),
                                               F("broken_link", "http://a.gov.cn/other.html"),
                                               F("broken_link", "http://a.gov.cn/other.html")})}},
                json{{"target", "sites/b"}, {"status", "NOT_ASSESSED"}, {"not_assessed_reason", "down"},
                     {"findings", json::array({F("site_unreachable")})}},
                json{{"target", "units/u"}, {"status", "ASSESSED"},
                     {"findings", json::array({F("account_duplicate_platform", "", "", " wechat ")})}},
                json{{"target", "sites/unknown"}, {"status", "ASSESSED"}, {"findings", json::array({F("no_search")})}},
            })}};
  absl::StatusOr<DetectionScore> s = ScoreDetection(Truth(), obs);
  ASSERT_TRUE(s.ok()) << s.status();
  // TP: broken_link(a), home_not_updated(a), duplicate(u) = 3.
  // FP: privacy trap(a), other.html (deduplicated)(a), no_search(unknown) = 3.
  // FN: expression_error(a), no_search(a), site_unreachable+column(b: NOT_ASSESSED),
  //     account_not_updated(c: absent) = 5. accounts/unfiled is not registered: ignored.
  EXPECT_EQ(s->overall.tp, 3);
  EXPECT_EQ(s->overall.fp, 3);
  EXPECT_EQ(s->overall.fn, 5);
  EXPECT_EQ(s->by_kind.at("broken_link").tp, 1);
  EXPECT_EQ(s->by_kind.at("broken_link").fp, 1);
  EXPECT_EQ(s->by_kind.at("privacy_id_number").fp, 1);
  EXPECT_EQ(s->by_kind.at("site_unreachable").fn, 1);
  EXPECT_EQ(s->by_indicator.at("serious_error").fn, 1);
  EXPECT_EQ(s->by_indicator.at("site_deduct_broken_links").tp, 1);
  EXPECT_EQ(s->by_indicator.at("account_consolidation").tp, 1);
  EXPECT_EQ(s->by_indicator.at("account_not_updated").fn, 1);
  EXPECT_DOUBLE_EQ(s->overall.Precision(), 0.5);
  EXPECT_DOUBLE_EQ(s->overall.Recall(), 3.0 / 8.0);
  ASSERT_EQ(s->traps_reported.size(), 1u);
  EXPECT_EQ(s->traps_reported[0]["kind"], "privacy_id_number");
  EXPECT_EQ(s->not_assessed, std::vector<std::string>{"sites/b"});
  EXPECT_EQ(s->missing_targets, std::vector<std::string>{"accounts/c"});
  std::string table = s->ToTable();
  EXPECT_NE(table.find("traps reported"), std::string::npos);
  EXPECT_NE(table.find("NOT_ASSESSED"), std::string::npos);
  EXPECT_EQ(s->ToJson()["overall"]["tp"], 3);
  // Per CMS family (site findings only).
  EXPECT_EQ(s->by_family.at("hanweb").tp, 2);
  EXPECT_EQ(s->by_family.at("hanweb").fp, 2);
  EXPECT_EQ(s->by_family.at("hanweb").fn, 2);
  EXPECT_EQ(s->by_family.at("trs").fn, 2);
  EXPECT_EQ(s->by_family.at("unknown").fp, 1);
  EXPECT_EQ(s->by_family.size(), 3u);
  EXPECT_EQ(s->by_family_kind.at("hanweb").at("broken_link").fp, 1);
  EXPECT_EQ(s->ToJson()["by_cms_family"]["hanweb"]["recall"], 0.5);
  EXPECT_NE(table.find("CMS family"), std::string::npos);
}

TEST(ScoreDetectionTest, RejectsMalformedInput) {
  EXPECT_FALSE(ScoreDetection(json::object(), json{{"targets", json::array()}}).ok());
  EXPECT_FALSE(ScoreDetection(Truth(), json{{"targets", 3}}).ok());
  json dup{{"targets", json::array({json{{"target", "sites/a"}}, json{{"target", "sites/a"}}})}};
  EXPECT_FALSE(ScoreDetection(Truth(), dup).ok());
}

TEST(ScoreDetectionTest, PerfectExportOfTheTruthScoresOne) {
  json obs{{"targets", json::array()}};
  const json truth = Truth();
  for (const auto& t : truth["targets"]) {
    if (t.contains("in_registry")) continue;
    obs["targets"].push_back(json{{"target", t["target"]}, {"status", "ASSESSED"}, {"findings", t["findings"]}});
  }
  absl::StatusOr<DetectionScore> s = ScoreDetection(Truth(), obs);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->overall.fp, 0);
  EXPECT_EQ(s->overall.fn, 0);
  EXPECT_EQ(s->overall.tp, 8);
}

TEST(ScoreDetectionTest, AnAbolishedNameMatchesWhicheverLevelIsWrittenBeforeIt) {
  EXPECT_EQ(MatchValue(F("abolished_name", "", "农业局")), MatchValue(F("abolished_name", "", "市农业局")));
  EXPECT_EQ(MatchValue(F("abolished_name", "", "县人口和计划生育局")), "人口和计划生育局");
  EXPECT_EQ(MatchValue(F("abolished_name", "", "市")), "市");  // nothing left to name: as written
  // Other kinds keep the text as written.
  EXPECT_EQ(MatchValue(F("expression_error", "", "市营商环竟")), "市营商环竟");
}

TEST(NormalizeUrlTest, Normalises) {
  EXPECT_EQ(NormalizeUrl("HTTP://WWW.ZS.GOV.CN"), "http://www.zs.gov.cn/");
  EXPECT_EQ(NormalizeUrl("http://a.cn:80/x?y=1#z"), "http://a.cn/x?y=1");
  EXPECT_EQ(NormalizeUrl("http://a.cn:8080/x"), "http://a.cn:8080/x");
  EXPECT_EQ(NormalizeUrl(" javascript:void(0) "), "javascript:void(0)");
}

}  // namespace
}  // namespace govinspect::simprovince
