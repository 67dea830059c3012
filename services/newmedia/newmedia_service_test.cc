#include "services/newmedia/newmedia_service.h"

#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/newmedia/newmedia_server.h"

namespace govinspect::newmedia {
namespace {

using ::govinspect::testing::StatusIs;
using ::testing::HasSubstr;

common::v1::Registry Registry() {
  common::v1::Registry r;
  auto* u = r.add_units();
  u->set_name("units/zs-hpz");
  u->set_display_name("中山市黄圃镇人民政府");
  for (const char* id : {"accounts/zs-hpz-wx", "accounts/zs-hpz-wb"}) {
    auto* a = r.add_accounts();
    a->set_name(id);
    a->set_unit("units/zs-hpz");
  }
  auto* other = r.add_accounts();
  other->set_name("accounts/zs-jrj-wx");
  other->set_unit("units/zs-jrj");
  return r;
}

TEST(NewMediaServiceTest, PayloadCarriesTheUnitAndItsAccounts) {
  auto p = PayloadFromRegistry(Registry(), "accounts/zs-hpz-wx", absl::CivilDay(2020, 6, 30));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->as_of(), "2020-06-30");
  EXPECT_EQ(p->units_size(), 1);
  EXPECT_EQ(p->unit_accounts_size(), 2);
  EXPECT_THAT(PayloadFromRegistry(Registry(), "accounts/none", absl::CivilDay(2020, 6, 30)),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST(NewMediaServiceTest, TransientPlatformFailureIsUnavailableOtherwiseAnObservation) {
  CheckAccountBackend backend;
  backend.registry = [] { return Registry(); };
  absl::Status next = absl::UnavailableError("HTTP 503");
  backend.check = [&](const common::v1::TaskPayload& p) {
    AccountCheckResult r;
    r.account.set_target(p.account().name());
    r.status = next;
    r.account.set_status(next.ok() ? common::v1::TARGET_STATUS_ASSESSED
                                   : common::v1::TARGET_STATUS_NOT_ASSESSED);
    return r;
  };
  const absl::CivilDay day(2020, 6, 30);
  EXPECT_THAT(CheckAccountFromRegistry(backend, "accounts/zs-hpz-wx", day),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("cannot be read")));
  next = absl::DataLossError("malformed JSON");
  auto resp = CheckAccountFromRegistry(backend, "accounts/zs-hpz-wx", day);
  ASSERT_TRUE(resp.ok()) << resp.status();
  EXPECT_EQ(resp->observation().status(), common::v1::TARGET_STATUS_NOT_ASSESSED);
  backend.registry = []() -> absl::StatusOr<common::v1::Registry> {
    return absl::FailedPreconditionError("no registry has been imported yet");
  };
  EXPECT_THAT(CheckAccountFromRegistry(backend, "accounts/zs-hpz-wx", day),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST(NewMediaServerTest, PlatformApiFlag) {
  auto m = ParsePlatformApi(kDefaultPlatformApi);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->size(), 4u);
  EXPECT_EQ(m->at("weibo"), "http://api.weibo.sim");
  auto n = ParsePlatformApi("wechat=https://wx.example.org/api, app=none");
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(n->at("app"), "none");
  EXPECT_THAT(ParsePlatformApi("myspace=http://x"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParsePlatformApi("wechat=ftp://x"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParsePlatformApi("wechat"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParsePlatformApi("wechat=none,wechat=none"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("twice")));
}

}  // namespace
}  // namespace govinspect::newmedia
