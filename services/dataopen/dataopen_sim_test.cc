// Integration: the open-data checks against the simulator's CKAN API (`simprovince serve` as a
// subprocess on port 0), scored with `simprovince score-detection` against the planted truth;
// fault injection; and the dataopen server (queue worker + CheckPortal) on a private Redis.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/grpc/auth.h"
#include "common/redis/observation_store.h"
#include "common/redis/work_queue.h"
#include "common/testing/redis_server.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "services/coordinator/registry_import.h"
#include "services/dataopen/dataopen_server.h"
#include "services/dataopen/opendata_check.h"
#include "tools/govinspect/format.h"

extern char** environ;

namespace govinspect::dataopen {
namespace {

using ::govinspect::testing::IsOk;
using ::govinspect::testing::StatusIs;
using ::testing::HasSubstr;

const char* const kOpenDataKinds[] = {"opendata_not_connected", "opendata_below_quota",
                                      "opendata_stale_dataset", "opendata_zero_records",
                                      "opendata_resource_broken"};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// `simprovince serve DIR --listen 127.0.0.1:0 ARGS…` as a child process.
class Simulator {
 public:
  Simulator(const std::string& dir, const std::string& work, std::vector<std::string> args) {
    out_ = absl::StrCat(work, "/serve-", getpid(), "-", counter_++, ".out");
    std::vector<std::string> argv = {SIMPROVINCE_BINARY, "serve", dir, "--listen", "127.0.0.1:0",
                                     "--threads", "2"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, (out_ + ".log").c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (posix_spawn(&pid_, SIMPROVINCE_BINARY, &fa, nullptr, cargv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&fa);
    // Bounded wait for "listening on ADDR".
    for (int i = 0; i < 300 && pid_ > 0 && address_.empty(); ++i) {
      std::string text = ReadFile(out_);
      if (size_t p = text.find("listening on "); p != std::string::npos && text.find('\n', p) != std::string::npos) {
        address_ = std::string(absl::StripAsciiWhitespace(text.substr(p + 13, text.find('\n', p) - p - 13)));
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  }
  ~Simulator() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
  }
  const std::string& address() const { return address_; }

 private:
  static inline int counter_ = 0;
  pid_t pid_ = -1;
  std::string out_;
  std::string address_;
};

struct Generated {
  std::string dir;
  common::v1::Registry registry;
};

absl::StatusOr<Generated> Generate(const std::string& root, const std::string& profile, int seed) {
  Generated g;
  g.dir = absl::StrCat(root, "/", profile);
  std::string cmd = absl::StrCat(SIMPROVINCE_BINARY, " generate --seed ", seed,
                                 " --as-of 2020-06-30 --profile ", profile, " --out '", g.dir,
                                 "' >/dev/null 2>&1");
  if (std::system(cmd.c_str()) != 0) return absl::InternalError("simprovince generate failed");
  std::vector<coordinator::RegistryFile> files;
  for (const char* f : {"units.csv", "sites.csv", "accounts.csv", "portals.csv"}) {
    files.push_back({f, ReadFile(absl::StrCat(g.dir, "/", f))});
  }
  auto reg = coordinator::ParseRegistryBundle(files);
  if (!reg.ok()) return reg.status();
  g.registry = *std::move(reg);
  return g;
}

common::v1::TaskPayload PortalPayload(const common::v1::Registry& reg) {
  common::v1::TaskPayload p;
  p.set_round("rounds/dataopen-test");
  p.set_as_of("2020-06-30");
  *p.mutable_portal() = reg.portals(0);
  for (const auto& u : reg.units()) {
    if (!u.open_data_org().empty()) *p.add_units() = u;
  }
  return p;
}

OpenDataCheckOptions Options() {
  OpenDataCheckOptions o;
  o.client.retry_backoff = absl::Milliseconds(20);
  o.parallelism = 4;
  return o;
}

common::FetchOptions FetchTo(const std::string& address) {
  common::FetchOptions f;
  f.connect_to = address;
  f.timeout = absl::Milliseconds(1500);
  f.connect_timeout = absl::Seconds(2);
  return f;
}

// Scores observations with `simprovince score-detection` (through the CLI's export format).
nlohmann::json Score(const std::string& work, const std::string& truth,
                     const std::vector<common::v1::Observation>& obs) {
  coordinator::v1::Round round;
  round.set_name("rounds/dataopen-test");
  round.set_as_of("2020-06-30");
  auto doc = cli::ExportDocument(round, obs);
  EXPECT_THAT(doc, IsOk());
  if (!doc.ok()) return {};
  const std::string export_path = absl::StrCat(work, "/export.json");
  const std::string score_path = absl::StrCat(work, "/score.json");
  std::ofstream(export_path) << *doc;
  std::string cmd = absl::StrCat(SIMPROVINCE_BINARY, " score-detection --truth '", truth,
                                 "' --observations '", export_path, "' --output json > '",
                                 score_path, "'");
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  return nlohmann::json::parse(ReadFile(score_path), nullptr, false);
}

class DataOpenSimTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    work_ = new govinspect::testing::TempDir();
    auto g = Generate(work_->path(), "province", 11);
    ASSERT_THAT(g, IsOk());
    province_ = new Generated(*std::move(g));
  }
  static void TearDownTestSuite() {
    delete province_;
    delete work_;
  }
  static govinspect::testing::TempDir* work_;
  static Generated* province_;
};
govinspect::testing::TempDir* DataOpenSimTest::work_ = nullptr;
Generated* DataOpenSimTest::province_ = nullptr;

TEST_F(DataOpenSimTest, ProvincePrecisionAndRecallPerKind) {
  Simulator sim(province_->dir, work_->path(), {});
  ASSERT_FALSE(sim.address().empty());
  FetchTransport transport(FetchTo(sim.address()));
  common::v1::TaskPayload payload = PortalPayload(province_->registry);
  ASSERT_GT(payload.units_size(), 500);
  auto obs = RunPortalTask(payload, 1, 5, &transport, Options(), nullptr, nullptr);
  ASSERT_THAT(obs, IsOk());
  ASSERT_EQ(obs->size(), static_cast<size_t>(payload.units_size()) + 1);
  int not_assessed = 0;
  for (const auto& o : *obs) not_assessed += o.status() != common::v1::TARGET_STATUS_ASSESSED;
  EXPECT_EQ(not_assessed, 0);

  nlohmann::json score = Score(work_->path(), province_->dir + "/truth.json", *obs);
  ASSERT_TRUE(score.is_object());
  for (const char* kind : kOpenDataKinds) {
    SCOPED_TRACE(kind);
    ASSERT_TRUE(score["by_kind"].contains(kind));
    const auto& k = score["by_kind"][kind];
    const double tp = k["tp"].get<double>(), fp = k["fp"].get<double>(), fn = k["fn"].get<double>();
    EXPECT_GT(tp, 0);
    const double precision = tp / (tp + fp), recall = tp / (tp + fn);
    std::printf("%-26s tp=%4.0f fp=%3.0f fn=%3.0f precision=%.4f recall=%.4f\n", kind, tp, fp, fn,
                precision, recall);
    EXPECT_GE(precision, 0.99);
    EXPECT_GE(recall, 0.99);
  }
}

TEST_F(DataOpenSimTest, PortalAnswering5xxIsNotAssessedNeverPassed) {
  const std::string host = province_->registry.portals(0).api_url().substr(7, 14);  // data.gd.gov.cn
  ASSERT_EQ(host, "data.gd.gov.cn");
  Simulator sim(province_->dir, work_->path(), {"--fault", host + ":fail=1,fail_mode=5xx"});
  ASSERT_FALSE(sim.address().empty());
  FetchTransport transport(FetchTo(sim.address()));
  common::v1::TaskPayload payload = PortalPayload(province_->registry);
  EXPECT_THAT(RunPortalTask(payload, 1, 5, &transport, Options(), nullptr, nullptr),
              StatusIs(absl::StatusCode::kUnavailable));
  auto obs = RunPortalTask(payload, 5, 5, &transport, Options(), nullptr, nullptr);
  ASSERT_THAT(obs, IsOk());
  ASSERT_EQ(obs->size(), static_cast<size_t>(payload.units_size()) + 1);
  for (const auto& o : *obs) {
    ASSERT_EQ(o.status(), common::v1::TARGET_STATUS_NOT_ASSESSED) << o.target();
    EXPECT_THAT(o.not_assessed_reason(), HasSubstr("HTTP 503"));
    EXPECT_EQ(o.findings_size(), 0);
  }
}

TEST_F(DataOpenSimTest, PortalTimingOutIsNotAssessed) {
  Simulator sim(province_->dir, work_->path(),
                {"--hang-ms", "4000", "--fault", "data.gd.gov.cn:fail=1,fail_mode=timeout"});
  ASSERT_FALSE(sim.address().empty());
  common::FetchOptions f = FetchTo(sim.address());
  f.timeout = absl::Milliseconds(300);
  FetchTransport transport(f);
  OpenDataCheckOptions o = Options();
  o.client.attempts = 2;
  auto obs = RunPortalTask(PortalPayload(province_->registry), 5, 5, &transport, o, nullptr,
                           nullptr);
  ASSERT_THAT(obs, IsOk());
  for (const auto& ob : *obs) {
    ASSERT_EQ(ob.status(), common::v1::TARGET_STATUS_NOT_ASSESSED) << ob.target();
    EXPECT_THAT(ob.not_assessed_reason(), HasSubstr("timeout"));
  }
}

TEST_F(DataOpenSimTest, FlakyAndMalformedPortalStillGivesTheRightVerdicts) {
  // 5 % of requests fail (503) and HTML pages are mangled: retries absorb the failures, and the
  // JSON API is unaffected by the HTML fault — the verdicts must not change.
  Simulator sim(province_->dir, work_->path(),
                {"--fault", "data.gd.gov.cn:fail=0.05,fail_mode=5xx,malformed"});
  ASSERT_FALSE(sim.address().empty());
  FetchTransport transport(FetchTo(sim.address()));
  // One request at a time: the simulator spreads its failures evenly (one in 20 requests), so a
  // retried request always succeeds. With parallel requests, others' requests during the retry
  // backoff can move a retry onto the next failure slot, and the test would depend on timing.
  OpenDataCheckOptions o = Options();
  o.parallelism = 1;
  auto obs = RunPortalTask(PortalPayload(province_->registry), 1, 5, &transport, o, nullptr,
                           nullptr);
  ASSERT_THAT(obs, IsOk());
  nlohmann::json score = Score(work_->path(), province_->dir + "/truth.json", *obs);
  ASSERT_TRUE(score.is_object());
  for (const char* kind : kOpenDataKinds) {
    const auto& k = score["by_kind"][kind];
    EXPECT_EQ(k["fp"].get<int>(), 0) << kind;
    EXPECT_EQ(k["fn"].get<int>(), 0) << kind;
  }
}

// The server: a `portal` task through the queue, and CheckPortal, on the tiny profile.
TEST(DataOpenServerTest, QueueTaskStoresUnitObservationsAndCheckPortalRuns) {
  govinspect::testing::TempDir work;
  auto g = Generate(work.path(), "tiny", 3);
  ASSERT_THAT(g, IsOk());
  Simulator sim(g->dir, work.path(), {});
  ASSERT_FALSE(sim.address().empty());
  govinspect::testing::RedisServer redis;
  ASSERT_THAT(redis.Start(), IsOk());
  common::RedisConnection conn(redis.connection_options());
  ASSERT_THAT(conn.Command({"SET", "govinspect:registry", g->registry.SerializeAsString()}), IsOk());

  DataOpenServerOptions options;
  options.server.service_name = "dataopen";
  options.server.listen_address = "127.0.0.1:0";
  options.redis = redis.connection_options();
  options.worker.redis = redis.connection_options();
  options.worker.threads = 1;
  options.worker.block = absl::Milliseconds(100);
  options.fetch = FetchTo(sim.address());
  options.check = Options();
  options.api_token = "secret-token";
  DataOpenServer server;
  ASSERT_THAT(server.BuildAndStart(options), IsOk());

  // A round's portal task.
  common::v1::TaskPayload payload = PortalPayload(g->registry);
  payload.set_round("rounds/r1");
  common::WorkQueue queue(&conn, common::WorkQueueOptions{});
  ASSERT_THAT(queue.EnqueueRound("r1", {{"portal", payload.portal().name(),
                                         payload.SerializeAsString()}}),
              IsOk());
  bool finished = false;
  for (int i = 0; i < 300 && !finished; ++i) {  // bounded: 30 s
    auto p = queue.Progress("r1");
    finished = p.ok() && p->finished == 1;
    if (!finished) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(finished);
  common::ObservationStore store(&conn);
  auto targets = store.Targets("r1");
  ASSERT_THAT(targets, IsOk());
  EXPECT_EQ(targets->size(), static_cast<size_t>(payload.units_size()) + 1);
  auto portal_obs = store.Get("r1", payload.portal().name());
  ASSERT_THAT(portal_obs, IsOk());
  EXPECT_EQ(portal_obs->status(), common::v1::TARGET_STATUS_ASSESSED);
  int findings = 0;
  for (const auto& u : payload.units()) {
    auto o = store.Get("r1", u.name());
    ASSERT_THAT(o, IsOk()) << u.name();
    EXPECT_EQ(o->unit(), u.name());
    EXPECT_EQ(o->status(), common::v1::TARGET_STATUS_ASSESSED);
    findings += o->findings_size();
  }
  EXPECT_GE(findings, 5);  // the tiny profile plants every open-data kind

  // CheckPortal: token required, unknown portal, then the real check.
  auto stub = v1::DataOpenService::NewStub(server.runner()->InProcessChannel());
  v1::CheckPortalRequest req;
  req.set_portal(payload.portal().name());
  req.set_as_of("2020-06-30");
  {
    grpc::ClientContext ctx;
    v1::CheckPortalResponse resp;
    EXPECT_EQ(stub->CheckPortal(&ctx, req, &resp).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  }
  {
    grpc::ClientContext ctx;
    common::AddBearerToken(&ctx, "secret-token");
    v1::CheckPortalRequest bad = req;
    bad.set_portal("portals/nowhere");
    v1::CheckPortalResponse resp;
    EXPECT_EQ(stub->CheckPortal(&ctx, bad, &resp).error_code(), grpc::StatusCode::NOT_FOUND);
  }
  {
    grpc::ClientContext ctx;
    common::AddBearerToken(&ctx, "secret-token");
    v1::CheckPortalResponse resp;
    grpc::Status s = stub->CheckPortal(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
    ASSERT_EQ(resp.observations_size(), payload.units_size() + 1);
    int rpc_findings = 0;
    for (const auto& o : resp.observations()) rpc_findings += o.findings_size();
    EXPECT_EQ(rpc_findings, findings);  // the same check as the queue's
  }
  server.Shutdown();
}

}  // namespace
}  // namespace govinspect::dataopen
