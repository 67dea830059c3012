// DataOpenService.CheckPortal with bad requests (docs/bad-input.md), in process with a fake
// backend: the token, the portal name, the date and the units are checked before the registry
// is read or the portal is asked anything.
#include "services/dataopen/dataopen_service.h"

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <string>

#include "common/concurrency/bounded_executor.h"
#include "common/grpc/auth.h"
#include "gtest/gtest.h"

namespace govinspect::dataopen {
namespace {

common::v1::Registry Registry() {
  common::v1::Registry r;
  auto* u = r.add_units();
  u->set_name("units/zs-gov");
  u->set_open_data_org("zs-gov");
  auto* p = r.add_portals();
  p->set_name("portals/kf");
  p->set_api_url("http://data.zs.gov.cn/");
  return r;
}

TEST(DataOpenServiceTest, CheckPortalRejectsBadNamesDatesUnitsAndTokens) {
  std::atomic<int> checks{0};
  CheckPortalBackend backend;
  backend.registry = [] { return Registry(); };
  backend.check = [&checks](const common::v1::Portal& portal,
                            const std::vector<common::v1::Unit>& units,
                            absl::CivilDay) -> absl::StatusOr<v1::CheckPortalResponse> {
    checks++;
    v1::CheckPortalResponse resp;
    resp.add_observations()->set_target(portal.name());
    for (const auto& u : units) resp.add_observations()->set_target(u.name());
    return resp;
  };
  backend.today = [] { return absl::CivilDay(2020, 6, 30); };
  common::BoundedExecutor executor("check", 1, 4);
  common::RpcAuthorizer auth("t0k");
  DataOpenServiceImpl service(&executor, &auth, backend);
  grpc::ServerBuilder builder;
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  auto stub = v1::DataOpenService::NewStub(server->InProcessChannel(grpc::ChannelArguments()));
  auto call = [&](const v1::CheckPortalRequest& req, v1::CheckPortalResponse* resp,
                  const std::string& token = "t0k") {
    grpc::ClientContext ctx;
    common::AddBearerToken(&ctx, token);
    return stub->CheckPortal(&ctx, req, resp);
  };
  v1::CheckPortalResponse resp;
  v1::CheckPortalRequest req;
  req.set_portal("portals/kf");
  grpc::Status s = call(req, &resp, "wrong");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(s.error_message(), "the API token is not valid");
  for (const std::string name : {"kf", "portals/", "portals/kf/datasets", ""}) {
    v1::CheckPortalRequest bad;
    bad.set_portal(name);
    s = call(bad, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << name;
    EXPECT_EQ(s.error_message(), "portal \"" + name + "\": want portals/{portal}");
  }
  v1::CheckPortalRequest bad_day = req;
  bad_day.set_as_of("2020-13-01");
  s = call(bad_day, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "as_of: \"2020-13-01\" is not a YYYY-MM-DD date");
  v1::CheckPortalRequest bad_unit = req;
  bad_unit.add_units()->set_name("zs-gov");
  s = call(bad_unit, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "units: \"zs-gov\": want units/{unit}");
  EXPECT_EQ(checks.load(), 0);
  v1::CheckPortalRequest unknown;
  unknown.set_portal("portals/nowhere");
  s = call(unknown, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(s.error_message(), "portals/nowhere is not in the registry");
  s = call(req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(resp.observations_size(), 2);
  EXPECT_EQ(resp.observations(1).target(), "units/zs-gov");
  EXPECT_EQ(checks.load(), 1);
  server->Shutdown(std::chrono::system_clock::now());
  executor.Shutdown();
}

}  // namespace
}  // namespace govinspect::dataopen
