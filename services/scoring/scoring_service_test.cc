// ScoringService against a real redis-server: ScoreRound, RescoreRound, GetScoring,
// GetScorecard, ListScorecards (filters, paging), rulesets, auth and the errors.

#include <grpcpp/grpcpp.h>

#include <fstream>
#include <memory>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/grpc/auth.h"
#include "common/redis/observation_store.h"
#include "common/testing/redis_server.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "govinspect/common/v1/registry.pb.h"
#include "govinspect/coordinator/v1/round_service.pb.h"
#include "services/scoring/scoring_server.h"

namespace govinspect::scoring {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kToken[] = "test-token";

common::v1::Finding F(const std::string& kind, const std::string& detail = "",
                      const std::string& url = "") {
  common::v1::Finding f;
  f.set_kind(kind);
  f.set_detail(detail);
  f.set_url(url);
  return f;
}

class ScoringServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis_.Start().ok());
    conn_ = std::make_unique<common::RedisConnection>(redis_.connection_options());
    ScoringServerOptions o;
    o.server.service_name = "scoring";
    o.server.listen_address = "127.0.0.1:0";
    o.redis = redis_.connection_options();
    o.api_token = kToken;
    o.rulesets_dir = std::string(GOVINSPECT_SOURCE_DIR) + "/rulesets";
    ASSERT_TRUE(server_.BuildAndStart(o).ok());
    stub_ = v1::ScoringService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", server_.port()), grpc::InsecureChannelCredentials()));
  }

  // A round in `state` with 2 units, 3 sites, 2 accounts and their observations.
  void PutRound(const std::string& id, coordinator::v1::Round::State state) {
    coordinator::v1::Round round;
    round.set_name("rounds/" + id);
    round.set_state(state);
    round.set_as_of("2020-06-30");
    round.set_ruleset("gov-2019");
    common::v1::Registry reg;
    for (const char* u : {"a", "b"}) {
      auto* unit = reg.add_units();
      unit->set_name(absl::StrCat("units/", u));
      unit->set_display_name(absl::StrCat("单位", u));
      unit->set_public_service(true);
    }
    auto site = [&](const std::string& name, const std::string& unit, bool portal) {
      auto* s = reg.add_sites();
      s->set_name(name);
      s->set_unit(unit);
      s->set_home_url("http://x.gov.cn/");
      s->set_kind(portal ? common::v1::SITE_KIND_PORTAL : common::v1::SITE_KIND_DEPARTMENT);
    };
    site("sites/a-portal", "units/a", true);
    site("sites/a-dept", "units/a", false);
    site("sites/b-dept", "units/b", false);
    for (const char* a : {"accounts/a-wx", "accounts/b-wx"}) {
      auto* acc = reg.add_accounts();
      acc->set_name(a);
      acc->set_unit(absl::StartsWith(a, "accounts/a") ? "units/a" : "units/b");
    }
    ASSERT_TRUE(conn_->Command({"HSET", absl::StrCat("govinspect:round:", id, ":meta"), "state",
                                absl::StrCat(static_cast<int>(state)), "blob",
                                round.SerializeAsString()})
                    .ok());
    ASSERT_TRUE(conn_->Command({"SET", absl::StrCat("govinspect:round:", id, ":registry"),
                                reg.SerializeAsString()})
                    .ok());
    common::ObservationStore store(conn_.get());
    auto put = [&](const std::string& target, const std::string& unit,
                   std::vector<common::v1::Finding> findings, bool assessed = true) {
      common::v1::Observation o;
      o.set_round(round.name());
      o.set_target(target);
      o.set_unit(unit);
      o.set_status(assessed ? common::v1::TARGET_STATUS_ASSESSED
                            : common::v1::TARGET_STATUS_NOT_ASSESSED);
      for (auto& f : findings) *o.add_findings() = f;
      ASSERT_TRUE(store.Put(id, o).ok());
    };
    put("sites/a-portal", "units/a", {F("no_search"), F("no_viewport")});
    put("sites/a-dept", "units/a", {F("site_unreachable", "failure_ratio=0.2000")});
    put("sites/b-dept", "units/b", {}, /*assessed=*/false);
    put("accounts/a-wx", "units/a", {});
    put("accounts/b-wx", "units/b", {F("account_no_interaction")});
  }

  grpc::Status Score(const std::string& round, v1::Scoring* out, bool rescore = false,
                     const std::string& token = kToken, const std::string& ruleset = "") {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    common::AddBearerToken(&ctx, token);
    if (rescore) {
      v1::RescoreRoundRequest req;
      req.set_round(round);
      req.set_ruleset(ruleset);
      return stub_->RescoreRound(&ctx, req, out);
    }
    v1::ScoreRoundRequest req;
    req.set_round(round);
    req.set_ruleset(ruleset);
    return stub_->ScoreRound(&ctx, req, out);
  }

  grpc::Status List(const v1::ListScorecardsRequest& req, v1::ListScorecardsResponse* out) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return stub_->ListScorecards(&ctx, req, out);
  }

  std::vector<std::string> Targets(const v1::ListScorecardsRequest& req) {
    v1::ListScorecardsResponse resp;
    grpc::Status s = List(req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    std::vector<std::string> out;
    for (const auto& c : resp.scorecards()) out.push_back(c.target());
    return out;
  }

  govinspect::testing::RedisServer redis_;
  std::unique_ptr<common::RedisConnection> conn_;
  ScoringServer server_;
  std::unique_ptr<v1::ScoringService::Stub> stub_;
};

TEST_F(ScoringServiceTest, ScoreListGetRescore) {
  PutRound("r1", coordinator::v1::Round::SCORING);
  v1::Scoring scoring;
  grpc::Status s = Score("rounds/r1", &scoring);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(scoring.name(), "rounds/r1/scorings/gov-2019");
  EXPECT_EQ(scoring.scorecard_count(), 5);
  EXPECT_EQ(scoring.sites().passed(), 1);        // the portal (95 points)
  EXPECT_EQ(scoring.sites().failed(), 1);        // unreachable
  EXPECT_EQ(scoring.sites().not_assessed(), 1);  // excluded from the rate
  EXPECT_DOUBLE_EQ(scoring.site_pass_rate(), 0.5);
  EXPECT_DOUBLE_EQ(scoring.account_pass_rate(), 0.5);
  EXPECT_EQ(scoring.generation(), 1);

  // Idempotent: ScoreRound again returns the stored scoring.
  v1::Scoring again;
  ASSERT_TRUE(Score("rounds/r1", &again).ok());
  EXPECT_EQ(again.SerializeAsString(), scoring.SerializeAsString());

  // Filters.
  v1::ListScorecardsRequest req;
  req.set_parent("rounds/r1");
  EXPECT_THAT(Targets(req), ElementsAre("accounts/a-wx", "accounts/b-wx", "sites/a-dept",
                                        "sites/a-portal", "sites/b-dept"));
  req.set_unit("units/a");
  EXPECT_THAT(Targets(req), ElementsAre("accounts/a-wx", "sites/a-dept", "sites/a-portal"));
  req.set_verdict(v1::Scorecard::FAIL);
  EXPECT_THAT(Targets(req), ElementsAre("sites/a-dept"));
  req.Clear();
  req.set_parent("rounds/r1/scorings/gov-2019");
  req.set_target_type(v1::TARGET_TYPE_ACCOUNT);
  EXPECT_THAT(Targets(req), ElementsAre("accounts/a-wx", "accounts/b-wx"));
  req.Clear();
  req.set_parent("rounds/r1");
  req.set_indicator("site_deduct_search");
  EXPECT_THAT(Targets(req), ElementsAre("sites/a-portal"));

  // Paging: 2 + 2 + 1.
  req.Clear();
  req.set_parent("rounds/r1");
  req.set_page_size(2);
  std::vector<std::string> all;
  for (int pages = 0; pages < 10; ++pages) {
    v1::ListScorecardsResponse resp;
    ASSERT_TRUE(List(req, &resp).ok());
    EXPECT_EQ(resp.total_size(), 5);
    for (const auto& c : resp.scorecards()) all.push_back(c.target());
    if (resp.next_page_token().empty()) break;
    req.set_page_token(resp.next_page_token());
  }
  EXPECT_EQ(all.size(), 5u);
  // A token of another query is refused.
  req.set_unit("units/b");
  v1::ListScorecardsResponse bad;
  EXPECT_EQ(List(req, &bad).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  // GetScorecard: the explanation and its evidence.
  v1::GetScorecardRequest get;
  get.set_name("rounds/r1/scorings/gov-2019/scorecards/sites~a-portal");
  v1::Scorecard card;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub_->GetScorecard(&ctx, get, &card).ok());
  }
  EXPECT_EQ(card.verdict(), v1::Scorecard::PASS);
  EXPECT_EQ(card.score(), 95);
  EXPECT_EQ(card.deductions_size(), 2);
  get.set_name("rounds/r1/scorecards/sites~a-dept");  // the round's own ruleset
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub_->GetScorecard(&ctx, get, &card).ok());
  }
  EXPECT_EQ(card.verdict(), v1::Scorecard::FAIL);
  ASSERT_EQ(card.vetoes_size(), 1);
  EXPECT_EQ(card.vetoes(0).measured(), 0.2);
  get.set_name("rounds/r1/scorecards/sites~nope");
  {
    grpc::ClientContext ctx;
    EXPECT_EQ(stub_->GetScorecard(&ctx, get, &card).error_code(), grpc::StatusCode::NOT_FOUND);
  }

  // RescoreRound: a new generation with identical scorecards.
  std::map<std::string, std::string> before;
  req.Clear();
  req.set_parent("rounds/r1");
  v1::ListScorecardsResponse first;
  ASSERT_TRUE(List(req, &first).ok());
  for (const auto& c : first.scorecards()) before[c.target()] = c.SerializeAsString();
  v1::Scoring rescored;
  ASSERT_TRUE(Score("rounds/r1", &rescored, /*rescore=*/true).ok());
  EXPECT_EQ(rescored.generation(), 2);
  EXPECT_EQ(rescored.site_pass_rate(), scoring.site_pass_rate());
  v1::ListScorecardsResponse second;
  ASSERT_TRUE(List(req, &second).ok());
  ASSERT_EQ(second.scorecards_size(), 5);
  for (const auto& c : second.scorecards()) EXPECT_EQ(before[c.target()], c.SerializeAsString());

  // Another ruleset: a separate scoring; the first one stays.
  v1::Scoring gd;
  ASSERT_TRUE(Score("rounds/r1", &gd, /*rescore=*/true, kToken, "guangdong-2020").ok());
  EXPECT_EQ(gd.name(), "rounds/r1/scorings/guangdong-2020");
  v1::GetScoringRequest gs;
  gs.set_name("rounds/r1/scorings/gov-2019");
  v1::Scoring got;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub_->GetScoring(&ctx, gs, &got).ok());
  }
  EXPECT_EQ(got.generation(), 2);
}

TEST_F(ScoringServiceTest, Errors) {
  PutRound("running", coordinator::v1::Round::RUNNING);
  PutRound("done", coordinator::v1::Round::DONE);
  v1::Scoring out;
  EXPECT_EQ(Score("rounds/done", &out, false, "").error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Score("rounds/done", &out, true, "wrong").error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Score("rounds/running", &out).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Score("rounds/nosuch", &out).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Score("r1", &out).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  grpc::Status s = Score("rounds/done", &out, false, kToken, "gov-2030");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(s.error_message(), HasSubstr("gov-2019"));
  v1::ListScorecardsRequest req;
  req.set_parent("rounds/done");
  v1::ListScorecardsResponse resp;
  EXPECT_EQ(List(req, &resp).error_code(), grpc::StatusCode::NOT_FOUND);  // not scored yet
  req.set_page_size(-1);
  EXPECT_EQ(List(req, &resp).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(Score("rounds/done", &out).ok());  // DONE rounds can be scored (rescoring)
}

TEST_F(ScoringServiceTest, Rulesets) {
  v1::ListRulesetsResponse list;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub_->ListRulesets(&ctx, v1::ListRulesetsRequest(), &list).ok());
  }
  ASSERT_EQ(list.rulesets_size(), 2);
  EXPECT_EQ(list.rulesets(0).name(), "gov-2019");
  v1::GetRulesetRequest get;
  get.set_name("rulesets/guangdong-2020");
  v1::Ruleset r;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub_->GetRuleset(&ctx, get, &r).ok());
  }
  EXPECT_EQ(r.base(), "gov-2019");
  EXPECT_GT(r.indicators_size(), 20);  // resolved: the base's indicators are there
  get.set_name("nope");
  {
    grpc::ClientContext ctx;
    EXPECT_EQ(stub_->GetRuleset(&ctx, get, &r).error_code(), grpc::StatusCode::NOT_FOUND);
  }
}

TEST(ScoringServerTest, BadRulesetsDirFailsStartup) {
  govinspect::testing::RedisServer redis;
  ASSERT_TRUE(redis.Start().ok());
  govinspect::testing::TempDir dir;
  {
    std::ofstream f(dir.path() + "/broken.textproto");
    f << "name: \"broken\"\nindicators {\n  id: \"x\"\n  kinds: \"y\"\n}\n";
  }
  ScoringServerOptions o;
  o.server.listen_address = "127.0.0.1:0";
  o.redis = redis.connection_options();
  o.rulesets_dir = dir.path();
  ScoringServer server;
  EXPECT_THAT(server.BuildAndStart(o),
              govinspect::testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                            HasSubstr("broken.textproto:4:")));
}

}  // namespace
}  // namespace govinspect::scoring
