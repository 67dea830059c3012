#include "services/newmedia/account_check.h"

#include <string>

#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/newmedia/fake_platform_adapter.h"

namespace govinspect::newmedia {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::FakePlatformAdapter;

PlatformAccount Active(const std::string& id, const std::string& entity = "中山市黄圃镇人民政府") {
  PlatformAccount a;
  a.id = id;
  a.name = "黄圃发布";
  a.platform = "wechat";
  a.url = "http://api.wechat.sim/v1/accounts/" + id;
  a.status = "active";
  a.verified_entity = entity;
  a.entity_short_name = "黄圃镇";
  a.opened_date = "2016-05-10";
  a.comments = true;
  return a;
}

PlatformPost Post(const std::string& id, const std::string& time, const std::string& text = "防汛防风工作最新进展。") {
  return PlatformPost{id, "gh_1", time, "http://api.wechat.sim/v1/accounts/gh_1/posts/" + id,
                      "【提醒】", text};
}

common::v1::TaskPayload Payload(const std::string& pid = "gh_1") {
  common::v1::TaskPayload p;
  p.set_round("rounds/r1");
  p.set_as_of("2020-06-30");
  auto* a = p.mutable_account();
  a->set_name("accounts/zs-hpz-wx");
  a->set_unit("units/zs-hpz");
  a->set_platform(common::v1::PLATFORM_WECHAT);
  a->set_platform_account_id(pid);
  a->set_display_name("黄圃发布");
  a->set_opened_date("2016-05-10");
  a->set_filed_date("2016-05-11");
  auto* u = p.add_units();
  u->set_name("units/zs-hpz");
  u->set_display_name("中山市黄圃镇人民政府");
  u->set_short_name("黄圃镇");
  *p.add_unit_accounts() = *a;
  return p;
}

std::vector<std::string> Kinds(const common::v1::Observation& o) {
  std::vector<std::string> out;
  for (const auto& f : o.findings()) out.push_back(f.kind());
  return out;
}

class AccountCheckTest : public ::testing::Test {
 protected:
  AccountCheckTest() {
    auto c = common::ContentChecker::Create(common::Dictionary::Default());
    checker_ = *std::move(c);
    adapters_["wechat"] = &wechat_;
    adapters_["weibo"] = &weibo_;
  }
  AccountCheckResult Run(const common::v1::TaskPayload& p) {
    return CheckAccount(p, adapters_, *checker_, options_);
  }
  FakePlatformAdapter wechat_, weibo_;
  AdapterMap adapters_;
  std::unique_ptr<common::ContentChecker> checker_;
  AccountCheckOptions options_;
};

TEST_F(AccountCheckTest, HealthyAccountIsAssessedClean) {
  wechat_.Add(Active("gh_1"), {Post("3", "2020-06-28T10:30:00+08:00"), Post("2", "2020-06-20T09:00:00+08:00")});
  AccountCheckResult r = Run(Payload());
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.account.status(), common::v1::TARGET_STATUS_ASSESSED);
  EXPECT_THAT(Kinds(r.account), IsEmpty());
  EXPECT_EQ(r.account.account().posts_read(), 2);
  EXPECT_EQ(r.account.account().platform_state(), "active");
  ASSERT_TRUE(r.unit.has_value());  // the unit's only account searches the unit
  EXPECT_THAT(Kinds(*r.unit), IsEmpty());
  EXPECT_EQ(r.unit->target(), "units/zs-hpz");
}

TEST_F(AccountCheckTest, NotUpdatedAndDormantAreMeasuredAgainstAsOf) {
  // Newest post 2020-06-15: 15 days before as_of → not updated, not dormant.
  wechat_.Add(Active("gh_1"), {Post("3", "2020-06-15T10:30:00+08:00"),
                               // A post after as_of does not count (the round is reproducible).
                               Post("4", "2020-07-02T10:30:00+08:00")});
  AccountCheckResult r = Run(Payload());
  EXPECT_THAT(Kinds(r.account), ElementsAre("account_not_updated"));
  EXPECT_EQ(r.account.findings(0).date(), "2020-06-15");
  EXPECT_EQ(r.account.findings(0).indicator(), "account_not_updated");
  // A post on 2020-06-16 (14 days before) is in time.
  FakePlatformAdapter fresh;
  fresh.Add(Active("gh_1"), {Post("3", "2020-06-16T08:00:00+08:00")});
  adapters_["wechat"] = &fresh;
  EXPECT_THAT(Kinds(Run(Payload()).account), IsEmpty());
  // 23:30 UTC on 06-15 is 07:30 on 06-16 in China.
  FakePlatformAdapter utc;
  utc.Add(Active("gh_1"), {Post("3", "2020-06-15T23:30:00Z")});
  adapters_["wechat"] = &utc;
  EXPECT_THAT(Kinds(Run(Payload()).account), IsEmpty());
}

TEST_F(AccountCheckTest, DormantAccount) {
  wechat_.Add(Active("gh_1"), {Post("3", "2020-02-01T10:30:00+08:00")});
  AccountCheckResult r = Run(Payload());
  EXPECT_THAT(Kinds(r.account), ElementsAre("account_dormant", "account_not_updated"));
  options_.dormant_months = 6;
  EXPECT_THAT(Kinds(Run(Payload()).account), ElementsAre("account_not_updated"));
}

TEST_F(AccountCheckTest, NoInteraction) {
  PlatformAccount a = Active("gh_1");
  a.comments = a.messages = a.private_messages = false;
  wechat_.Add(a, {Post("3", "2020-06-28T10:30:00+08:00")});
  EXPECT_THAT(Kinds(Run(Payload()).account), ElementsAre("account_no_interaction"));
}

TEST_F(AccountCheckTest, ContentFindingsCarryThePostAsEvidence) {
  wechat_.Add(Active("gh_1"),
              {Post("3", "2020-06-28T10:30:00+08:00", "会议强调，要精准扶平，切实把各项工作落到实处。"),
               Post("2", "2020-05-20T10:30:00+08:00",
                    "获奖人员：张伟，身份证号442000199003072216。联系电话：13812345678。李娜，身份证号4420001990****2216。"),
               Post("1", "2018-06-01T10:30:00+08:00", "本次工作由市国土资源局牵头。"),
               Post("0", "2019-03-01T10:30:00+08:00", "本次工作由市环境保护局牵头。")});
  AccountCheckResult r = Run(Payload());
  EXPECT_THAT(Kinds(r.account), ElementsAre("abolished_name", "expression_error",
                                            "privacy_id_number", "privacy_mobile"));
  const auto& f = r.account.findings(1);
  EXPECT_EQ(f.text(), "精准扶平");
  EXPECT_EQ(f.indicator(), "account_security");
  EXPECT_EQ(f.source_url(), "http://api.wechat.sim/v1/accounts/gh_1/posts/3");
  EXPECT_EQ(f.date(), "2020-06-28");
  EXPECT_THAT(f.excerpt(), HasSubstr("要精准扶平，"));
  EXPECT_EQ(f.detail(), "correct: 精准扶贫");
  EXPECT_EQ(r.account.findings(0).text(), "环境保护局");  // 2018 国土资源局 was still right
  EXPECT_EQ(r.account.findings(2).indicator(), "account_privacy");
  EXPECT_EQ(r.account.account().content_hits_size(), 4);
}

TEST_F(AccountCheckTest, FiledLate) {
  wechat_.Add(Active("gh_1"), {Post("3", "2020-06-28T10:30:00+08:00")});
  common::v1::TaskPayload p = Payload();
  p.mutable_account()->set_filed_date("2016-05-14");  // 4 days
  AccountCheckResult r = Run(p);
  ASSERT_THAT(Kinds(r.account), ElementsAre("account_filed_late"));
  EXPECT_EQ(r.account.findings(0).detail(), "opened=2016-05-10 filed=2016-05-14 days=4");
  EXPECT_EQ(r.account.findings(0).indicator(), "account_filing");
  p.mutable_account()->set_filed_date("2016-05-13");  // 3 days: in time
  EXPECT_THAT(Kinds(Run(p).account), IsEmpty());
}

TEST_F(AccountCheckTest, ClosedOrDeletedButStillFiled) {
  PlatformAccount a = Active("gh_1");
  a.status = "closed";
  a.closed_date = "2020-03-01";
  a.comments = false;  // not checked any more
  wechat_.Add(a, {Post("3", "2019-01-28T10:30:00+08:00")});
  AccountCheckResult r = Run(Payload());
  ASSERT_THAT(Kinds(r.account), ElementsAre("account_closed_not_deregistered"));
  EXPECT_EQ(r.account.findings(0).date(), "2020-03-01");
  // Deregistered: nothing to report.
  common::v1::TaskPayload p = Payload();
  p.mutable_account()->set_closed_date("2020-03-02");
  EXPECT_THAT(Kinds(Run(p).account), IsEmpty());
  // Deleted (the platform answers 404) and still filed.
  r = Run(Payload("gh_gone"));
  EXPECT_EQ(r.account.status(), common::v1::TARGET_STATUS_ASSESSED);
  EXPECT_THAT(Kinds(r.account), ElementsAre("account_closed_not_deregistered"));
  EXPECT_EQ(r.account.account().platform_state(), "deleted");
}

TEST_F(AccountCheckTest, UnreadablePlatformIsNotAssessedNeverPassedOrFailed) {
  wechat_.Add(Active("gh_1"), {Post("3", "2020-01-28T10:30:00+08:00")});
  wechat_.FailWith(absl::UnavailableError("wechat account gh_1: HTTP 503"));
  AccountCheckResult r = Run(Payload());
  EXPECT_EQ(r.account.status(), common::v1::TARGET_STATUS_NOT_ASSESSED);
  EXPECT_THAT(r.account.not_assessed_reason(), HasSubstr("platform_unavailable"));
  EXPECT_THAT(r.account.findings(), IsEmpty());
  EXPECT_TRUE(IsTransient(r.status));
  EXPECT_FALSE(r.unit.has_value());

  wechat_.FailWith(absl::DataLossError("wechat posts of gh_1: malformed JSON"));
  r = Run(Payload());
  EXPECT_EQ(r.account.status(), common::v1::TARGET_STATUS_NOT_ASSESSED);
  EXPECT_THAT(r.account.not_assessed_reason(), HasSubstr("platform_malformed"));
  EXPECT_FALSE(IsTransient(r.status));
}

TEST_F(AccountCheckTest, PagingThatRepeatsIsNotAssessed) {
  std::vector<PlatformPost> posts;
  for (int i = 0; i < 250; ++i) posts.push_back(Post(std::to_string(1000 - i), "2020-06-28T10:30:00+08:00"));
  wechat_.Add(Active("gh_1"), posts);
  options_.posts_page_size = 100;
  AccountCheckResult ok = Run(Payload());
  EXPECT_EQ(ok.account.account().posts_read(), 250);
  wechat_.RepeatPages(true);
  AccountCheckResult r = Run(Payload());
  EXPECT_EQ(r.account.status(), common::v1::TARGET_STATUS_NOT_ASSESSED);
  EXPECT_THAT(r.account.not_assessed_reason(), HasSubstr("repeats"));
  EXPECT_EQ(r.status.code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(AccountCheckTest, NoAdapterForThePlatform) {
  common::v1::TaskPayload p = Payload();
  p.mutable_account()->set_platform(common::v1::PLATFORM_APP);
  AccountCheckResult r = Run(p);
  EXPECT_EQ(r.account.status(), common::v1::TARGET_STATUS_NOT_ASSESSED);
  EXPECT_THAT(r.account.not_assessed_reason(), HasSubstr("no platform adapter"));
}

TEST_F(AccountCheckTest, UnitSearchFindsUnfiledAndDuplicateAccounts) {
  wechat_.Add(Active("gh_1"), {Post("3", "2020-06-28T10:30:00+08:00")});
  PlatformAccount second = Active("gh_2");
  second.name = "黄圃镇服务号";
  wechat_.Add(second);
  // Same search words, another unit: not this unit's.
  wechat_.Add(Active("gh_3", "中山市黄圃镇人民政府办公室"));
  PlatformAccount wb = Active("5550001");
  wb.platform = "weibo";
  wb.url = "http://api.weibo.sim/v1/accounts/5550001";
  wb.status = "closed";
  weibo_.Add(wb);
  AccountCheckResult r = Run(Payload());
  ASSERT_TRUE(r.unit.has_value());
  ASSERT_THAT(Kinds(*r.unit), ElementsAre("account_duplicate_platform", "account_unfiled",
                                          "account_unfiled"));
  EXPECT_EQ(r.unit->findings(0).detail(), "wechat");
  EXPECT_EQ(r.unit->findings(0).indicator(), "account_consolidation");
  EXPECT_EQ(r.unit->findings(1).url(), "http://api.weibo.sim/v1/accounts/5550001");
  EXPECT_EQ(r.unit->findings(1).detail(), "weibo");
  EXPECT_EQ(r.unit->findings(2).text(), "黄圃镇服务号");
  EXPECT_EQ(r.account.account().unit_accounts_found(), 3);
}

TEST_F(AccountCheckTest, OnlyTheUnitsFirstAccountSearches) {
  wechat_.Add(Active("gh_1"), {Post("3", "2020-06-28T10:30:00+08:00")});
  common::v1::TaskPayload p = Payload();
  common::v1::Account other = p.account();
  other.set_name("accounts/zs-hpz-dy");  // sorts before zs-hpz-wx
  *p.add_unit_accounts() = other;
  EXPECT_FALSE(SearchesUnit(p));
  EXPECT_FALSE(Run(p).unit.has_value());
}

TEST_F(AccountCheckTest, BadTask) {
  common::v1::TaskPayload p = Payload();
  p.set_as_of("2020-02-30");
  AccountCheckResult r = Run(p);
  EXPECT_EQ(r.account.status(), common::v1::TARGET_STATUS_NOT_ASSESSED);
  EXPECT_THAT(r.account.not_assessed_reason(), HasSubstr("as_of"));
}

}  // namespace
}  // namespace govinspect::newmedia
