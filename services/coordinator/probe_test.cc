// Probe schedule, attempts and the round's availability verdict against a real redis-server.
#include <gtest/gtest.h>

#include <random>

#include "absl/time/clock.h"
#include "common/redis/observation_store.h"
#include "common/testing/redis_server.h"
#include "common/testing/status_matchers.h"
#include "services/coordinator/probe_scheduler.h"
#include "services/coordinator/probe_store.h"

namespace govinspect::coordinator {
namespace {

using ::govinspect::testing::IsOk;

class ProbeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_THAT(redis_.Start(), IsOk());
    conn_ = std::make_unique<common::RedisConnection>(redis_.connection_options());
  }
  govinspect::testing::RedisServer redis_;
  std::unique_ptr<common::RedisConnection> conn_;
};

TEST_F(ProbeTest, ScheduleEnqueueTakeRecord) {
  ProbeStore store(conn_.get(), {});
  std::mt19937_64 rng(1);
  absl::Time t0 = absl::FromUnixSeconds(1700000000);
  ASSERT_THAT(store.SyncSchedule({{"sites/a", "http://a.gov.cn/"}, {"sites/b", "http://b.gov.cn/"}},
                                 t0, absl::Minutes(10), rng),
              IsOk());
  ASSERT_THAT(store.EnsureGroup(), IsOk());
  // Nothing is due before the first interval has passed... and everything after it.
  EXPECT_EQ(*store.EnqueueDue(t0 - absl::Seconds(1), absl::Minutes(10), 0.3, 100, rng), 0);
  EXPECT_EQ(*store.EnqueueDue(t0 + absl::Minutes(10), absl::Minutes(10), 0.3, 100, rng), 2);
  // Each site's next probe is 7..13 minutes later: not due again at once.
  EXPECT_EQ(*store.EnqueueDue(t0 + absl::Minutes(11), absl::Minutes(10), 0.3, 100, rng), 0);
  auto tasks = store.Take("w1", 10, absl::Milliseconds(10));
  ASSERT_THAT(tasks.status(), IsOk());
  ASSERT_EQ(tasks->size(), 2u);
  for (const auto& t : *tasks) {
    ProbeAttempt a{t.scheduled_ms, t.scheduled_ms + 5, t.site == "sites/a", 12,
                   t.site == "sites/a" ? "ok" : "http_503"};
    ASSERT_THAT(store.Record(t, a), IsOk());
    ASSERT_THAT(store.Record(t, a), IsOk());  // delivered twice: one attempt
  }
  auto a = store.Attempts("sites/a", t0, t0 + absl::Hours(1));
  auto b = store.Attempts("sites/b", t0, t0 + absl::Hours(1));
  ASSERT_EQ(a->size(), 1u);
  ASSERT_EQ(b->size(), 1u);
  EXPECT_TRUE((*a)[0].success);
  EXPECT_EQ((*b)[0].reason, "http_503");
  // A site removed from the registry leaves the schedule.
  ASSERT_THAT(store.SyncSchedule({{"sites/a", "http://a.gov.cn/"}}, t0, absl::Minutes(10), rng), IsOk());
  EXPECT_EQ(conn_->Command({"ZCARD", store.ScheduleKey()})->integer, 1);
}

TEST(ProbeSummaryTest, VetoAtFivePercent) {
  std::vector<ProbeAttempt> v(140);
  for (int i = 0; i < 140; ++i) v[i].success = i >= 7;  // 7/140 = 5.0 %
  AvailabilitySummary s = Summarize(v, 20, 0.05);
  EXPECT_TRUE(s.unreachable);
  EXPECT_EQ(s.failures, 7);
  v[0].success = true;  // 6/140 = 4.3 %
  EXPECT_FALSE(Summarize(v, 20, 0.05).unreachable);
  std::vector<ProbeAttempt> few(10);
  EXPECT_FALSE(Summarize(few, 20, 0.05).sufficient);
  EXPECT_FALSE(Summarize(few, 20, 0.05).unreachable);
}

TEST(ProbeSummaryTest, WindowEnd) {
  absl::Time now = absl::FromUnixSeconds(1593532800 - 3600);  // 2020-06-30 23:00 UTC+8
  EXPECT_EQ(AvailabilityWindowEnd("2020-06-30", now), now);
  EXPECT_EQ(AvailabilityWindowEnd("2020-06-29", now), absl::FromUnixSeconds(1593446400));
  // A round created after its as_of day: the window ends now.
  EXPECT_EQ(AvailabilityWindowEnd("2020-06-29", now, now - absl::Minutes(5)), now);
  EXPECT_EQ(AvailabilityWindowEnd("2020-06-30", now, now - absl::Minutes(5)), now);
}

TEST_F(ProbeTest, RoundGetsFindingAndEvidence) {
  ProbeOptions o;
  o.min_probes = 10;
  ConfigureRoundAvailability(o);
  ProbeStore store(conn_.get(), o.store);
  absl::Time now = absl::Now();
  int64_t base = absl::ToUnixMillis(now) - 3600 * 1000;
  for (int i = 0; i < 40; ++i) {  // a: 3/40 fail = 7.5 %; b: 1/40 = 2.5 %
    ProbeTask ta{"", "sites/a", "http://a/", base + i * 1000};
    ProbeTask tb{"", "sites/b", "http://b/", base + i * 1000};
    ASSERT_THAT(store.Record(ta, {ta.scheduled_ms, ta.scheduled_ms, i % 13 != 0, 5, i % 13 ? "ok" : "timeout"}), IsOk());
    ASSERT_THAT(store.Record(tb, {tb.scheduled_ms, tb.scheduled_ms, i != 5, 5, i != 5 ? "ok" : "reset"}), IsOk());
  }
  common::ObservationStore obs(conn_.get());
  for (const char* t : {"sites/a", "sites/b"}) {
    common::v1::Observation ob;
    ob.set_target(t);
    ob.set_status(common::v1::TARGET_STATUS_ASSESSED);
    ASSERT_THAT(obs.Put("r1", ob), IsOk());
  }
  common::v1::Registry reg;
  reg.add_sites()->set_name("sites/a");
  reg.add_sites()->set_name("sites/b");
  v1::Round round;
  round.set_name("rounds/r1");
  round.set_as_of(absl::FormatCivilTime(absl::ToCivilDay(now, absl::FixedTimeZone(8 * 3600))));
  ASSERT_THAT(ApplyAvailability(*conn_, "r1", round, reg), IsOk());
  ASSERT_THAT(ApplyAvailability(*conn_, "r1", round, reg), IsOk());  // idempotent
  auto a = obs.Get("r1", "sites/a");
  auto b = obs.Get("r1", "sites/b");
  ASSERT_EQ(a->findings_size(), 1);
  EXPECT_EQ(a->findings(0).kind(), "site_unreachable");
  EXPECT_EQ(a->site().availability().probes(), 40);
  EXPECT_EQ(a->site().availability().failures(), 4);
  EXPECT_EQ(b->findings_size(), 0);
  EXPECT_EQ(b->site().availability().failures(), 1);
  EXPECT_NEAR(b->site().availability().fail_ratio(), 0.025, 1e-9);
  ConfigureRoundAvailability(ProbeOptions{.enabled = false});
}

// A site whose home page the crawl could not read (NOT_ASSESSED with the reason) is vetoed when
// the window's probes say so, stays NOT_ASSESSED when they do not (too few probes: probes off,
// a past as_of, a site added late; or a clean window) — never passed. Re-applying with fewer
// probes takes the veto back and the site is NOT_ASSESSED again.
TEST_F(ProbeTest, UnreadSiteIsVetoedOrStaysNotAssessed) {
  ProbeOptions o;
  o.min_probes = 10;
  ConfigureRoundAvailability(o);
  ProbeStore store(conn_.get(), o.store);
  absl::Time now = absl::Now();
  int64_t base = absl::ToUnixMillis(now) - 3600 * 1000;
  for (int i = 0; i < 20; ++i) {  // down: every probe fails; up: none; few: 3 probes, all fail
    ProbeTask td{"", "sites/down", "http://down/", base + i * 1000};
    ProbeTask tu{"", "sites/up", "http://up/", base + i * 1000};
    ASSERT_THAT(store.Record(td, {td.scheduled_ms, td.scheduled_ms, false, 15, "timeout"}), IsOk());
    ASSERT_THAT(store.Record(tu, {tu.scheduled_ms, tu.scheduled_ms, true, 1, "ok"}), IsOk());
    if (i < 3) {
      ProbeTask tf{"", "sites/few", "http://few/", base + i * 1000};
      ASSERT_THAT(store.Record(tf, {tf.scheduled_ms, tf.scheduled_ms, false, 15, "timeout"}), IsOk());
    }
  }
  common::ObservationStore obs(conn_.get());
  common::v1::Registry reg;
  for (const char* t : {"sites/down", "sites/up", "sites/few", "sites/none"}) {
    common::v1::Observation ob;
    ob.set_target(t);
    ob.set_status(common::v1::TARGET_STATUS_NOT_ASSESSED);
    ob.set_not_assessed_reason("首页无法读取（timeout）");
    ASSERT_THAT(obs.Put("r1", ob), IsOk());
    reg.add_sites()->set_name(t);
  }
  v1::Round round;
  round.set_name("rounds/r1");
  round.set_as_of(absl::FormatCivilTime(absl::ToCivilDay(now, absl::FixedTimeZone(8 * 3600))));
  ASSERT_THAT(ApplyAvailability(*conn_, "r1", round, reg), IsOk());
  auto down = obs.Get("r1", "sites/down");
  ASSERT_THAT(down.status(), IsOk());
  EXPECT_EQ(down->status(), common::v1::TARGET_STATUS_ASSESSED);
  ASSERT_EQ(down->findings_size(), 1);
  EXPECT_EQ(down->findings(0).kind(), "site_unreachable");
  EXPECT_EQ(down->not_assessed_reason(), "首页无法读取（timeout）");  // kept as evidence
  for (const char* t : {"sites/up", "sites/few", "sites/none"}) {
    auto ob = obs.Get("r1", t);
    ASSERT_THAT(ob.status(), IsOk());
    EXPECT_EQ(ob->status(), common::v1::TARGET_STATUS_NOT_ASSESSED) << t;
    EXPECT_EQ(ob->findings_size(), 0) << t;
  }
  // The same round applied with a stricter minimum: no verdict, so no longer assessed.
  o.min_probes = 100;
  ConfigureRoundAvailability(o);
  ASSERT_THAT(ApplyAvailability(*conn_, "r1", round, reg), IsOk());
  down = obs.Get("r1", "sites/down");
  EXPECT_EQ(down->status(), common::v1::TARGET_STATUS_NOT_ASSESSED);
  EXPECT_EQ(down->findings_size(), 0);
  ConfigureRoundAvailability(ProbeOptions{.enabled = false});
}

}  // namespace
}  // namespace govinspect::coordinator
