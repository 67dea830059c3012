// Availability end to end through Redis: the coordinator's schedule (compressed: a probe per
// site every 15 ms), the crawler's probe workers against the simulator, the round's verdict.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/csv/csv_reader.h"
#include "services/crawler/sim_harness.h"
#include "common/redis/observation_store.h"
#include "common/redis/redis_pool.h"
#include "common/testing/redis_server.h"
#include "common/testing/status_matchers.h"
#include "services/coordinator/probe_scheduler.h"
#include "services/coordinator/store.h"
#include "services/crawler/probe_worker.h"

namespace govinspect::crawler {
namespace {

using nlohmann::json;
using sim_harness::ReadFile;
using sim_harness::ReadSites;
using sim_harness::RunCommand;
using sim_harness::Sim;


TEST(ProbeSimTest, FailRatioAndVeto) {
  govinspect::testing::RedisServer redis;
  ASSERT_TRUE(redis.Start().ok());
  std::string dir = absl::StrCat(::testing::TempDir(), "/probe-tiny-", getpid());
  std::filesystem::remove_all(dir);
  int st = 0;
  RunCommand({SIMPROVINCE_BINARY, "generate", "--seed", "1", "--as-of", "2020-06-30", "--profile",
              "tiny", "--out", dir},
             &st);
  ASSERT_EQ(st, 0);
  std::vector<common::v1::Site> sites = ReadSites(dir);
  // Configured ratios: two sites just under and just over 5 % (--fault fail=), plus the
  // simulator's planted home-page failures (truth.json facts).
  std::map<std::string, double> want;
  json truth = json::parse(ReadFile(dir + "/truth.json"));
  for (const auto& t : truth["targets"]) {
    if (t["type"] == "site") want[t["target"]] = t["facts"]["home_failure_ratio"].get<double>();
  }
  auto host = [&](int i) { return sites[i].home_url().substr(7, sites[i].home_url().size() - 8); };
  want[sites[0].name()] = 0.04;
  want[sites[1].name()] = 0.06;
  Sim sim(dir, {"--fault", host(0) + ":fail=0.04,fail_mode=5xx", "--fault",
                host(1) + ":fail=0.06,fail_mode=reset"});
  ASSERT_FALSE(sim.address().empty());

  common::RedisPool pool(redis.connection_options());
  {
    auto conn = pool.Borrow();
    common::v1::Registry reg;
    for (const auto& s : sites) *reg.add_sites() = s;
    coordinator::RegistryStore store("govinspect");
    ASSERT_TRUE(store.Replace(*conn, reg).ok());
  }
  coordinator::ProbeOptions po;
  po.interval = absl::Milliseconds(15);
  po.jitter = 0.3;
  po.window = absl::Minutes(10);
  po.min_probes = 100;
  coordinator::ProbeScheduler scheduler(po, &pool);
  std::atomic<bool> stop{false};
  std::thread sched([&] { scheduler.Run(&stop); });
  ProbeWorkerOptions wo;
  wo.threads = 2;
  wo.redis = redis.connection_options();
  wo.engine.fetch.connect_to = sim.address();
  wo.engine.fetch.timeout = absl::Seconds(2);
  wo.block = absl::Milliseconds(100);
  ProbeWorker worker(wo, nullptr);
  ASSERT_TRUE(worker.Start().ok());
  // Bounded wait: until every site has at least 300 attempts (or 60 s).
  common::RedisConnection conn(redis.connection_options());
  coordinator::ProbeStore store(&conn, {});
  for (int i = 0; i < 600; ++i) {
    int64_t least = INT64_MAX;
    for (const auto& s : sites) {
      least = std::min<int64_t>(least, conn.Command({"ZCARD", store.AttemptsKey(s.name())})->integer);
    }
    if (least >= 300) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  stop = true;
  sched.join();
  worker.Stop();

  // The round: an observation per site, then the verdict.
  common::ObservationStore obs(&conn);
  common::v1::Registry reg;
  for (const auto& s : sites) {
    *reg.add_sites() = s;
    common::v1::Observation o;
    o.set_target(s.name());
    o.set_status(common::v1::TARGET_STATUS_ASSESSED);
    ASSERT_TRUE(obs.Put("avail", o).ok());
  }
  coordinator::ConfigureRoundAvailability(po);
  coordinator::v1::Round round;
  round.set_name("rounds/avail");
  round.set_as_of(absl::FormatCivilTime(absl::ToCivilDay(absl::Now(), absl::FixedTimeZone(8 * 3600))));
  ASSERT_TRUE(coordinator::ApplyAvailability(conn, "avail", round, reg).ok());
  for (const auto& s : sites) {
    auto o = obs.Get("avail", s.name());
    ASSERT_TRUE(o.ok());
    const auto& av = o->site().availability();
    double r = want[s.name()];
    bool veto = false;
    for (const auto& f : o->findings()) veto |= f.kind() == "site_unreachable";
    std::cerr << s.name() << ": configured " << r << " measured " << av.fail_ratio() << " ("
              << av.failures() << "/" << av.probes() << ") veto " << veto << "\n";
    EXPECT_GE(av.probes(), 300) << s.name();
    EXPECT_NEAR(av.fail_ratio(), r, 0.01) << s.name();
    EXPECT_EQ(veto, r >= 0.05) << s.name();
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace govinspect::crawler
