// The coordinator against a real redis-server: registry import, rounds through the queue with
// real QueueWorkers, completion, cancellation, auth, watch.

#include <arpa/inet.h>
#include <grpcpp/grpcpp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "common/grpc/auth.h"
#include "common/redis/observation_store.h"
#include "common/testing/redis_server.h"
#include "common/testing/status_matchers.h"
#include "common/worker/queue_worker.h"
#include "govinspect/coordinator/v1/registry_service.grpc.pb.h"
#include "govinspect/coordinator/v1/round_service.grpc.pb.h"
#include "gtest/gtest.h"
#include "services/coordinator/coordinator_server.h"
#include "services/scoring/scoring_server.h"

namespace govinspect::coordinator {
namespace {

using ::govinspect::testing::IsOk;
using ::testing::HasSubstr;

constexpr char kToken[] = "test-token-123";

std::string ReadExample(const std::string& name) {
  std::ifstream in(std::string(GOVINSPECT_SOURCE_DIR) + "/docs/examples/registry/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class CoordinatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_THAT(redis_.Start(), IsOk());
    ASSERT_THAT(server_.BuildAndStart(Options()), IsOk());
    Connect(server_.port());
  }
  CoordinatorServerOptions Options() {
    CoordinatorServerOptions o;
    o.server.service_name = "coordinator";
    o.server.listen_address = "127.0.0.1:0";
    o.server.shutdown_grace = absl::Seconds(1);
    o.redis = redis_.connection_options();
    o.api_token = kToken;
    o.sweep_every = absl::Milliseconds(200);
    o.watch_period = absl::Milliseconds(50);
    o.lease = absl::Seconds(2);
    Configure(o);
    return o;
  }
  // Changes of a derived fixture to the coordinator's options.
  virtual void Configure(CoordinatorServerOptions&) {}
  void Connect(int port) {
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                                   grpc::InsecureChannelCredentials());
    registry_ = v1::RegistryService::NewStub(channel_);
    rounds_ = v1::RoundService::NewStub(channel_);
  }
  void TearDown() override {
    for (auto& w : workers_) w->Stop();
    server_.Shutdown();
  }

  std::unique_ptr<grpc::ClientContext> Ctx(bool with_token = true) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    if (with_token) common::AddBearerToken(ctx.get(), kToken);
    return ctx;
  }

  grpc::Status Import() {
    v1::ImportRegistryRequest req;
    for (const char* f :
         {"units.csv", "sites.csv", "accounts.csv", "portals.csv", "site_overrides.csv"}) {
      auto* file = req.add_files();
      file->set_file_name(f);
      file->set_content(ReadExample(f));
    }
    return registry_->ImportRegistry(Ctx().get(), req, &last_import_);
  }

  // A worker per kind that records an assessed observation for each task; `on_task` (optional)
  // sees every task's payload.
  void StartWorkers(std::atomic<int>* handled,
                    std::function<void(const common::v1::TaskPayload&)> on_task = nullptr) {
    for (const char* kind : {"crawl", "account", "portal"}) {
      common::QueueWorkerOptions wo;
      wo.kind = kind;
      wo.threads = 2;
      wo.redis = redis_.connection_options();
      wo.queue.lease = absl::Seconds(2);
      wo.block = absl::Milliseconds(100);
      auto w = std::make_unique<common::QueueWorker>(
          wo,
          [handled, on_task](const common::v1::TaskPayload& p, const common::Task&)
              -> absl::StatusOr<common::v1::Observation> {
            if (on_task) on_task(p);
            (*handled)++;
            common::v1::Observation o;
            o.set_status(common::v1::TARGET_STATUS_ASSESSED);
            if (p.has_site()) o.mutable_site()->mutable_home()->set_requested_url(p.site().home_url());
            return o;
          },
          nullptr);
      ASSERT_THAT(w->Start(), IsOk());
      workers_.push_back(std::move(w));
    }
  }

  v1::Round WaitForState(const std::string& name, v1::Round::State state) {
    v1::Round r;
    absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (absl::Now() < deadline) {
      v1::GetRoundRequest req;
      req.set_name(name);
      EXPECT_TRUE(rounds_->GetRound(Ctx().get(), req, &r).ok());
      if (r.state() == state) return r;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << name << " did not reach " << v1::Round::State_Name(state) << "; it is "
                  << r.DebugString();
    return r;
  }

  testing::RedisServer redis_;
  v1::ImportRegistryResponse last_import_;
  CoordinatorServer server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::RegistryService::Stub> registry_;
  std::unique_ptr<v1::RoundService::Stub> rounds_;
  std::vector<std::unique_ptr<common::QueueWorker>> workers_;
};

TEST_F(CoordinatorTest, MutatingCallsNeedTheToken) {
  v1::ImportRegistryRequest req;
  auto* f = req.add_files();
  f->set_file_name("units.csv");
  f->set_content(ReadExample("units.csv"));
  v1::ImportRegistryResponse resp;
  EXPECT_EQ(registry_->ImportRegistry(Ctx(false).get(), req, &resp).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  auto bad = Ctx(false);
  bad->AddMetadata("authorization", "Bearer wrong");
  EXPECT_EQ(registry_->ImportRegistry(bad.get(), req, &resp).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(registry_->ImportRegistry(Ctx().get(), req, &resp).ok());
  EXPECT_TRUE(resp.imported());
  // Reads need no token.
  v1::ListUnitsRequest lreq;
  v1::ListUnitsResponse lresp;
  EXPECT_TRUE(registry_->ListUnits(Ctx(false).get(), lreq, &lresp).ok());
  EXPECT_EQ(lresp.units_size(), 3);
}

TEST_F(CoordinatorTest, BadImportChangesNothing) {
  ASSERT_TRUE(Import().ok());
  v1::ImportRegistryRequest req;
  auto* f = req.add_files();
  f->set_file_name("units.csv");
  f->set_content("unit_id,name,kind\nonly,唯一,department\nonly,重复,department\n");
  v1::ImportRegistryResponse resp;
  grpc::Status s = registry_->ImportRegistry(Ctx().get(), req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("units.csv:3: field unit_id"), std::string::npos)
      << s.error_message();
  v1::ListSitesRequest lreq;
  v1::ListSitesResponse lresp;
  ASSERT_TRUE(registry_->ListSites(Ctx().get(), lreq, &lresp).ok());
  EXPECT_EQ(lresp.sites_size(), 3);
}

TEST_F(CoordinatorTest, ListsPaginate) {
  ASSERT_TRUE(Import().ok());
  v1::ListSitesRequest req;
  req.set_page_size(2);
  v1::ListSitesResponse page1, page2;
  ASSERT_TRUE(registry_->ListSites(Ctx().get(), req, &page1).ok());
  EXPECT_EQ(page1.sites_size(), 2);
  ASSERT_FALSE(page1.next_page_token().empty());
  req.set_page_token(page1.next_page_token());
  ASSERT_TRUE(registry_->ListSites(Ctx().get(), req, &page2).ok());
  EXPECT_EQ(page2.sites_size(), 1);
  EXPECT_TRUE(page2.next_page_token().empty());
  req.set_unit("units/zs-hpz");  // a token for another filter is refused
  EXPECT_EQ(registry_->ListSites(Ctx().get(), req, &page2).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  req.set_page_token("");
  req.set_page_size(-1);
  EXPECT_EQ(registry_->ListSites(Ctx().get(), req, &page2).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  v1::GetSiteRequest get;
  get.set_name("sites/nope");
  common::v1::Site site;
  EXPECT_EQ(registry_->GetSite(Ctx().get(), get, &site).error_code(), grpc::StatusCode::NOT_FOUND);
  get.set_name("zs-portal");
  EXPECT_EQ(registry_->GetSite(Ctx().get(), get, &site).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(CoordinatorTest, RoundRunsToDoneWithEveryObservationOnce) {
  ASSERT_TRUE(Import().ok());
  std::atomic<int> handled{0};
  StartWorkers(&handled);
  v1::CreateRoundRequest req;
  req.set_round_id("q2");
  req.mutable_round()->set_as_of("2020-06-30");
  req.set_request_id("req-1");
  v1::Round created;
  ASSERT_TRUE(rounds_->CreateRound(Ctx().get(), req, &created).ok());
  EXPECT_EQ(created.name(), "rounds/q2");
  EXPECT_EQ(created.ruleset(), "gov-2019");
  // A retry with the same request_id returns the same round.
  v1::Round again;
  ASSERT_TRUE(rounds_->CreateRound(Ctx().get(), req, &again).ok());
  EXPECT_EQ(again.name(), "rounds/q2");
  // The id is taken for a different request.
  req.set_request_id("req-2");
  EXPECT_EQ(rounds_->CreateRound(Ctx().get(), req, &again).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);

  v1::Round done = WaitForState("rounds/q2", v1::Round::DONE);
  int64_t total = 0, finished = 0;
  for (const auto& p : done.progress()) {
    total += p.total();
    finished += p.done();
  }
  EXPECT_EQ(total, 7);  // 3 sites + 3 accounts + 1 portal
  EXPECT_EQ(finished, 7);
  EXPECT_GE(done.notes_size(), 2);  // scoring and report skipped, with notes

  v1::ListObservationsRequest lreq;
  lreq.set_parent("rounds/q2");
  lreq.set_page_size(5);
  std::set<std::string> targets;
  int pages = 0;
  do {
    v1::ListObservationsResponse resp;
    ASSERT_TRUE(rounds_->ListObservations(Ctx().get(), lreq, &resp).ok());
    for (const auto& o : resp.observations()) {
      EXPECT_TRUE(targets.insert(o.target()).second) << o.target();
      EXPECT_EQ(o.status(), common::v1::TARGET_STATUS_ASSESSED);
      EXPECT_EQ(o.round(), "rounds/q2");
    }
    lreq.set_page_token(resp.next_page_token());
    ++pages;
  } while (!lreq.page_token().empty() && pages < 10);
  EXPECT_EQ(targets.size(), 7u);
  EXPECT_EQ(pages, 2);
  EXPECT_TRUE(targets.count("sites/zs-portal"));
  EXPECT_TRUE(targets.count("accounts/zs-hpz-wb"));
  EXPECT_TRUE(targets.count("portals/kaifang-zs"));
}

// site_overrides.csv → ImportRegistry → the registry → Site.overrides in the crawl tasks.
TEST_F(CoordinatorTest, SiteOverridesReachTheCrawlTasks) {
  ASSERT_TRUE(Import().ok());
  EXPECT_EQ(last_import_.site_override_count(), 4);
  v1::GetSiteRequest get;
  get.set_name("sites/zs-jrj-site");
  common::v1::Site site;
  ASSERT_TRUE(registry_->GetSite(Ctx().get(), get, &site).ok());
  EXPECT_EQ(site.overrides().pages_size(), 2);

  absl::Mutex mu;
  std::map<std::string, common::v1::SiteOverrides> seen;
  std::atomic<int> handled{0};
  StartWorkers(&handled, [&](const common::v1::TaskPayload& p) {
    if (!p.has_site()) return;
    absl::MutexLock lock(&mu);
    seen[p.site().name()] = p.site().overrides();
  });
  v1::CreateRoundRequest req;
  req.set_round_id("ov");
  req.mutable_round()->set_as_of("2020-06-30");
  v1::Round created;
  ASSERT_TRUE(rounds_->CreateRound(Ctx().get(), req, &created).ok());
  WaitForState("rounds/ov", v1::Round::DONE);
  absl::MutexLock lock(&mu);
  ASSERT_EQ(seen.size(), 3u);
  const common::v1::SiteOverrides& jrj = seen["sites/zs-jrj-site"];
  ASSERT_EQ(jrj.pages_size(), 2);
  EXPECT_EQ(jrj.pages(0).path_prefix(), "/xxgk/");
  EXPECT_EQ(jrj.pages(0).list_items_xpath(), "//div[@class='xxgk_list']/dl");
  EXPECT_EQ(jrj.pages(0).date_xpath(), "dd");
  EXPECT_EQ(jrj.pages(1).path_prefix(), "/hdjl/");
  EXPECT_EQ(jrj.pages(1).field_label_xpath(), "//span[@class='lab']");
  ASSERT_EQ(jrj.column_categories_size(), 1);
  EXPECT_EQ(jrj.column_categories(0).category(), "planning");
  EXPECT_EQ(seen["sites/zs-portal"].pages_size(), 0);
}

TEST_F(CoordinatorTest, WatchStreamsUntilDone) {
  ASSERT_TRUE(Import().ok());
  v1::CreateRoundRequest req;
  req.set_round_id("w1");
  req.mutable_round()->set_as_of("2020-06-30");
  v1::Round created;
  ASSERT_TRUE(rounds_->CreateRound(Ctx().get(), req, &created).ok());
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  v1::WatchRoundRequest wreq;
  wreq.set_name("rounds/w1");
  auto reader = rounds_->WatchRound(&ctx, wreq);
  v1::Round update;
  ASSERT_TRUE(reader->Read(&update));
  EXPECT_EQ(update.state(), v1::Round::RUNNING);
  std::atomic<int> handled{0};
  StartWorkers(&handled);
  int updates = 1;
  while (reader->Read(&update)) ++updates;
  EXPECT_TRUE(reader->Finish().ok());
  EXPECT_EQ(update.state(), v1::Round::DONE);
  EXPECT_GE(updates, 2);

  grpc::ClientContext ctx2;
  ctx2.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  wreq.set_name("rounds/nope");
  auto missing = rounds_->WatchRound(&ctx2, wreq);
  EXPECT_FALSE(missing->Read(&update));
  EXPECT_EQ(missing->Finish().error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(CoordinatorTest, CancelDropsRemainingTasks) {
  ASSERT_TRUE(Import().ok());
  v1::CreateRoundRequest req;
  req.set_round_id("c1");
  req.mutable_round()->set_as_of("2020-06-30");
  v1::Round created;
  ASSERT_TRUE(rounds_->CreateRound(Ctx().get(), req, &created).ok());
  v1::CancelRoundRequest creq;
  creq.set_name("rounds/c1");
  v1::Round cancelled;
  EXPECT_EQ(rounds_->CancelRound(Ctx(false).get(), creq, &cancelled).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  ASSERT_TRUE(rounds_->CancelRound(Ctx().get(), creq, &cancelled).ok());
  EXPECT_EQ(cancelled.state(), v1::Round::CANCELLED);
  EXPECT_EQ(rounds_->CancelRound(Ctx().get(), creq, &cancelled).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  std::atomic<int> handled{0};
  StartWorkers(&handled);
  // The workers drop the cancelled round's tasks without doing them.
  absl::Time deadline = absl::Now() + absl::Seconds(20);
  v1::Round r;
  int64_t finished = 0;
  while (absl::Now() < deadline) {
    common::RedisConnection c(redis_.connection_options());
    auto n = c.Command({"SCARD", "govinspect:round:c1:done"});
    finished = n.ok() ? n->AsInt() : 0;
    if (finished == 7) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(finished, 7);
  EXPECT_EQ(handled.load(), 0);
}

// Round events read by a coordinator that stopped before acknowledging them stay pending for
// its consumer (named by host and pid); a live coordinator claims them once idle, handles them,
// and removes the consumer.
class CoordinatorReclaimTest : public CoordinatorTest {
 protected:
  void Configure(CoordinatorServerOptions& o) override {
    o.event_claim_idle = absl::Milliseconds(300);
  }
};

TEST_F(CoordinatorReclaimTest, EventsOfAStoppedCoordinatorAreClaimedAndItsConsumerRemoved) {
  server_.Shutdown();
  common::RedisConnection c(redis_.connection_options());
  const std::string events = "govinspect:events";
  // The group, unless the stopped coordinator created it already.
  auto group = c.Command({"XGROUP", "CREATE", events, "coordinator", "0", "MKSTREAM"});
  ASSERT_TRUE(group.ok() || absl::StrContains(group.status().message(), "BUSYGROUP")) << group.status();
  ASSERT_TRUE(c.Command({"XADD", events, "*", "round", "ghost"}).ok());
  auto read = c.Command({"XREADGROUP", "GROUP", "coordinator", "gone-host-1", "COUNT", "10",
                         "STREAMS", events, ">"});
  ASSERT_TRUE(read.ok()) << read.status();
  auto pending = [&] {
    auto p = c.Command({"XPENDING", events, "coordinator"});
    return p.ok() && !p->elements.empty() ? p->elements[0].AsInt() : -1;
  };
  auto has_consumer = [&](const std::string& name) {
    auto info = c.Command({"XINFO", "CONSUMERS", events, "coordinator"});
    if (!info.ok()) return false;
    for (const auto& e : info->elements) {
      for (size_t i = 0; i + 1 < e.elements.size(); i += 2) {
        if (e.elements[i].str == "name" && e.elements[i + 1].AsString() == name) return true;
      }
    }
    return false;
  };
  ASSERT_EQ(pending(), 1);
  ASSERT_TRUE(has_consumer("gone-host-1"));

  CoordinatorServer next;
  ASSERT_THAT(next.BuildAndStart(Options()), IsOk());
  absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (absl::Now() < deadline && (pending() != 0 || has_consumer("gone-host-1"))) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(pending(), 0);
  EXPECT_FALSE(has_consumer("gone-host-1"));
  next.Shutdown();
}

TEST_F(CoordinatorTest, CreateRoundValidates) {
  v1::CreateRoundRequest req;
  req.mutable_round()->set_as_of("2020-06-30");
  v1::Round r;
  EXPECT_EQ(rounds_->CreateRound(Ctx().get(), req, &r).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);  // empty registry
  ASSERT_TRUE(Import().ok());
  req.mutable_round()->set_as_of("2020-13-01");
  EXPECT_EQ(rounds_->CreateRound(Ctx().get(), req, &r).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  req.mutable_round()->set_as_of("2020-06-30");
  req.set_round_id("Bad_Id");
  EXPECT_EQ(rounds_->CreateRound(Ctx().get(), req, &r).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  req.set_round_id("");
  req.mutable_round()->mutable_scope()->add_units("units/none");
  EXPECT_EQ(rounds_->CreateRound(Ctx().get(), req, &r).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  v1::GetRoundRequest get;
  get.set_name("rounds/none");
  EXPECT_EQ(rounds_->GetRound(Ctx().get(), get, &r).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(CoordinatorTest, ScopedRoundHasOnlyItsTargets) {
  ASSERT_TRUE(Import().ok());
  std::atomic<int> handled{0};
  StartWorkers(&handled);
  v1::CreateRoundRequest req;
  req.set_round_id("s1");
  req.mutable_round()->set_as_of("2020-06-30");
  req.mutable_round()->mutable_scope()->add_units("units/zs-hpz");
  req.mutable_round()->mutable_scope()->add_kinds(v1::TASK_KIND_CRAWL);
  v1::Round created;
  ASSERT_TRUE(rounds_->CreateRound(Ctx().get(), req, &created).ok());
  v1::Round done = WaitForState("rounds/s1", v1::Round::DONE);
  ASSERT_EQ(done.progress_size(), 1);
  EXPECT_EQ(done.progress(0).total(), 1);
  v1::ListRoundsRequest lr;
  v1::ListRoundsResponse list;
  ASSERT_TRUE(rounds_->ListRounds(Ctx().get(), lr, &list).ok());
  ASSERT_EQ(list.rounds_size(), 1);
  EXPECT_EQ(list.rounds(0).name(), "rounds/s1");
}

// A scoring service that is down: the coordinator retries the scoring step with a backoff. A
// shutdown in the middle of those retries must not wait for them (it would outlast any grace
// period) and must not fail the round: the next coordinator's sweep scores it.
class CoordinatorScoringDownTest : public CoordinatorTest {
 protected:
  void Configure(CoordinatorServerOptions& o) override {
    if (scoring_down_) {
      int fd = socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      socklen_t len = sizeof(addr);
      bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
      close(fd);  // nobody listens there: connection refused
      o.scoring_address = absl::StrCat("127.0.0.1:", ntohs(addr.sin_port));
    }
    o.step_attempts = step_attempts_;
    o.step_backoff = step_backoff_;
    o.step_give_up = step_give_up_;
  }
  // Imports the registry, starts the workers and creates round `id` (as of 2020-06-30).
  void StartRound(const std::string& id) {
    ASSERT_TRUE(Import().ok());
    StartWorkers(&handled_);
    v1::CreateRoundRequest req;
    req.set_round_id(id);
    req.mutable_round()->set_as_of("2020-06-30");
    v1::Round created;
    ASSERT_TRUE(rounds_->CreateRound(Ctx().get(), req, &created).ok());
  }
  // After server_ was shut down: the next coordinator, without a scoring service (the step is
  // skipped with a note: it answers at once), finds the round where it was left and finishes it.
  void FinishWithTheNextCoordinator(const std::string& name) {
    scoring_down_ = false;
    CoordinatorServer next;
    ASSERT_THAT(next.BuildAndStart(Options()), IsOk());
    Connect(next.port());
    v1::Round done = WaitForState(name, v1::Round::DONE);
    EXPECT_TRUE(done.error().empty()) << done.error();
    next.Shutdown();
  }
  std::atomic<int> handled_{0};
  bool scoring_down_ = true;
  int step_attempts_ = 5;
  absl::Duration step_backoff_ = absl::Seconds(2);
  absl::Duration step_give_up_ = absl::Hours(1);
};

// Short step retries: every sweep (200 ms) tries the scoring step twice.
class CoordinatorScoringStaysDownTest : public CoordinatorScoringDownTest {
 protected:
  CoordinatorScoringStaysDownTest() {
    step_attempts_ = 2;
    step_backoff_ = absl::Milliseconds(50);
  }
};

// A scoring service that stays down longer than one sweep's retries: the round waits in SCORING
// (sweep after sweep) instead of failing, and is scored once the service is there.
TEST_F(CoordinatorScoringStaysDownTest, TheRoundWaitsForTheServiceAcrossSweeps) {
  StartRound("down2");
  WaitForState("rounds/down2", v1::Round::SCORING);
  // About ten sweeps, each with two failed attempts.
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  v1::GetRoundRequest get;
  get.set_name("rounds/down2");
  v1::Round r;
  ASSERT_TRUE(rounds_->GetRound(Ctx().get(), get, &r).ok());
  EXPECT_EQ(r.state(), v1::Round::SCORING) << r.DebugString();
  EXPECT_TRUE(r.error().empty()) << r.error();
  server_.Shutdown();
  FinishWithTheNextCoordinator("rounds/down2");
}

// ... but not forever: after --step_give_up in SCORING the round fails, with the last error.
class CoordinatorScoringGivesUpTest : public CoordinatorScoringStaysDownTest {
 protected:
  CoordinatorScoringGivesUpTest() { step_give_up_ = absl::Seconds(1); }
};

TEST_F(CoordinatorScoringGivesUpTest, TheRoundFailsAfterTheGiveUpTime) {
  StartRound("down3");
  v1::Round failed = WaitForState("rounds/down3", v1::Round::FAILED);
  EXPECT_THAT(failed.error(), HasSubstr("scoring failed: ")) << failed.DebugString();
}

TEST_F(CoordinatorScoringDownTest, ShutdownDuringStepRetriesIsPromptAndLeavesTheRound) {
  StartRound("down1");
  WaitForState("rounds/down1", v1::Round::SCORING);
  // The first attempts failed; the coordinator waits in its backoff (2 s, then 4 s, …).
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  absl::Time start = absl::Now();
  server_.Shutdown();
  EXPECT_LT(absl::Now() - start, absl::Seconds(3)) << "the shutdown waited for the step retries";

  // The next coordinator finds the round still SCORING and finishes it.
  FinishWithTheNextCoordinator("rounds/down1");
}

// CreateRound checks the round before storing anything: an as_of outside [2015-01-01, today + 1]
// (unless forced) and a ruleset the scoring service has not loaded (or that is not a name at
// all) are INVALID_ARGUMENT at once, and no round or task is left behind.
class CoordinatorWithScoringTest : public CoordinatorTest {
 protected:
  void Configure(CoordinatorServerOptions& o) override {
    scoring::ScoringServerOptions so;
    so.server.service_name = "scoring";
    so.server.listen_address = "127.0.0.1:0";
    so.redis = redis_.connection_options();
    so.rulesets_dir = std::string(GOVINSPECT_SOURCE_DIR) + "/rulesets";
    ASSERT_THAT(scoring_.BuildAndStart(so), IsOk());
    o.scoring_address = absl::StrCat("127.0.0.1:", scoring_.port());
  }
  void TearDown() override {
    CoordinatorTest::TearDown();
    scoring_.Shutdown();
  }
  scoring::ScoringServer scoring_;
};

TEST_F(CoordinatorWithScoringTest, CreateRoundRefusesABadRulesetOrAsOfAtOnce) {
  ASSERT_TRUE(Import().ok());
  struct Case {
    std::string ruleset, as_of, message;
  };
  const std::vector<Case> cases = {
      {"nosuch", "2020-06-30", "round.ruleset \"nosuch\": ruleset \"nosuch\" is not loaded"},
      {"../../etc/passwd", "2020-06-30", "round.ruleset \"../../etc/passwd\": not a ruleset name"},
      {"gov-2019\n", "2020-06-30", "round.ruleset \"gov-2019\\n\": not a ruleset name"},
      {"gov-2019", "1900-01-01", "round.as_of \"1900-01-01\": outside 2015-01-01 … "},
      {"gov-2019", "9999-12-31", "round.as_of \"9999-12-31\": outside 2015-01-01 … "},
  };
  for (const Case& c : cases) {
    v1::CreateRoundRequest req;
    req.mutable_round()->set_ruleset(c.ruleset);
    req.mutable_round()->set_as_of(c.as_of);
    v1::Round r;
    grpc::Status s = rounds_->CreateRound(Ctx().get(), req, &r);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.ruleset << " " << c.as_of;
    EXPECT_THAT(s.error_message(), HasSubstr(c.message));
  }
  v1::ListRoundsRequest lr;
  v1::ListRoundsResponse list;
  ASSERT_TRUE(rounds_->ListRounds(Ctx().get(), lr, &list).ok());
  EXPECT_EQ(list.rounds_size(), 0) << "a refused round was stored";

  // A loaded ruleset, by name or resource name; an old as_of when forced.
  v1::CreateRoundRequest req;
  req.set_round_id("gd");
  req.mutable_round()->set_ruleset("rulesets/guangdong-2020");
  req.mutable_round()->set_as_of("2020-06-30");
  v1::Round r;
  grpc::Status s = rounds_->CreateRound(Ctx().get(), req, &r);
  EXPECT_TRUE(s.ok()) << s.error_message();
  req.set_round_id("old");
  req.mutable_round()->set_ruleset("");
  req.mutable_round()->set_as_of("2014-12-31");
  req.set_allow_any_as_of(true);
  s = rounds_->CreateRound(Ctx().get(), req, &r);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(r.ruleset(), "gov-2019");
}

// Lost state is loud. Results Redis refuses to store (maxmemory reached, noeviction) are retried,
// then given up as lost, and the round ends FAILED naming those targets — never DONE; a round
// the coordinator knew that is gone from Redis (restarted empty, flushed) is an ERROR, a metric
// and a FAILED round saying so.
class CoordinatorLostStateTest : public CoordinatorTest {
 protected:
  void Configure(CoordinatorServerOptions& o) override { o.max_deliveries = 2; }

  double LostCounter(const std::string& reason) {
    for (const auto& family : server_.runner()->registry().Collect()) {
      if (family.name != "govinspect_coordinator_state_lost_total") continue;
      for (const auto& m : family.metric) {
        for (const auto& l : m.label) {
          if (l.name == "reason" && l.value == reason) return m.counter.value;
        }
      }
    }
    return -1;
  }
  int64_t OomErrors() {
    common::RedisConnection c(redis_.connection_options());
    return testing::OomErrors(c);
  }
  // The round as the coordinator answers once `done(round)` holds (Redis may be away meanwhile:
  // errors are waited out), bounded by a generous deadline.
  v1::Round WaitForRound(const std::string& name, std::function<bool(const v1::Round&)> done) {
    v1::Round r;
    const absl::Time deadline = absl::Now() + absl::Seconds(120);
    while (absl::Now() < deadline) {
      v1::GetRoundRequest req;
      req.set_name(name);
      r.Clear();
      if (rounds_->GetRound(Ctx().get(), req, &r).ok() && done(r)) return r;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << name << " did not get there; it is " << r.DebugString();
    return r;
  }
  // Creates round `id`; retried while UNAVAILABLE (pooled connections broken by a Redis restart
  // fail once), as the CLI does.
  void CreateRound(const std::string& id) {
    v1::CreateRoundRequest req;
    req.set_round_id(id);
    req.set_request_id(absl::StrCat("create-", id));
    req.mutable_round()->set_as_of("2020-06-30");
    v1::Round created;
    grpc::Status s;
    for (int attempt = 0; attempt < 10; ++attempt) {
      s = rounds_->CreateRound(Ctx().get(), req, &created);
      if (s.error_code() != grpc::StatusCode::UNAVAILABLE) break;
    }
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  void ImportRetrying() {
    grpc::Status s;
    for (int attempt = 0; attempt < 10; ++attempt) {
      s = Import();
      if (s.error_code() != grpc::StatusCode::UNAVAILABLE) break;
    }
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
};

// Done-when: Redis OOM mid-round ends in a state that names the lost targets.
TEST_F(CoordinatorLostStateTest, RedisRefusingWritesMidRoundFailsTheRoundNamingTheLostTargets) {
  ASSERT_TRUE(Import().ok());
  common::RedisConnection admin(redis_.connection_options());
  ASSERT_TRUE(admin.Command({"CONFIG", "SET", "maxmemory-policy", "noeviction"}).ok());
  // The portal site's crawl is the last task to finish: once the six other results are stored,
  // Redis is full (maxmemory 1 byte) and refuses its result on both deliveries.
  std::atomic<int> portal_calls{0};
  for (const char* kind : {"crawl", "account", "portal"}) {
    common::QueueWorkerOptions wo;
    wo.kind = kind;
    wo.threads = 2;
    wo.redis = redis_.connection_options();
    wo.queue.lease = absl::Seconds(5);  // far longer than a delivery's retry: never reclaimed
    wo.queue.max_deliveries = 2;        // during one
    wo.result_retry = absl::Milliseconds(300);
    wo.block = absl::Milliseconds(100);
    auto w = std::make_unique<common::QueueWorker>(
        wo,
        [this, &portal_calls](const common::v1::TaskPayload&, const common::Task& task)
            -> absl::StatusOr<common::v1::Observation> {
          if (task.target == "sites/zs-portal") {
            portal_calls++;
            common::RedisConnection c(redis_.connection_options());
            common::ObservationStore store(&c);
            const absl::Time deadline = absl::Now() + absl::Seconds(60);
            while (absl::Now() < deadline) {
              auto n = store.Count(task.round);
              if (n.ok() && *n >= 6) break;
              std::this_thread::sleep_for(std::chrono::milliseconds(20));
            }
            EXPECT_TRUE(c.Command({"CONFIG", "SET", "maxmemory", "1"}).ok());
          }
          common::v1::Observation o;
          o.set_status(common::v1::TARGET_STATUS_ASSESSED);
          return o;
        },
        nullptr);
    ASSERT_THAT(w->Start(), IsOk());
    workers_.push_back(std::move(w));
  }
  ::testing::internal::CaptureStderr();
  CreateRound("oom");
  v1::Round failed = WaitForRound("rounds/oom", [](const v1::Round& r) {
    return r.state() == v1::Round::FAILED || r.state() == v1::Round::DONE;
  });
  const std::string log = ::testing::internal::GetCapturedStderr();

  EXPECT_EQ(failed.state(), v1::Round::FAILED) << failed.DebugString();
  EXPECT_EQ(failed.error(), "1 个目标的结果未能保存（Redis 拒绝写入）：sites/zs-portal");
  EXPECT_EQ(failed.error(), LostResultsError({"sites/zs-portal"}));
  ASSERT_EQ(failed.notes_size(), 1) << failed.DebugString();
  EXPECT_THAT(failed.notes(0), HasSubstr("Redis 拒绝写入的原因：redis refused the write: OOM"));
  EXPECT_EQ(portal_calls.load(), 2);  // delivered again, then given up
  // Still full: the round was failed while Redis refused writes.
  EXPECT_FALSE(admin.Command({"HSET", "govinspect:probe", "x", "y"}).ok());
  EXPECT_GE(OomErrors(), 2);
  EXPECT_EQ(LostCounter("write_refused"), 1);
  EXPECT_EQ(LostCounter("redis_empty"), 0);
  EXPECT_THAT(log, HasSubstr("\"severity\":\"ERROR\""));
  EXPECT_THAT(log, HasSubstr("round failed: Redis refused to store the results of 1 targets"));
  EXPECT_THAT(log, HasSubstr("\"targets\":\"sites/zs-portal\""));

  // The six results that were stored are there; the lost one is not passed off as anything.
  v1::ListObservationsRequest lreq;
  lreq.set_parent("rounds/oom");
  v1::ListObservationsResponse obs;
  ASSERT_TRUE(rounds_->ListObservations(Ctx().get(), lreq, &obs).ok());
  EXPECT_EQ(obs.total_size(), 6);
  for (const auto& o : obs.observations()) EXPECT_NE(o.target(), "sites/zs-portal");
  ASSERT_TRUE(admin.Command({"CONFIG", "SET", "maxmemory", "0"}).ok());
}

// Redis restarted without its data, then (after a new import) flushed, each while a round runs:
// each round becomes FAILED with the reason, an ERROR is logged and the metric counts it.
TEST_F(CoordinatorLostStateTest, RedisComingBackEmptyMidRoundFailsTheRoundLoudly) {
  ASSERT_TRUE(Import().ok());
  ::testing::internal::CaptureStderr();
  CreateRound("gone1");  // no workers: it stays RUNNING
  WaitForRound("rounds/gone1", [](const v1::Round& r) { return r.state() == v1::Round::RUNNING; });
  redis_.Kill();
  ASSERT_THAT(redis_.Start(), IsOk());  // no AOF: empty
  v1::Round gone1 = WaitForRound("rounds/gone1",
                                 [](const v1::Round& r) { return r.state() != v1::Round::RUNNING; });

  ImportRetrying();
  CreateRound("gone2");
  WaitForRound("rounds/gone2", [](const v1::Round& r) { return r.state() == v1::Round::RUNNING; });
  common::RedisConnection admin(redis_.connection_options());
  ASSERT_TRUE(admin.Command({"FLUSHALL"}).ok());
  v1::Round gone2 = WaitForRound("rounds/gone2",
                                 [](const v1::Round& r) { return r.state() != v1::Round::RUNNING; });
  const std::string log = ::testing::internal::GetCapturedStderr();

  for (const v1::Round* r : {&gone1, &gone2}) {
    EXPECT_EQ(r->state(), v1::Round::FAILED) << r->DebugString();
    EXPECT_EQ(r->error(), kRedisEmptyError);
    EXPECT_THAT(r->error(), HasSubstr("本轮的状态已丢失"));
    EXPECT_EQ(r->as_of(), "2020-06-30");
    EXPECT_TRUE(r->has_end_time());
  }
  EXPECT_EQ(LostCounter("redis_empty"), 2);
  EXPECT_EQ(LostCounter("write_refused"), 0);
  EXPECT_THAT(log, HasSubstr("the round is gone from Redis: Redis came back empty"));
  for (const char* name : {"rounds/gone1", "rounds/gone2"}) {
    EXPECT_THAT(log, HasSubstr(absl::StrCat("\"round\":\"", name, "\"")));
  }
  EXPECT_THAT(log, HasSubstr("\"severity\":\"ERROR\""));
  // Listed as FAILED, not silently absent.
  v1::ListRoundsRequest lr;
  v1::ListRoundsResponse list;
  ASSERT_TRUE(rounds_->ListRounds(Ctx().get(), lr, &list).ok());
  ASSERT_EQ(list.rounds_size(), 1);  // gone1's copy went with the flush; gone2's was stored after
  EXPECT_EQ(list.rounds(0).name(), "rounds/gone2");
  EXPECT_EQ(list.rounds(0).state(), v1::Round::FAILED);
}

// The sweep's check itself, without a sweep running: a round the coordinator created that Redis
// lost is DATA_LOSS (not NOT_FOUND) until the check stores it again as FAILED, reported once.
TEST(RoundManagerLostTest, AKnownRoundGoneFromRedisIsDataLossThenFailedOnce) {
  testing::RedisServer redis;
  ASSERT_THAT(redis.Start(), IsOk());
  common::RedisPool pool(redis.connection_options());
  std::vector<std::string> reasons;
  RoundManagerOptions o;
  o.on_state_lost = [&](const std::string& reason) { reasons.push_back(reason); };
  RoundManager manager(o, &pool, nullptr);
  std::vector<RegistryFile> files;
  for (const char* f : {"units.csv", "sites.csv", "accounts.csv", "portals.csv"}) {
    files.push_back({f, ReadExample(f)});
  }
  ASSERT_THAT(manager.ImportRegistry(files, false), IsOk());
  v1::CreateRoundRequest req;
  req.set_round_id("k1");
  req.mutable_round()->set_as_of("2020-06-30");
  auto created = manager.CreateRound(req);
  ASSERT_THAT(created, IsOk());
  EXPECT_EQ(created->state(), v1::Round::RUNNING);
  auto active = manager.ActiveRounds();
  ASSERT_THAT(active, IsOk());
  manager.DetectLostRounds(*active);  // all there: nothing lost
  EXPECT_TRUE(reasons.empty());
  EXPECT_EQ(manager.GetRound("rounds/nope").status().code(), absl::StatusCode::kNotFound);

  common::RedisConnection admin(redis.connection_options());
  ASSERT_TRUE(admin.Command({"FLUSHALL"}).ok());
  auto gone = manager.GetRound("rounds/k1");
  EXPECT_EQ(gone.status().code(), absl::StatusCode::kDataLoss) << gone.status();
  EXPECT_THAT(std::string(gone.status().message()), HasSubstr("is gone from Redis"));
  active = manager.ActiveRounds();
  ASSERT_THAT(active, IsOk());
  EXPECT_TRUE(active->empty());
  manager.DetectLostRounds(*active);
  EXPECT_EQ(reasons, std::vector<std::string>{"redis_empty"});
  auto failed = manager.GetRound("rounds/k1");
  ASSERT_THAT(failed, IsOk());
  EXPECT_EQ(failed->state(), v1::Round::FAILED);
  EXPECT_EQ(failed->error(), kRedisEmptyError);
  EXPECT_EQ(failed->as_of(), "2020-06-30");
  // Later sweeps: FAILED is terminal, nothing more to report.
  manager.DetectLostRounds(*manager.ActiveRounds());
  EXPECT_EQ(reasons.size(), 1u);
}

TEST(AsOfWindowTest, FromTwentyFifteenToTomorrowInBeijing) {
  // 2020-06-30 20:00 UTC is 2020-07-01 04:00 in Beijing: tomorrow there is 07-02.
  const absl::Time now = absl::FromCivil(absl::CivilSecond(2020, 6, 30, 20, 0, 0), absl::UTCTimeZone());
  EXPECT_THAT(CheckAsOfWindow("2015-01-01", now), IsOk());
  EXPECT_THAT(CheckAsOfWindow("2020-07-02", now), IsOk());
  EXPECT_FALSE(CheckAsOfWindow("2020-07-03", now).ok());
  EXPECT_FALSE(CheckAsOfWindow("2014-12-31", now).ok());
  EXPECT_FALSE(CheckAsOfWindow("2020-02-30", now).ok());
  EXPECT_THAT(CheckRulesetName("gov-2019"), IsOk());
  EXPECT_THAT(CheckRulesetName("rulesets/guangdong-2020"), IsOk());
  for (const char* bad : {"", "../x", "a/b", ".hidden", "gov 2019", "规则"}) {
    EXPECT_FALSE(CheckRulesetName(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace govinspect::coordinator
