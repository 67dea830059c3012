#include "services/newmedia/newmedia_service.h"

#include <grpcpp/grpcpp.h>

#include <atomic>

#include "common/concurrency/bounded_executor.h"
#include "common/grpc/auth.h"
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

// CheckAccount with bad requests (docs/bad-input.md): checked before the registry is read.
TEST(NewMediaServiceTest, CheckAccountRejectsBadNamesDatesAndTokens) {
  std::atomic<int> checks{0};
  CheckAccountBackend backend;
  backend.registry = [] { return Registry(); };
  backend.check = [&checks](const common::v1::TaskPayload& p) {
    checks++;
    AccountCheckResult r;
    r.account.set_target(p.account().name());
    r.account.set_status(common::v1::TARGET_STATUS_ASSESSED);
    return r;
  };
  backend.today = [] { return absl::CivilDay(2020, 6, 30); };
  common::BoundedExecutor executor("check", 1, 4);
  common::RpcAuthorizer auth("t0k");
  NewMediaServiceImpl service(&executor, &auth, backend);
  grpc::ServerBuilder builder;
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  auto stub = v1::NewMediaService::NewStub(server->InProcessChannel(grpc::ChannelArguments()));
  auto call = [&](const std::string& account, const std::string& as_of,
                  const std::string& token = "t0k") {
    grpc::ClientContext ctx;
    common::AddBearerToken(&ctx, token);
    v1::CheckAccountRequest req;
    req.set_account(account);
    req.set_as_of(as_of);
    v1::CheckAccountResponse resp;
    return stub->CheckAccount(&ctx, req, &resp);
  };
  grpc::Status s = call("accounts/zs-hpz-wx", "", "");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  for (const std::string name : {"zs-hpz-wx", "accounts/", "accounts/zs-hpz-wx/posts", ""}) {
    s = call(name, "2020-06-30");
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << name;
    EXPECT_EQ(s.error_message(), "account \"" + name + "\": want accounts/{account}");
  }
  s = call("accounts/zs-hpz-wx", "2020-02-30");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "as_of: \"2020-02-30\" is not a real date");
  s = call("accounts/zs-hpz-wx", "30/06/2020");
  EXPECT_EQ(s.error_message(), "as_of: \"30/06/2020\" is not a YYYY-MM-DD date");
  EXPECT_EQ(checks.load(), 0);
  s = call("accounts/none", "2020-06-30");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(s.error_message(), "accounts/none is not in the registry");
  s = call("accounts/zs-hpz-wx", "");  // as_of defaults to today
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(checks.load(), 1);
  server->Shutdown(std::chrono::system_clock::now());
  executor.Shutdown();
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
