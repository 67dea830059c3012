#include "services/newmedia/unit_observation_store.h"

#include <thread>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "common/redis/observation_store.h"
#include "common/redis/redis_pool.h"
#include "common/testing/redis_server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace govinspect::newmedia {
namespace {

using ::govinspect::testing::OomErrors;

common::v1::Finding F(const std::string& kind, const std::string& detail) {
  common::v1::Finding f;
  f.set_kind(kind);
  f.set_detail(detail);
  return f;
}

std::vector<std::string> Kinds(const common::v1::Observation& o) {
  std::vector<std::string> out;
  for (const auto& f : o.findings()) out.push_back(f.kind() + ":" + f.detail());
  return out;
}

TEST(UnitObservationStoreTest, MergeKeepsTheOtherServicesFindingsAndReplacesOurs) {
  testing::RedisServer redis;
  ASSERT_TRUE(redis.Start().ok());
  common::RedisConnection conn(redis.connection_options());
  common::ObservationStore store(&conn);

  // dataopen was first: open-data findings and its evidence.
  common::v1::Observation dataopen;
  dataopen.set_target("units/zs-hpz");
  dataopen.set_unit("units/zs-hpz");
  dataopen.set_status(common::v1::TARGET_STATUS_ASSESSED);
  *dataopen.add_findings() = F("opendata_below_quota", "datasets=1 quota=5");
  dataopen.mutable_open_data();
  ASSERT_TRUE(store.Put("r1", dataopen).ok());

  common::v1::Observation mine;
  mine.set_target("units/zs-hpz");
  mine.set_unit("units/zs-hpz");
  mine.set_status(common::v1::TARGET_STATUS_ASSESSED);
  *mine.add_findings() = F("account_unfiled", "wechat");
  *mine.add_findings() = F("account_duplicate_platform", "weibo");
  ASSERT_TRUE(MergeUnitObservation(conn, "govinspect", "r1", mine).ok());
  // Delivered twice: still one copy of ours.
  ASSERT_TRUE(MergeUnitObservation(conn, "govinspect", "r1", mine).ok());
  auto got = store.Get("r1", "units/zs-hpz");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_THAT(Kinds(*got), ::testing::ElementsAre("opendata_below_quota:datasets=1 quota=5",
                                                  "account_unfiled:wechat",
                                                  "account_duplicate_platform:weibo"));
  EXPECT_TRUE(got->has_open_data());

  // A unit nobody wrote yet.
  mine.set_target("units/zs-jrj");
  ASSERT_TRUE(MergeUnitObservation(conn, "govinspect", "r1", mine).ok());
  auto fresh = store.Get("r1", "units/zs-jrj");
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(fresh->findings_size(), 2);
  EXPECT_EQ(fresh->status(), common::v1::TARGET_STATUS_ASSESSED);

  // dataopen's part written after ours (the portal task finished last) keeps our findings;
  // a part that could not be assessed makes the whole unit not assessed, never passed.
  common::v1::Observation late = dataopen;
  late.set_target("units/zs-jrj");
  late.set_status(common::v1::TARGET_STATUS_NOT_ASSESSED);
  late.set_not_assessed_reason("portal unreachable");
  late.clear_findings();
  ASSERT_TRUE(store.PutPart("r1", late, "portal").ok());
  auto merged = store.Get("r1", "units/zs-jrj");
  ASSERT_TRUE(merged.ok());
  EXPECT_EQ(merged->findings_size(), 2);
  EXPECT_EQ(merged->status(), common::v1::TARGET_STATUS_NOT_ASSESSED);
  EXPECT_EQ(merged->not_assessed_reason(), "portal unreachable");
  auto targets = store.Targets("r1");
  ASSERT_TRUE(targets.ok());
  EXPECT_THAT(*targets, ::testing::ElementsAre("units/zs-hpz", "units/zs-jrj"));
  auto count = store.Count("r1");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 2);
}

common::v1::Observation UnitFinding(const std::string& unit) {
  common::v1::Observation o;
  o.set_target(unit);
  o.set_unit(unit);
  o.set_status(common::v1::TARGET_STATUS_ASSESSED);
  *o.add_findings() = F("account_unfiled", "wechat");
  return o;
}

// newmedia's write of a unit's part retries like the queue worker's result writes: a Redis that
// refuses writes (maxmemory reached) is tried again until it accepts them ...
TEST(UnitObservationStoreTest, RefusedWriteIsRetriedUntilRedisAcceptsIt) {
  testing::RedisServer redis;
  ASSERT_TRUE(redis.Start().ok());
  common::RedisConnection admin(redis.connection_options());
  ASSERT_TRUE(admin.Command({"CONFIG", "SET", "maxmemory-policy", "noeviction"}).ok());
  ASSERT_TRUE(admin.Command({"CONFIG", "SET", "maxmemory", "1"}).ok());
  common::RedisPool pool(redis.connection_options());
  absl::Status stored = absl::UnknownError("not run");
  std::thread writer([&] {
    stored = StoreUnitObservation(pool, "govinspect", "r1", UnitFinding("units/zs-hpz"),
                                  absl::Minutes(5), [] { return false; });
  });
  // Once Redis has refused it, make room.
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (OomErrors(admin) < 1 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(20));
  EXPECT_GE(OomErrors(admin), 1);
  ASSERT_TRUE(admin.Command({"CONFIG", "SET", "maxmemory", "0"}).ok());
  writer.join();
  EXPECT_TRUE(stored.ok()) << stored;
  common::ObservationStore store(&admin);
  auto got = store.Get("r1", "units/zs-hpz");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_THAT(Kinds(*got), ::testing::ElementsAre("account_unfiled:wechat"));
}

// ... and, when Redis keeps refusing past the retry time, fails with the unit named and the
// refusal recognisable (the queue worker then gives the task up as lost on its last delivery).
TEST(UnitObservationStoreTest, WriteRefusedPastTheRetryNamesTheUnit) {
  testing::RedisServer redis;
  ASSERT_TRUE(redis.Start().ok());
  common::RedisConnection admin(redis.connection_options());
  ASSERT_TRUE(admin.Command({"CONFIG", "SET", "maxmemory-policy", "noeviction"}).ok());
  ASSERT_TRUE(admin.Command({"CONFIG", "SET", "maxmemory", "1"}).ok());
  common::RedisPool pool(redis.connection_options());
  absl::Status s = StoreUnitObservation(pool, "govinspect", "r1", UnitFinding("units/zs-jrj"),
                                        absl::Milliseconds(300), [] { return false; });
  EXPECT_TRUE(common::IsWriteRefused(s)) << s;
  EXPECT_TRUE(absl::StartsWith(s.message(), "units/zs-jrj: redis refused the write: OOM")) << s;
}

}  // namespace
}  // namespace govinspect::newmedia
