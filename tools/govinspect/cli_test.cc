#include "tools/govinspect/cli.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/govinspect/format.h"

namespace govinspect::cli {
namespace {

namespace fs = std::filesystem;
namespace v1 = ::govinspect::coordinator::v1;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::string AuthHeader(const grpc::ServerContext* context) {
  const auto& md = context->client_metadata();
  auto it = md.find("authorization");
  return it == md.end() ? "" : std::string(it->second.data(), it->second.size());
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Shared by both fakes: optional token check and call recording.
struct FakeState {
  absl::Mutex mu;
  std::string required_token ABSL_GUARDED_BY(mu);
  std::vector<std::string> auth_seen ABSL_GUARDED_BY(mu);
  std::map<std::string, int> calls ABSL_GUARDED_BY(mu);

  grpc::Status Enter(const grpc::ServerContext* context, const std::string& method) {
    absl::MutexLock lock(&mu);
    ++calls[method];
    const std::string auth = AuthHeader(context);
    auth_seen.push_back(auth);
    if (!required_token.empty() && auth != "Bearer " + required_token) {
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "the API token is not valid");
    }
    return grpc::Status::OK;
  }
  int Calls(const std::string& method) {
    absl::MutexLock lock(&mu);
    return calls[method];
  }
};

class FakeRegistry final : public v1::RegistryService::Service {
 public:
  explicit FakeRegistry(FakeState* state) : state_(state) {}

  grpc::Status ImportRegistry(grpc::ServerContext* context, const v1::ImportRegistryRequest* req,
                              v1::ImportRegistryResponse* resp) override {
    if (auto s = state_->Enter(context, "ImportRegistry"); !s.ok()) return s;
    absl::MutexLock lock(&mu_);
    last_import_ = *req;
    if (!import_error_.ok()) return import_error_;
    resp->set_unit_count(3);
    resp->set_site_count(3);
    resp->set_account_count(3);
    resp->set_portal_count(1);
    for (const auto& f : req->files()) {
      if (f.file_name() == "site_overrides.csv") resp->set_site_override_count(4);
    }
    resp->set_imported(!req->validate_only());
    return grpc::Status::OK;
  }

  // Two pages: a, b | c. Fails UNAVAILABLE `unavailable_` times first.
  grpc::Status ListUnits(grpc::ServerContext* context, const v1::ListUnitsRequest* req,
                         v1::ListUnitsResponse* resp) override {
    if (auto s = state_->Enter(context, "ListUnits"); !s.ok()) return s;
    absl::MutexLock lock(&mu_);
    if (unavailable_ > 0) {
      --unavailable_;
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "redis down");
    }
    auto add = [resp](const std::string& id, const std::string& name) {
      common::v1::Unit* u = resp->add_units();
      u->set_name("units/" + id);
      u->set_display_name(name);
      u->set_kind(common::v1::UNIT_KIND_DEPARTMENT);
      u->set_public_service(true);
    };
    resp->set_total_size(3);
    if (req->page_token().empty()) {
      add("a", "中山市金融工作局");
      add("b", "中山市黄圃镇人民政府");
      resp->set_next_page_token("p2");
    } else if (req->page_token() == "p2") {
      add("c", "中山市人民政府");
    } else {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "bad page_token");
    }
    return grpc::Status::OK;
  }

  void set_import_error(grpc::Status s) {
    absl::MutexLock lock(&mu_);
    import_error_ = std::move(s);
  }
  void set_unavailable(int n) {
    absl::MutexLock lock(&mu_);
    unavailable_ = n;
  }
  v1::ImportRegistryRequest last_import() {
    absl::MutexLock lock(&mu_);
    return last_import_;
  }

 private:
  FakeState* state_;
  absl::Mutex mu_;
  v1::ImportRegistryRequest last_import_ ABSL_GUARDED_BY(mu_);
  grpc::Status import_error_ ABSL_GUARDED_BY(mu_);
  int unavailable_ ABSL_GUARDED_BY(mu_) = 0;
};

v1::Round MakeRound(const std::string& name, v1::Round::State state, int done, int total) {
  v1::Round r;
  r.set_name(name);
  r.set_state(state);
  r.set_as_of("2020-06-30");
  r.set_ruleset("gov-2019");
  v1::TaskProgress* p = r.add_progress();
  p->set_kind(v1::TASK_KIND_CRAWL);
  p->set_total(total);
  p->set_done(done);
  return r;
}

class FakeRounds final : public v1::RoundService::Service {
 public:
  explicit FakeRounds(FakeState* state) : state_(state) {}

  grpc::Status CreateRound(grpc::ServerContext* context, const v1::CreateRoundRequest* req,
                           v1::Round* resp) override {
    if (auto s = state_->Enter(context, "CreateRound"); !s.ok()) return s;
    absl::MutexLock lock(&mu_);
    last_create_ = *req;
    if (!create_error_.ok()) return create_error_;
    *resp = req->round();
    resp->set_name("rounds/" + (req->round_id().empty() ? "gen" : req->round_id()));
    resp->set_state(v1::Round::PENDING);
    return grpc::Status::OK;
  }

  grpc::Status GetRound(grpc::ServerContext* context, const v1::GetRoundRequest* req,
                        v1::Round* resp) override {
    if (auto s = state_->Enter(context, "GetRound"); !s.ok()) return s;
    if (req->name() == "rounds/missing") {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "round rounds/missing does not exist");
    }
    if (req->name() == "rounds/slow") {
      absl::SleepFor(absl::Milliseconds(300));
    }
    *resp = MakeRound(req->name(), v1::Round::DONE, 3, 3);
    return grpc::Status::OK;
  }

  grpc::Status ListRounds(grpc::ServerContext* context, const v1::ListRoundsRequest*,
                          v1::ListRoundsResponse* resp) override {
    if (auto s = state_->Enter(context, "ListRounds"); !s.ok()) return s;
    *resp->add_rounds() = MakeRound("rounds/r2", v1::Round::RUNNING, 1, 4);
    *resp->add_rounds() = MakeRound("rounds/r1", v1::Round::DONE, 4, 4);
    return grpc::Status::OK;
  }

  grpc::Status CancelRound(grpc::ServerContext* context, const v1::CancelRoundRequest* req,
                           v1::Round* resp) override {
    if (auto s = state_->Enter(context, "CancelRound"); !s.ok()) return s;
    *resp = MakeRound(req->name(), v1::Round::CANCELLED, 1, 4);
    return grpc::Status::OK;
  }

  // rounds/ok: RUNNING 0/4, 2/4, DONE 4/4. rounds/bad: RUNNING 1/4, FAILED.
  grpc::Status WatchRound(grpc::ServerContext* context, const v1::WatchRoundRequest* req,
                          grpc::ServerWriter<v1::Round>* writer) override {
    if (auto s = state_->Enter(context, "WatchRound"); !s.ok()) return s;
    if (req->name() == "rounds/ok") {
      writer->Write(MakeRound(req->name(), v1::Round::RUNNING, 0, 4));
      writer->Write(MakeRound(req->name(), v1::Round::RUNNING, 2, 4));
      writer->Write(MakeRound(req->name(), v1::Round::DONE, 4, 4));
      return grpc::Status::OK;
    }
    if (req->name() == "rounds/bad") {
      writer->Write(MakeRound(req->name(), v1::Round::RUNNING, 1, 4));
      v1::Round failed = MakeRound(req->name(), v1::Round::FAILED, 1, 4);
      failed.set_error("redis unreachable");
      writer->Write(failed);
      return grpc::Status::OK;
    }
    // The coordinator going away mid-watch and staying away for five attempts, more than the
    // retries of a read: RUNNING, then UNAVAILABLE ×5, then DONE.
    if (req->name() == "rounds/flaky") {
      const int n = state_->Calls("WatchRound");
      if (n == 1) {
        writer->Write(MakeRound(req->name(), v1::Round::RUNNING, 1, 4));
        return grpc::Status(grpc::StatusCode::UNAVAILABLE, "the coordinator is shutting down");
      }
      if (n <= 6) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "connection refused");
      writer->Write(MakeRound(req->name(), v1::Round::DONE, 4, 4));
      return grpc::Status::OK;
    }
    if (req->name() == "rounds/hang") {  // until the client cancels
      writer->Write(MakeRound(req->name(), v1::Round::RUNNING, 1, 4));
      hang_started_.Notify();
      const absl::Time give_up = absl::Now() + absl::Seconds(10);
      while (!context->IsCancelled() && absl::Now() < give_up)
        absl::SleepFor(absl::Milliseconds(2));
      return grpc::Status::CANCELLED;
    }
    return grpc::Status(grpc::StatusCode::NOT_FOUND, "no such round");
  }

  // Two pages of observations.
  grpc::Status ListObservations(grpc::ServerContext* context,
                                const v1::ListObservationsRequest* req,
                                v1::ListObservationsResponse* resp) override {
    if (auto s = state_->Enter(context, "ListObservations"); !s.ok()) return s;
    if (req->parent() != "rounds/r1") return grpc::Status(grpc::StatusCode::NOT_FOUND, "none");
    if (req->page_token().empty()) {
      common::v1::Observation* o = resp->add_observations();
      o->set_round("rounds/r1");
      o->set_target("sites/zs-portal");
      o->set_unit("units/zs-gov");
      o->set_status(common::v1::TARGET_STATUS_ASSESSED);
      common::v1::Finding* f = o->add_findings();
      f->set_kind("broken_link");
      f->set_indicator("site_deduct_broken_links");
      f->set_url("http://www.zs.gov.cn/a/404.html");
      f->set_source_url("http://www.zs.gov.cn/");
      f->set_detail("http_404");
      o->mutable_site()->set_pages_crawled(12);
      o->mutable_site()->mutable_home()->set_http_status(200);
      resp->set_next_page_token("next");
    } else {
      common::v1::Observation* o = resp->add_observations();
      o->set_target("accounts/zs-gov-wx");
      o->set_unit("units/zs-gov");
      o->set_status(common::v1::TARGET_STATUS_NOT_ASSESSED);
      o->set_not_assessed_reason("platform_unreadable");
      o->mutable_account()->set_platform_state("正常");
      common::v1::Observation* p = resp->add_observations();
      p->set_target("units/zs-jrj");
      p->set_unit("units/zs-jrj");
      p->set_status(common::v1::TARGET_STATUS_ASSESSED);
    }
    return grpc::Status::OK;
  }

  void set_create_error(grpc::Status s) {
    absl::MutexLock lock(&mu_);
    create_error_ = std::move(s);
  }
  absl::Notification& hang_started() { return hang_started_; }
  v1::CreateRoundRequest last_create() {
    absl::MutexLock lock(&mu_);
    return last_create_;
  }

 private:
  FakeState* state_;
  absl::Mutex mu_;
  v1::CreateRoundRequest last_create_ ABSL_GUARDED_BY(mu_);
  grpc::Status create_error_ ABSL_GUARDED_BY(mu_);
  absl::Notification hang_started_;
};

// The scoring service: one scored round rounds/r1 (gov-2019) with a failed and a scored site.
namespace sv1 = ::govinspect::scoring::v1;
class FakeScoring final : public sv1::ScoringService::Service {
 public:
  explicit FakeScoring(FakeState* state) : state_(state) {}

  static sv1::Scorecard Failed() {
    sv1::Scorecard c;
    c.set_name("rounds/r1/scorings/gov-2019/scorecards/sites~zs-jrj-site");
    c.set_target("sites/zs-jrj-site");
    c.set_unit("units/zs-jrj");
    c.set_display_name("中山市金融工作局网站");
    c.set_target_type(sv1::TARGET_TYPE_DEPARTMENT_SITE);
    c.set_ruleset("gov-2019");
    c.set_verdict(sv1::Scorecard::FAIL);
    c.set_reason("单项否决：栏目不更新");
    sv1::RuleHit* h = c.add_vetoes();
    h->set_indicator("columns_not_updated");
    h->set_indicator_name("栏目不更新");
    h->set_rule("c");
    h->set_rule_description("空白栏目超过（含）5个");
    h->set_count(6);
    h->set_measured(-1);
    for (int i = 0; i < 6; ++i) {
      common::v1::Finding* f = h->add_evidence();
      f->set_kind("blank_column");
      f->set_url(absl::StrCat("http://jrj.zs.gov.cn/col", i, "/"));
      f->set_text("通知公告");
    }
    return c;
  }
  static sv1::Scorecard Portal() {
    sv1::Scorecard c;
    c.set_target("sites/zs-gov-site");
    c.set_unit("units/zs-gov");
    c.set_target_type(sv1::TARGET_TYPE_PORTAL_SITE);
    c.set_ruleset("gov-2019");
    c.set_verdict(sv1::Scorecard::PASS);
    c.set_scored(true);
    c.set_score(97);
    c.set_base_score(97);
    c.set_deduction_total(3);
    c.set_score_scale(1);
    c.set_reason("得分 97.0（扣 3.0 分）");
    sv1::RuleHit* h = c.add_deductions();
    h->set_indicator("site_deduct_search");
    h->set_indicator_name("无站内搜索");
    h->set_group_name("功能设计");
    h->set_rule("a");
    h->set_rule_description("网站未提供站内搜索");
    h->set_points(3);
    h->set_count(1);
    h->set_measured(-1);
    return c;
  }

  grpc::Status ListScorecards(grpc::ServerContext* context, const sv1::ListScorecardsRequest* req,
                              sv1::ListScorecardsResponse* resp) override {
    if (auto s = state_->Enter(context, "ListScorecards"); !s.ok()) return s;
    if (req->parent() != "rounds/r1") return grpc::Status(grpc::StatusCode::NOT_FOUND, "not scored");
    absl::MutexLock lock(&mu_);
    last_list_ = *req;
    // Two pages unless filtered.
    if (req->verdict() == sv1::Scorecard::FAIL) {
      *resp->add_scorecards() = Failed();
    } else if (req->page_token().empty()) {
      *resp->add_scorecards() = Failed();
      resp->set_next_page_token("p2");
    } else {
      *resp->add_scorecards() = Portal();
    }
    return grpc::Status::OK;
  }
  grpc::Status GetScoring(grpc::ServerContext* context, const sv1::GetScoringRequest* req,
                          sv1::Scoring* resp) override {
    if (auto s = state_->Enter(context, "GetScoring"); !s.ok()) return s;
    if (req->name() != "rounds/r1/scorings/gov-2019") {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, req->name() + " does not exist");
    }
    resp->set_name(req->name());
    resp->set_ruleset("gov-2019");
    resp->set_generation(1);
    resp->set_as_of("2020-06-30");
    resp->mutable_sites()->set_passed(1);
    resp->mutable_sites()->set_failed(1);
    resp->set_site_pass_rate(0.5);
    return grpc::Status::OK;
  }
  grpc::Status GetScorecard(grpc::ServerContext* context, const sv1::GetScorecardRequest* req,
                            sv1::Scorecard* resp) override {
    if (auto s = state_->Enter(context, "GetScorecard"); !s.ok()) return s;
    if (req->name() == "rounds/r1/scorecards/sites~zs-jrj-site") {
      *resp = Failed();
      return grpc::Status::OK;
    }
    return grpc::Status(grpc::StatusCode::NOT_FOUND, req->name() + " does not exist");
  }
  grpc::Status RescoreRound(grpc::ServerContext* context, const sv1::RescoreRoundRequest* req,
                            sv1::Scoring* resp) override {
    if (auto s = state_->Enter(context, "RescoreRound"); !s.ok()) return s;
    resp->set_name(req->round() + "/scorings/" + req->ruleset());
    resp->set_ruleset(req->ruleset());
    resp->set_generation(2);
    resp->set_scorecard_count(2);
    resp->mutable_sites()->set_passed(2);
    resp->set_site_pass_rate(1);
    return grpc::Status::OK;
  }
  sv1::ListScorecardsRequest last_list() {
    absl::MutexLock lock(&mu_);
    return last_list_;
  }

 private:
  FakeState* state_;
  absl::Mutex mu_;
  sv1::ListScorecardsRequest last_list_ ABSL_GUARDED_BY(mu_);
};

struct RunResult {
  int code;
  std::string out;
  std::string err;
};

class CliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { grpc::EnableDefaultHealthCheckService(true); }

  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.RegisterService(&registry_);
    builder.RegisterService(&rounds_);
    builder.RegisterService(&scoring_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    channel_ = server_->InProcessChannel(grpc::ChannelArguments());
    std::map<std::string, std::shared_ptr<grpc::ChannelInterface>> channels;
    for (const char* s : kServiceNames) channels[s] = channel_;
    clients_ = std::make_unique<ChannelClients>(std::move(channels));
    tmp_ = fs::path(::testing::TempDir()) /
           absl::StrCat("cli_test_", ::testing::UnitTest::GetInstance()->random_seed(), "_",
                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(tmp_);
    fs::create_directories(tmp_);
  }

  void TearDown() override {
    server_->Shutdown(std::chrono::system_clock::now());
    fs::remove_all(tmp_);
  }

  RunResult Run(const std::vector<std::string>& args,
                const std::map<std::string, std::string>& env = {}, bool tty = false,
                Clients* clients = nullptr) {
    RunResult r;
    absl::StatusOr<Invocation> inv =
        ParseCommandLine(args, [&env](const std::string& name) -> std::optional<std::string> {
          auto it = env.find(name);
          if (it == env.end()) return std::nullopt;
          return it->second;
        });
    if (!inv.ok()) {
      r.code = ExitCodeFor(inv.status());
      r.err = absl::StrCat(inv.status().message(), "\n", UsageFor(args));
      return r;
    }
    Options options = inv->options;
    options.stdout_is_tty = tty;
    options.initial_backoff = absl::Milliseconds(1);
    std::ostringstream out, err;
    Cli cli(options, clients != nullptr ? clients : clients_.get(), out, err);
    r.code = cli.Run(*inv);
    r.out = out.str();
    r.err = err.str();
    return r;
  }

  void SetRequiredToken(const std::string& token) {
    absl::MutexLock lock(&state_.mu);
    state_.required_token = token;
  }
  std::string LastAuth() {
    absl::MutexLock lock(&state_.mu);
    return state_.auth_seen.empty() ? "<none>" : state_.auth_seen.back();
  }

  FakeState state_;
  FakeRegistry registry_{&state_};
  FakeRounds rounds_{&state_};
  FakeScoring scoring_{&state_};
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Clients> clients_;
  fs::path tmp_;
};

const std::string kExampleRegistry = std::string(GOVINSPECT_SOURCE_DIR) + "/docs/examples/registry";

TEST_F(CliTest, RegistryImportSendsTheFiveFiles) {
  RunResult r = Run({"registry", "import", kExampleRegistry});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("已导入：单位 3 个，网站 3 个，新媒体账号 3 个，开放数据平台 1 个，"
                               "网站覆盖规则 4 条\n"));
  v1::ImportRegistryRequest req = registry_.last_import();
  EXPECT_FALSE(req.validate_only());
  std::vector<std::string> names;
  for (const auto& f : req.files()) {
    names.push_back(f.file_name());
    EXPECT_EQ(f.content(), ReadFile(kExampleRegistry + "/" + f.file_name())) << f.file_name();
  }
  EXPECT_THAT(names, ElementsAre("units.csv", "sites.csv", "accounts.csv", "portals.csv",
                                 "site_overrides.csv"));
}

TEST_F(CliTest, RegistryImportValidateOnly) {
  RunResult r = Run({"registry", "import", "--validate-only", kExampleRegistry});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(registry_.last_import().validate_only());
  EXPECT_THAT(r.out, HasSubstr("校验通过"));
}

TEST_F(CliTest, RegistryImportPrintsServerErrorsOnInvalidArgument) {
  registry_.set_import_error(
      grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                   "sites.csv:14: field home_url: \"htp://x\" is not an http(s) URL"));
  RunResult r = Run({"registry", "import", kExampleRegistry});
  EXPECT_EQ(r.code, 3);
  EXPECT_THAT(r.err, HasSubstr("未导入"));
  EXPECT_THAT(r.err, HasSubstr("sites.csv:14: field home_url"));
  EXPECT_EQ(r.out, "");
}

TEST_F(CliTest, RegistryImportRejectsUnknownCsvWithoutCalling) {
  fs::copy_file(kExampleRegistry + "/units.csv", tmp_ / "units.csv");
  std::ofstream(tmp_ / "site.csv") << "site_id\n";
  std::ofstream(tmp_ / "README.txt") << "not a csv\n";
  RunResult r = Run({"registry", "import", tmp_.string()});
  EXPECT_EQ(r.code, 3);
  EXPECT_THAT(r.err, HasSubstr("site.csv"));
  EXPECT_EQ(state_.Calls("ImportRegistry"), 0);
}

TEST_F(CliTest, RegistryImportOfOnlyUnitsSendsOneFile) {
  fs::copy_file(kExampleRegistry + "/units.csv", tmp_ / "units.csv");
  RunResult r = Run({"registry", "import", tmp_.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(registry_.last_import().files_size(), 1);
  EXPECT_EQ(registry_.last_import().files(0).file_name(), "units.csv");
  // No overrides, no mention of them.
  EXPECT_THAT(r.out, Not(HasSubstr("覆盖规则")));
}

TEST_F(CliTest, RegistryImportOfMissingDirectoryIsNotFound) {
  RunResult r = Run({"registry", "import", (tmp_ / "nope").string()});
  EXPECT_EQ(r.code, 4);
  EXPECT_EQ(state_.Calls("ImportRegistry"), 0);
}

TEST_F(CliTest, BadUsageExitsTwo) {
  const std::vector<std::vector<std::string>> cases = {
      {},
      {"bogus"},
      {"round"},
      {"round", "frobnicate"},
      {"round", "get"},
      {"round", "get", "r1", "r2"},
      {"round", "start"},
      {"round", "start", "--as-of", "2020-02-30"},
      {"round", "start", "--as-of", "2020-06-30", "--kinds", "crawl,bogus"},
      {"round", "start", "--as-of", "2020-06-30", "--id", "Not_A_Label"},
      {"round", "get", "r1", "--unit", "x"},
      {"round", "get", "r1", "--nope"},
      {"round", "get", "r1", "--deadline"},
      {"--output", "yaml", "round", "list"},
      {"--deadline", "soon", "round", "list"},
      {"--deadline=-1s", "round", "list"},
      {"registry", "list", "things"},
      {"registry", "list", "units", "--unit", "x"},
      {"registry", "list", "sites", "--page-size", "ten"},
      {"round", "export", "r1"},
      {"health", "--service", "nosuch"},
  };
  for (const auto& args : cases) {
    RunResult r = Run(args);
    EXPECT_EQ(r.code, 2) << absl::StrJoin(args, " ") << "\n" << r.err;
    EXPECT_THAT(r.err, HasSubstr("Usage:")) << absl::StrJoin(args, " ");
  }
  EXPECT_EQ(state_.Calls("CreateRound"), 0);
  EXPECT_EQ(state_.Calls("GetRound"), 0);
}

// The message of each usage error names what is wrong (docs/bad-input.md); nothing is called.
TEST_F(CliTest, UsageErrorsSayWhatIsWrong) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{}, "no command given"},
      {{"bogus"}, "unknown command \"bogus\""},
      {{"round"}, "\"round\" needs a command"},
      {{"round", "frobnicate"}, "unknown command \"round frobnicate\""},
      {{"round", "get"}, "\"govinspect round get ROUND\": missing argument ROUND"},
      {{"round", "get", "r1", "r2"}, "unexpected argument \"r2\""},
      {{"round", "get", "r1", "--nope"}, "unknown flag --nope"},
      {{"round", "get", "r1", "--deadline"}, "--deadline needs a value"},
      {{"round", "get", "r1", "--unit", "x"}, "--unit does not apply to \"round get\""},
      {{"round", "list", "--all=maybe"}, "--all takes true or false, got \"maybe\""},
      {{"round", "start", "--as-of", "2020-06-30", "--as-of", "2020-06-30"},
       "--as-of given more than once"},
      {{"--output", "yaml", "round", "list"}, "--output must be text or json, got \"yaml\""},
      {{"--deadline", "soon", "round", "list"},
       "--deadline must be a positive duration like 10s or 500ms, got \"soon\""},
      {{"round", "export", "r1"}, "\"round export\" needs -o FILE"},
      {{"round", "start"}, "\"round start\" needs --as-of YYYY-MM-DD"},
  };
  for (const auto& [args, message] : cases) {
    RunResult r = Run(args);
    EXPECT_EQ(r.code, kExitUsage) << absl::StrJoin(args, " ");
    EXPECT_THAT(r.err, StartsWith(message + "\n")) << absl::StrJoin(args, " ");
  }
  // Checked by the command, after parsing: "govinspect: <message>", the group's usage, exit 2.
  const std::vector<std::pair<std::vector<std::string>, std::string>> command_cases = {
      {{"round", "start", "--as-of", "2020-02-30"},
       "--as-of must be a date YYYY-MM-DD, got \"2020-02-30\""},
      {{"round", "start", "--as-of", "2020-06-30", "--kinds", "crawl,bogus"},
       "--kinds takes crawl, account and portal, got \"bogus\""},
      {{"round", "start", "--as-of", "2020-06-30", "--id", "Not_A_Label"},
       "\"Not_A_Label\" is not a valid rounds id (lowercase letters, digits and '-')"},
      {{"round", "get", "rounds/Bad_Id"},
       "\"rounds/Bad_Id\" is not a valid rounds id (lowercase letters, digits and '-')"},
      {{"registry", "list", "things"},
       "registry list takes units, sites, accounts or portals, got \"things\""},
      {{"registry", "list", "units", "--unit", "x"}, "--unit applies to sites and accounts only"},
      {{"registry", "list", "sites", "--page-size", "ten"},
       "--page-size must be a non-negative integer, got \"ten\""},
      {{"scores", "show", "r1", "zs-jrj-site"},
       "\"zs-jrj-site\" is not a target: want sites/ID, accounts/ID, units/ID or portals/ID"},
      {{"site", "check", "ftp://www.zs.gov.cn/"},
       "site check: \"ftp://www.zs.gov.cn/\" is not an http(s) URL"},
      {{"site", "check", "http://www.zs.gov.cn/", "--as-of", "30/06/2020"},
       "--as-of \"30/06/2020\": want YYYY-MM-DD"},
      {{"health", "--service", "nosuch"}, "--service must be one of "},
  };
  for (const auto& [args, message] : command_cases) {
    RunResult r = Run(args);
    EXPECT_EQ(r.code, kExitUsage) << absl::StrJoin(args, " ");
    EXPECT_THAT(r.err, StartsWith("govinspect: " + message)) << absl::StrJoin(args, " ");
    EXPECT_THAT(r.err, HasSubstr("Usage:")) << absl::StrJoin(args, " ");
  }
  EXPECT_EQ(state_.Calls("CreateRound"), 0);
  EXPECT_EQ(state_.Calls("GetRound"), 0);
  EXPECT_EQ(state_.Calls("ListUnits"), 0);
}

TEST_F(CliTest, RegistryImportWithoutUnitsCsvOrOfAMissingDirectorySendsNothing) {
  fs::copy_file(kExampleRegistry + "/sites.csv", tmp_ / "sites.csv");
  RunResult r = Run({"registry", "import", tmp_.string()});
  EXPECT_EQ(r.code, kExitInvalid);
  EXPECT_EQ(r.err, absl::StrCat("error: 注册表目录 ", tmp_.string(), " 中缺少必需的 units.csv\n"));
  r = Run({"registry", "import", (tmp_ / "nope").string()});
  EXPECT_EQ(r.code, kExitNotFound);
  EXPECT_EQ(r.err,
            absl::StrCat("error: 注册表目录 ", (tmp_ / "nope").string(), " 不存在或不是目录\n"));
  EXPECT_EQ(state_.Calls("ImportRegistry"), 0);
}

TEST_F(CliTest, HelpPrintsUsageAndExitsZero) {
  RunResult r = Run({"--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out,
              AllOf(HasSubstr("govinspect registry import"), HasSubstr("govinspect health")));
  r = Run({"round", "--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, AllOf(HasSubstr("govinspect round watch ROUND"), HasSubstr("--as-of"),
                           Not(HasSubstr("govinspect registry import"))));
  r = Run({"help", "registry"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("govinspect registry list"));
}

TEST_F(CliTest, NotFoundExitsFour) {
  RunResult r = Run({"round", "get", "missing"});
  EXPECT_EQ(r.code, 4);
  EXPECT_THAT(r.err, HasSubstr("does not exist"));
}

TEST_F(CliTest, UnauthenticatedExitsSixAndTokenIsSent) {
  SetRequiredToken("s3cret");
  RunResult r = Run({"round", "cancel", "r1"});
  EXPECT_EQ(r.code, 6);
  EXPECT_THAT(r.err, HasSubstr("--token"));
  EXPECT_EQ(LastAuth(), "");

  r = Run({"round", "cancel", "rounds/r1", "--token", "s3cret"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(LastAuth(), "Bearer s3cret");
  EXPECT_THAT(r.out, HasSubstr("已取消轮次 rounds/r1"));

  r = Run({"round", "cancel", "r1"}, {{"GOVINSPECT_TOKEN", "s3cret"}});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(LastAuth(), "Bearer s3cret");

  // The flag wins over the environment.
  r = Run({"round", "cancel", "r1", "--token=wrong"}, {{"GOVINSPECT_TOKEN", "s3cret"}});
  EXPECT_EQ(r.code, 6);
  EXPECT_EQ(LastAuth(), "Bearer wrong");
}

// A token gRPC cannot carry (CR/LF, a space, a tab, non-ASCII) is a usage error (exit 2) that
// never shows the token; nothing is sent (it used to abort inside gRPC with exit 134).
TEST_F(CliTest, TokenOutsideVisibleAsciiIsAUsageErrorThatNeverPrintsIt) {
  SetRequiredToken("s3cret");
  for (const std::string token : {"s3cret\r\nx-injected: 1", "s3cret\n", " s3cret", "s3c\tret",
                                  "s3cret令牌"}) {
    RunResult r = Run({"round", "cancel", "r1", "--token", token});
    EXPECT_EQ(r.code, 2) << token;
    EXPECT_THAT(r.err, HasSubstr("--token 含有空格、换行、控制字符或非 ASCII 字符"));
    EXPECT_THAT(r.err, Not(HasSubstr("s3c"))) << "the token is printed: " << r.err;
    EXPECT_THAT(r.out, Not(HasSubstr("s3c")));
    r = Run({"round", "cancel", "r1"}, {{"GOVINSPECT_TOKEN", token}});
    EXPECT_EQ(r.code, 2) << token;
    EXPECT_THAT(r.err, HasSubstr("GOVINSPECT_TOKEN 含有"));
    EXPECT_THAT(r.err, Not(HasSubstr("s3c")));
  }
  EXPECT_EQ(LastAuth(), "<none>") << "a call was sent";
}

TEST_F(CliTest, AddressesComeFromFlagsThenEnvThenDefaults) {
  absl::StatusOr<Invocation> inv =
      ParseCommandLine({"health", "--crawler", "10.0.0.1:1"},
                       [](const std::string& name) -> std::optional<std::string> {
                         if (name == "GOVINSPECT_CRAWLER") return "10.0.0.2:2";
                         if (name == "GOVINSPECT_REPORT") return "10.0.0.3:3";
                         return std::nullopt;
                       });
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->options.addresses.at("crawler"), "10.0.0.1:1");
  EXPECT_EQ(inv->options.addresses.at("report"), "10.0.0.3:3");
  EXPECT_EQ(inv->options.addresses.at("coordinator"), "127.0.0.1:50051");
  EXPECT_EQ(inv->options.addresses.at("scoring"), "127.0.0.1:50055");
  EXPECT_EQ(inv->options.deadline, absl::Seconds(10));
}

TEST_F(CliTest, RoundExportWritesTheDocumentedJson) {
  const std::string file = (tmp_ / "export.json").string();
  RunResult r = Run({"round", "export", "r1", "-o", file});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("3 个监测对象"));
  nlohmann::json doc = nlohmann::json::parse(ReadFile(file), nullptr, false);
  ASSERT_FALSE(doc.is_discarded());
  EXPECT_EQ(doc["round"], "rounds/r1");
  EXPECT_EQ(doc["as_of"], "2020-06-30");
  ASSERT_EQ(doc["targets"].size(), 3u);

  const nlohmann::json& site = doc["targets"][0];
  EXPECT_EQ(site["target"], "sites/zs-portal");
  EXPECT_EQ(site["unit"], "units/zs-gov");
  EXPECT_EQ(site["status"], "ASSESSED");
  EXPECT_EQ(site["not_assessed_reason"], "");
  ASSERT_EQ(site["findings"].size(), 1u);
  const nlohmann::json& f = site["findings"][0];
  for (const char* key :
       {"kind", "indicator", "url", "source_url", "text", "excerpt", "date", "detail"}) {
    EXPECT_TRUE(f.contains(key)) << key;
  }
  EXPECT_EQ(f["kind"], "broken_link");
  EXPECT_EQ(f["indicator"], "site_deduct_broken_links");
  EXPECT_EQ(f["url"], "http://www.zs.gov.cn/a/404.html");
  EXPECT_EQ(f["source_url"], "http://www.zs.gov.cn/");
  EXPECT_EQ(f["detail"], "http_404");
  EXPECT_EQ(site["evidence"]["site"]["pages_crawled"], 12);
  EXPECT_EQ(site["evidence"]["site"]["home"]["http_status"], 200);

  const nlohmann::json& account = doc["targets"][1];
  EXPECT_EQ(account["status"], "NOT_ASSESSED");
  EXPECT_EQ(account["not_assessed_reason"], "platform_unreadable");
  EXPECT_EQ(account["evidence"]["account"]["platform_state"], "正常");
  EXPECT_TRUE(account["findings"].is_array());
  EXPECT_TRUE(doc["targets"][2]["evidence"].is_null());

  // Written atomically: nothing but the file is left behind.
  std::vector<std::string> entries;
  for (const auto& e : fs::directory_iterator(tmp_)) entries.push_back(e.path().filename());
  EXPECT_THAT(entries, ElementsAre("export.json"));
  EXPECT_EQ(state_.Calls("ListObservations"), 2);
}

TEST_F(CliTest, RoundExportOfMissingRoundExitsFour) {
  RunResult r = Run({"round", "export", "missing", "-o", (tmp_ / "x.json").string()});
  EXPECT_EQ(r.code, 4);
  EXPECT_FALSE(fs::exists(tmp_ / "x.json"));
}

TEST_F(CliTest, WatchPrintsOneLinePerUpdateAndExitsZeroOnDone) {
  RunResult r = Run({"round", "watch", "ok"});
  EXPECT_EQ(r.code, 0) << r.err;
  std::vector<std::string> lines = absl::StrSplit(r.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 4u) << r.out;
  EXPECT_EQ(lines[0], "rounds/ok RUNNING [..............................] 0/4 crawl 0/4");
  EXPECT_EQ(lines[1], "rounds/ok RUNNING [###############...............] 2/4 crawl 2/4");
  EXPECT_EQ(lines[2], "rounds/ok DONE [##############################] 4/4 crawl 4/4");
  EXPECT_THAT(lines[3], HasSubstr("已完成"));
  EXPECT_THAT(r.out, Not(HasSubstr("\r")));
}

TEST_F(CliTest, WatchExitsOneOnFailed) {
  RunResult r = Run({"round", "watch", "rounds/bad"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.out, HasSubstr("rounds/bad RUNNING"));
  EXPECT_THAT(r.out, HasSubstr("失败：redis unreachable"));
}

TEST_F(CliTest, WatchOnATerminalRedrawsOneLine) {
  RunResult r = Run({"round", "watch", "ok"}, {}, /*tty=*/true);
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("\rrounds/ok RUNNING ["));
  EXPECT_THAT(r.out, HasSubstr("\rrounds/ok DONE ["));
  std::vector<std::string> lines = absl::StrSplit(r.out, '\n', absl::SkipEmpty());
  EXPECT_EQ(lines.size(), 2u) << r.out;  // the progress line, then the result
}

TEST_F(CliTest, InterruptCancelsAWatch) {
  absl::StatusOr<Invocation> inv = ParseCommandLine({"round", "watch", "hang"}, nullptr);
  ASSERT_TRUE(inv.ok()) << inv.status();
  std::ostringstream out, err;
  Cli watching(inv->options, clients_.get(), out, err);
  int code = -1;
  std::thread runner([&] { code = watching.Run(*inv); });
  ASSERT_TRUE(rounds_.hang_started().WaitForNotificationWithTimeout(absl::Seconds(5)));
  EXPECT_TRUE(watching.Interrupt());
  runner.join();
  EXPECT_EQ(code, kExitInterrupted);
  EXPECT_THAT(out.str(), HasSubstr("rounds/hang RUNNING"));
  EXPECT_THAT(err.str(), HasSubstr("已中断"));
}

TEST_F(CliTest, InterruptWithoutAStreamAsksTheCallerToExit) {
  std::ostringstream out, err;
  Cli cli(Options(), clients_.get(), out, err);
  EXPECT_FALSE(cli.Interrupt());
}

TEST_F(CliTest, WatchReconnectsForAsLongAsTheCoordinatorIsAwaySayingSo) {
  RunResult r = Run({"round", "watch", "flaky"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(state_.Calls("WatchRound"), 7);
  EXPECT_THAT(r.out, HasSubstr("rounds/flaky RUNNING"));
  EXPECT_THAT(r.out, HasSubstr("rounds/flaky DONE"));
  EXPECT_THAT(r.err, HasSubstr("协调服务暂时不可用（the coordinator is shutting down），正在重新连接（第 1 次"));
  EXPECT_THAT(r.err, HasSubstr("正在重新连接（第 6 次"));
  EXPECT_THAT(r.err, HasSubstr("已重新连接协调服务"));
}

TEST_F(CliTest, WatchOfMissingRoundExitsFour) {
  EXPECT_EQ(Run({"round", "watch", "nope"}).code, 4);
}

TEST_F(CliTest, RoundStartSendsScopeAndARequestId) {
  RunResult r =
      Run({"round", "start", "--as-of", "2020-06-30", "--id", "2020q2", "--name", "2020年第二季度",
           "--unit", "zs-gov,units/zs-jrj", "--unit", "zs-hpz", "--kinds", "crawl,account"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("rounds/2020q2"));
  v1::CreateRoundRequest req = rounds_.last_create();
  EXPECT_EQ(req.round_id(), "2020q2");
  EXPECT_EQ(req.round().as_of(), "2020-06-30");
  EXPECT_EQ(req.round().display_name(), "2020年第二季度");
  EXPECT_THAT(req.round().scope().units(),
              ElementsAre("units/zs-gov", "units/zs-jrj", "units/zs-hpz"));
  EXPECT_THAT(req.round().scope().kinds(), ElementsAre(v1::TASK_KIND_CRAWL, v1::TASK_KIND_ACCOUNT));
  // A version-4 UUID.
  ASSERT_EQ(req.request_id().size(), 36u) << req.request_id();
  EXPECT_EQ(req.request_id()[14], '4');
  EXPECT_THAT(r.err, HasSubstr(req.request_id()));

  r = Run({"round", "start", "--as-of=2020-06-30", "--request-id", "fixed-id"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(rounds_.last_create().request_id(), "fixed-id");
}

TEST_F(CliTest, RoundStartWithWatchFollowsTheRound) {
  RunResult r = Run({"round", "start", "--as-of", "2020-06-30", "--id", "ok", "--watch"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, AllOf(HasSubstr("已创建轮次 rounds/ok"), HasSubstr("rounds/ok DONE")));
}

TEST_F(CliTest, CreateIsNotRetriedButReadsAre) {
  rounds_.set_create_error(grpc::Status(grpc::StatusCode::UNAVAILABLE, "redis down"));
  RunResult r = Run({"round", "start", "--as-of", "2020-06-30"});
  EXPECT_EQ(r.code, 7);
  EXPECT_EQ(state_.Calls("CreateRound"), 1);
  EXPECT_THAT(r.err, AllOf(HasSubstr("coordinator at 127.0.0.1:50051 unavailable"),
                           HasSubstr("--request-id " + rounds_.last_create().request_id())));

  registry_.set_unavailable(2);
  r = Run({"registry", "list", "units"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(state_.Calls("ListUnits"), 4);  // 2 failures + 2 pages

  registry_.set_unavailable(3);
  r = Run({"registry", "list", "units"});
  EXPECT_EQ(r.code, 7);
  EXPECT_EQ(state_.Calls("ListUnits"), 7);  // 3 attempts, then give up
}

TEST_F(CliTest, DeadlineExceededExitsSeven) {
  RunResult r = Run({"--deadline", "50ms", "round", "get", "slow"});
  EXPECT_EQ(r.code, 7);
  EXPECT_THAT(r.err, HasSubstr("did not finish within 50ms"));
}

TEST_F(CliTest, RegistryListFollowsPagesAndAlignsColumns) {
  RunResult r = Run({"registry", "list", "units"});
  ASSERT_EQ(r.code, 0) << r.err;
  std::vector<std::string> lines = absl::StrSplit(r.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 5u) << r.out;  // header, 3 units, total
  EXPECT_THAT(lines[1], HasSubstr("中山市金融工作局"));
  EXPECT_THAT(lines[3], HasSubstr("中山市人民政府"));
  EXPECT_EQ(lines[4], "共 3 个");
  // The third column starts at the same display column on every row.
  auto column_of = [](const std::string& line, const std::string& cell) {
    return DisplayWidth(line.substr(0, line.find(cell)));
  };
  EXPECT_EQ(column_of(lines[1], "部门"), column_of(lines[2], "部门"));
  EXPECT_EQ(column_of(lines[1], "部门"), column_of(lines[0], "类型"));
}

TEST_F(CliTest, JsonOutputIsOneValidDocument) {
  RunResult r = Run({"--output", "json", "round", "get", "r1"});
  ASSERT_EQ(r.code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  EXPECT_EQ(j["name"], "rounds/r1");
  EXPECT_EQ(j["state"], "DONE");
  EXPECT_EQ(j["as_of"], "2020-06-30");

  // JSON lists one page unless --all is given.
  r = Run({"registry", "list", "units", "--output=json"});
  ASSERT_EQ(r.code, 0) << r.err;
  j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  EXPECT_EQ(j["units"].size(), 2u);
  EXPECT_EQ(j["next_page_token"], "p2");
  r = Run({"registry", "list", "units", "--output=json", "--all"});
  j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  EXPECT_EQ(j["units"].size(), 3u);
  EXPECT_EQ(j["next_page_token"], "");

  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"round", "list"},
           {"round", "watch", "bad"},
           {"registry", "import", kExampleRegistry},
           {"round", "export", "r1", "-o", (tmp_ / "e.json").string()},
           {"health"}}) {
    std::vector<std::string> with_json = args;
    with_json.push_back("--output=json");
    r = Run(with_json);
    EXPECT_LE(r.code, 1) << absl::StrJoin(args, " ") << r.err;
    EXPECT_FALSE(nlohmann::json::parse(r.out, nullptr, false).is_discarded())
        << absl::StrJoin(args, " ") << ": " << r.out;
  }
}

TEST_F(CliTest, HealthChecksEveryService) {
  RunResult r = Run({"health"});
  ASSERT_EQ(r.code, 0) << r.err;
  std::vector<std::string> lines = absl::StrSplit(r.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 6u) << r.out;
  EXPECT_EQ(lines[0], "coordinator  127.0.0.1:50051  SERVING");
  EXPECT_EQ(lines[5], "report       127.0.0.1:50056  SERVING");

  r = Run({"health", "--service", "crawler"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "crawler  127.0.0.1:50052  SERVING\n");
}

TEST_F(CliTest, HealthFailsWhenAServiceIsDown) {
  std::map<std::string, std::shared_ptr<grpc::ChannelInterface>> channels;
  for (const char* s : kServiceNames) channels[s] = channel_;
  // Nothing listens on a unix socket in an empty temporary directory.
  channels["scoring"] = grpc::CreateChannel("unix:" + (tmp_ / "none.sock").string(),
                                            grpc::InsecureChannelCredentials());
  ChannelClients clients(std::move(channels));
  RunResult r = Run({"health"}, {}, false, &clients);
  EXPECT_EQ(r.code, 7);
  EXPECT_THAT(r.out, AllOf(HasSubstr("coordinator  127.0.0.1:50051  SERVING"),
                           HasSubstr("scoring      127.0.0.1:50055  UNAVAILABLE")));
}

TEST_F(CliTest, ScoresListPagesFiltersAndShowsTheRates) {
  RunResult r = Run({"scores", "list", "r1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("sites/zs-jrj-site"));
  EXPECT_THAT(r.out, HasSubstr("sites/zs-gov-site"));  // the second page
  EXPECT_THAT(r.out, HasSubstr("不合格"));
  EXPECT_THAT(r.out, HasSubstr("97.0"));
  EXPECT_THAT(r.out, HasSubstr("网站：合格率 50.0%"));
  r = Run({"scores", "list", "rounds/r1", "--failed", "--unit", "zs-jrj"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, Not(HasSubstr("sites/zs-gov-site")));
  EXPECT_THAT(r.out, HasSubstr("仅不合格"));
  EXPECT_EQ(scoring_.last_list().unit(), "units/zs-jrj");
  EXPECT_EQ(scoring_.last_list().verdict(), sv1::Scorecard::FAIL);
  EXPECT_EQ(Run({"scores", "list", "nosuch"}).code, kExitNotFound);
  r = Run({"--output", "json", "scores", "list", "r1"});
  ASSERT_EQ(r.code, 0) << r.err;
  nlohmann::json doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["scoring"]["site_pass_rate"], 0.5);
  EXPECT_EQ(doc["scorecards"].size(), 2u);
}

TEST_F(CliTest, ScoresShowExplainsInChinese) {
  RunResult r = Run({"scores", "show", "r1", "sites/zs-jrj-site"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("不合格"));
  EXPECT_THAT(r.out, HasSubstr("单项否决（1 项）"));
  EXPECT_THAT(r.out, HasSubstr("[columns_not_updated/c] 空白栏目超过（含）5个（6 处）"));
  EXPECT_THAT(r.out, HasSubstr("证据：http://jrj.zs.gov.cn/col0/"));
  EXPECT_THAT(r.out, HasSubstr("…另有 1 条"));
  EXPECT_EQ(Run({"scores", "show", "r1", "sites~nosuch"}).code, kExitNotFound);
  EXPECT_EQ(Run({"scores", "show", "r1", "zs-jrj-site"}).code, kExitUsage);
  EXPECT_EQ(Run({"scores", "show", "r1"}).code, kExitUsage);
}

TEST_F(CliTest, RoundRescoreNeedsARulesetAndTheToken) {
  EXPECT_EQ(Run({"round", "rescore", "r1"}).code, kExitUsage);
  SetRequiredToken("t0k");
  EXPECT_EQ(Run({"round", "rescore", "r1", "--ruleset", "guangdong-2020"}).code, kExitAuth);
  RunResult r = Run({"round", "rescore", "r1", "--ruleset", "guangdong-2020", "--token", "t0k"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("已用规则 guangdong-2020 重新评分 rounds/r1（第 2 次评分"));
  EXPECT_EQ(state_.Calls("RescoreRound"), 2);  // not retried
}

TEST(FormatTest, DisplayWidthCountsChineseAsTwo) {
  EXPECT_EQ(DisplayWidth("abc"), 3);
  EXPECT_EQ(DisplayWidth("市金融局"), 8);
  EXPECT_EQ(DisplayWidth("a，b"), 4);
}

}  // namespace
}  // namespace govinspect::cli
