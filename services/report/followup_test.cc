#include "services/report/followup.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace govinspect::report {
namespace {

common::v1::Observation Obs(const std::string& target, bool assessed = true) {
  common::v1::Observation o;
  o.set_target(target);
  o.set_unit("units/u");
  o.set_status(assessed ? common::v1::TARGET_STATUS_ASSESSED
                        : common::v1::TARGET_STATUS_NOT_ASSESSED);
  return o;
}

void Add(common::v1::Observation* o, const std::string& kind, const std::string& url,
         const std::string& text = "") {
  auto* f = o->add_findings();
  f->set_kind(kind);
  f->set_url(url);
  f->set_text(text);
}

TEST(FollowupTest, MatchKeysFollowTheCatalog) {
  common::v1::Finding f;
  f.set_kind("broken_link");
  f.set_url("HTTP://Www.ZS.gov.cn:80/a/B.html#top");
  EXPECT_EQ(MatchValue(f), "http://www.zs.gov.cn/a/B.html");
  f.set_url("http://www.zs.gov.cn");
  EXPECT_EQ(MatchValue(f), "http://www.zs.gov.cn/");
  f.set_kind("home_not_updated");
  EXPECT_EQ(MatchValue(f), "");
  f.set_kind("expression_error");
  f.set_text("  错别字 ");
  EXPECT_EQ(MatchValue(f), "错别字");
  f.set_kind("account_duplicate_platform");
  f.set_detail("wechat");
  EXPECT_EQ(MatchValue(f), "wechat");
}

TEST(FollowupTest, FixedStillNewAndUnverified) {
  auto a0 = Obs("sites/a"), b0 = Obs("sites/b"), c0 = Obs("sites/c");
  Add(&a0, "broken_link", "http://a/1");  // fixed
  Add(&a0, "broken_link", "http://a/2");  // still (URL written differently now)
  Add(&b0, "home_not_updated", "");       // unverified: b not assessed now
  Add(&c0, "no_search", "");              // still
  auto a1 = Obs("sites/a"), b1 = Obs("sites/b", false), c1 = Obs("sites/c");
  Add(&a1, "broken_link", "HTTP://A/2");
  Add(&a1, "missing_image", "http://a/x.png");  // new
  Add(&b1, "home_not_updated", "");             // ignored: not assessed
  Add(&c1, "no_search", "");
  auto items = CompareRounds({a0, b0, c0}, {a1, b1, c1});
  std::vector<std::string> got;
  for (const auto& i : items) {
    got.push_back(std::string(FollowupStatusId(i.status)) + " " + i.key.target + " " + i.key.kind +
                  " " + i.key.key);
  }
  EXPECT_THAT(got, ::testing::ElementsAre("fixed sites/a broken_link http://a/1",
                                          "still sites/a broken_link http://a/2",
                                          "still sites/c no_search ",
                                          "unverified sites/b home_not_updated ",
                                          "new sites/a missing_image http://a/x.png"));
}

TEST(FollowupTest, TargetsMissingFromThisRoundAreUnverified) {
  auto a0 = Obs("accounts/gone");
  Add(&a0, "account_not_updated", "");
  auto items = CompareRounds({a0}, {});
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].status, FollowupStatus::kUnverified);
}

}  // namespace
}  // namespace govinspect::report
