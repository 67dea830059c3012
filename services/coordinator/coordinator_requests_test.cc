// The coordinator's RPCs with bad requests (docs/bad-input.md): resource names, page tokens and
// sizes, empty bundles, rounds that cannot be created. Against a private redis-server.
#include <grpcpp/grpcpp.h>

#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/grpc/auth.h"
#include "common/testing/redis_server.h"
#include "common/testing/status_matchers.h"
#include "govinspect/coordinator/v1/registry_service.grpc.pb.h"
#include "govinspect/coordinator/v1/round_service.grpc.pb.h"
#include "gtest/gtest.h"
#include "services/coordinator/coordinator_server.h"

namespace govinspect::coordinator {
namespace {

using ::govinspect::testing::IsOk;

constexpr char kToken[] = "requests-test-token";

class CoordinatorRequestsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_THAT(redis_.Start(), IsOk());
    CoordinatorServerOptions o;
    o.server.service_name = "coordinator";
    o.server.listen_address = "127.0.0.1:0";
    o.server.shutdown_grace = absl::Seconds(1);
    o.redis = redis_.connection_options();
    o.api_token = kToken;
    ASSERT_THAT(server_.BuildAndStart(o), IsOk());
    auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_.port()),
                                       grpc::InsecureChannelCredentials());
    registry_ = v1::RegistryService::NewStub(channel);
    rounds_ = v1::RoundService::NewStub(channel);
  }
  void TearDown() override { server_.Shutdown(); }

  std::unique_ptr<grpc::ClientContext> Ctx() {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    common::AddBearerToken(ctx.get(), kToken);
    return ctx;
  }

  grpc::Status ImportExample() {
    v1::ImportRegistryRequest req;
    for (const char* name : {"units.csv", "sites.csv", "accounts.csv", "portals.csv"}) {
      std::ifstream in(std::string(GOVINSPECT_SOURCE_DIR) + "/docs/examples/registry/" + name);
      std::stringstream ss;
      ss << in.rdbuf();
      auto* f = req.add_files();
      f->set_file_name(name);
      f->set_content(ss.str());
    }
    v1::ImportRegistryResponse resp;
    return registry_->ImportRegistry(Ctx().get(), req, &resp);
  }

  testing::RedisServer redis_;
  CoordinatorServer server_;
  std::unique_ptr<v1::RegistryService::Stub> registry_;
  std::unique_ptr<v1::RoundService::Stub> rounds_;
};

TEST_F(CoordinatorRequestsTest, BadNamesPagesAndBundles) {
  v1::ImportRegistryRequest empty;
  v1::ImportRegistryResponse imported;
  grpc::Status s = registry_->ImportRegistry(Ctx().get(), empty, &imported);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "files: the bundle is empty");
  ASSERT_TRUE(ImportExample().ok());

  common::v1::Unit unit;
  for (const std::string name : {"zs-gov", "units/", "sites/zs-portal", ""}) {
    v1::GetUnitRequest req;
    req.set_name(name);
    s = registry_->GetUnit(Ctx().get(), req, &unit);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << name;
    EXPECT_EQ(s.error_message(), "name \"" + name + "\": want units/{id}");
  }
  v1::GetSiteRequest site_req;
  site_req.set_name("sites/nowhere");
  common::v1::Site site;
  s = registry_->GetSite(Ctx().get(), site_req, &site);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(s.error_message(), "sites/nowhere does not exist");

  v1::ListUnitsRequest list;
  v1::ListUnitsResponse units;
  list.set_page_size(-1);
  s = registry_->ListUnits(Ctx().get(), list, &units);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "page_size -1 is negative");
  list.set_page_size(0);
  list.set_page_token("!!not-a-token!!");
  s = registry_->ListUnits(Ctx().get(), list, &units);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(),
            "page_token is not valid (or the registry was re-imported: start again)");

  v1::Round round;
  v1::GetRoundRequest get;
  get.set_name("2020q2");
  s = rounds_->GetRound(Ctx().get(), get, &round);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "name \"2020q2\": want rounds/{round}");
  get.set_name("rounds/Bad_Id");
  s = rounds_->GetRound(Ctx().get(), get, &round);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "name \"rounds/Bad_Id\": bad round id");
  get.set_name("rounds/none");
  s = rounds_->GetRound(Ctx().get(), get, &round);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(s.error_message(), "rounds/none does not exist");
}

TEST_F(CoordinatorRequestsTest, RoundsThatCannotBeCreated) {
  v1::Round round;
  v1::CreateRoundRequest req;
  grpc::Status s = rounds_->CreateRound(Ctx().get(), req, &round);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "round: required");
  req.mutable_round()->set_as_of("2020-06-30");
  s = rounds_->CreateRound(Ctx().get(), req, &round);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(s.error_message(),
            "the registry is empty: import one first (govinspect registry import DIR)");
  ASSERT_TRUE(ImportExample().ok());
  req.mutable_round()->set_as_of("2020-13-01");
  s = rounds_->CreateRound(Ctx().get(), req, &round);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "round.as_of \"2020-13-01\": want a date YYYY-MM-DD");
  req.mutable_round()->set_as_of("2020-06-30");
  req.set_round_id("Bad_Id");
  s = rounds_->CreateRound(Ctx().get(), req, &round);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(),
            "round_id \"Bad_Id\": lowercase letters, digits and '-', at most 63 characters");
  req.set_round_id("");
  req.mutable_round()->mutable_scope()->add_units("units/none");
  s = rounds_->CreateRound(Ctx().get(), req, &round);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "round.scope.units: unknown unit \"units/none\"");
  v1::ListRoundsRequest list;
  v1::ListRoundsResponse rounds;
  ASSERT_TRUE(rounds_->ListRounds(Ctx().get(), list, &rounds).ok());
  EXPECT_EQ(rounds.rounds_size(), 0);  // nothing was created
}

}  // namespace
}  // namespace govinspect::coordinator
