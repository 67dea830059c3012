#include "common/redis/work_queue.h"

#include <atomic>
#include <chrono>
#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/testing/redis_server.h"
#include "common/testing/status_matchers.h"
#include "gtest/gtest.h"

namespace govinspect::common {
namespace {

using ::govinspect::testing::IsOk;

std::vector<TaskSpec> MakeTasks(const std::string& kind, int n) {
  std::vector<TaskSpec> v;
  for (int i = 0; i < n; ++i) v.push_back({kind, absl::StrCat("sites/s", i), "p"});
  return v;
}

class WorkQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_THAT(redis_.Start(), IsOk());
    conn_ = std::make_unique<RedisConnection>(redis_.connection_options());
  }
  WorkQueueOptions Opts(absl::Duration lease = absl::Seconds(60), int max_deliveries = 5) {
    WorkQueueOptions o;
    o.lease = lease;
    o.max_deliveries = max_deliveries;
    o.enqueue_batch = 7;  // several batches in small tests
    return o;
  }
  // Takes until `want` tasks arrived or 10 s passed.
  std::vector<Task> TakeUntil(WorkQueue& q, const std::string& consumer, size_t want) {
    std::vector<Task> got;
    absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (got.size() < want && absl::Now() < deadline) {
      auto t = q.Take("crawl", consumer, static_cast<int>(want - got.size()),
                      absl::Milliseconds(50));
      EXPECT_THAT(t, IsOk());
      if (!t.ok()) break;
      got.insert(got.end(), t->begin(), t->end());
    }
    return got;
  }
  int64_t EventCount(WorkQueue& q) {
    auto r = conn_->Command({"XLEN", q.EventsKey()});
    return r.ok() ? r->AsInt() : -1;
  }

  testing::RedisServer redis_;
  std::unique_ptr<RedisConnection> conn_;
};

TEST_F(WorkQueueTest, EnqueueTakeCompleteFinishesRoundOnce) {
  WorkQueue q(conn_.get(), Opts());
  ASSERT_THAT(q.EnqueueRound("r1", MakeTasks("crawl", 20)), IsOk());
  auto tasks = TakeUntil(q, "a", 20);
  ASSERT_EQ(tasks.size(), 20u);
  std::set<std::string> targets;
  int finished = 0;
  for (const auto& t : tasks) {
    EXPECT_EQ(t.round, "r1");
    EXPECT_EQ(t.deliveries, 1);
    targets.insert(t.target);
    auto c = q.Complete(t);
    ASSERT_THAT(c, IsOk());
    EXPECT_TRUE(c->counted);
    finished += c->round_finished;
  }
  EXPECT_EQ(targets.size(), 20u);
  EXPECT_EQ(finished, 1);
  EXPECT_EQ(EventCount(q), 1);
  auto p = q.Progress("r1");
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->total, 20);
  EXPECT_EQ(p->finished, 20);
  ASSERT_EQ(p->kinds.size(), 1u);
  EXPECT_EQ(p->kinds[0].done, 20);
  auto stats = q.Stats("crawl");
  ASSERT_THAT(stats, IsOk());
  EXPECT_EQ(stats->length, 0);
  EXPECT_EQ(stats->pending, 0);
}

TEST_F(WorkQueueTest, RedeliversAfterLeaseExpires) {
  WorkQueue q(conn_.get(), Opts(absl::Milliseconds(200)));
  ASSERT_THAT(q.EnqueueRound("r1", MakeTasks("crawl", 3)), IsOk());
  auto first = TakeUntil(q, "dies", 3);
  ASSERT_EQ(first.size(), 3u);
  // Nothing is redelivered while the lease holds.
  auto none = q.Take("crawl", "other", 10, absl::ZeroDuration());
  ASSERT_THAT(none, IsOk());
  EXPECT_TRUE(none->empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto again = TakeUntil(q, "other", 3);
  ASSERT_EQ(again.size(), 3u);
  for (const auto& t : again) {
    EXPECT_EQ(t.deliveries, 2);
    ASSERT_THAT(q.Complete(t), IsOk());
  }
  // The dead worker's late ack counts nothing.
  for (const auto& t : first) {
    auto c = q.Complete(t);
    ASSERT_THAT(c, IsOk());
    EXPECT_FALSE(c->counted);
  }
  auto p = q.Progress("r1");
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->finished, 3);
  EXPECT_EQ(p->kinds[0].done, 3);
  EXPECT_EQ(EventCount(q), 1);
}

TEST_F(WorkQueueTest, DeadLettersAfterMaxDeliveries) {
  WorkQueue q(conn_.get(), Opts(absl::Milliseconds(100), 2));
  ASSERT_THAT(q.EnqueueRound("r1", MakeTasks("crawl", 1)), IsOk());
  ASSERT_EQ(TakeUntil(q, "w1", 1).size(), 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  auto second = TakeUntil(q, "w2", 1);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].deliveries, 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  auto third = q.Take("crawl", "w3", 1, absl::ZeroDuration());
  ASSERT_THAT(third, IsOk());
  EXPECT_TRUE(third->empty());
  auto p = q.Progress("r1");
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->finished, 1);
  EXPECT_EQ(p->kinds[0].dead, 1);
  EXPECT_EQ(p->kinds[0].done, 0);
  auto stats = q.Stats("crawl");
  ASSERT_THAT(stats, IsOk());
  EXPECT_EQ(stats->dead_letters, 1);
  EXPECT_EQ(stats->length, 0);
  EXPECT_EQ(EventCount(q), 1);
  auto dead = conn_->Command({"XRANGE", q.DeadKey("crawl"), "-", "+"});
  ASSERT_THAT(dead, IsOk());
  ASSERT_EQ(dead->elements.size(), 1u);
}

TEST_F(WorkQueueTest, ConcurrentDuplicateAcksCountOnce) {
  constexpr int kTasks = 200;
  constexpr int kThreads = 6;
  {
    WorkQueue q(conn_.get(), Opts());
    ASSERT_THAT(q.EnqueueRound("r1", MakeTasks("crawl", kTasks)), IsOk());
  }
  WorkQueue q(conn_.get(), Opts());
  auto tasks = TakeUntil(q, "a", kTasks);
  ASSERT_EQ(tasks.size(), static_cast<size_t>(kTasks));
  std::atomic<int> counted{0}, finished{0}, errors{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      RedisConnection c(redis_.connection_options());
      WorkQueue wq(&c, Opts());
      // Each thread acks every task, in a different order.
      for (int k = 0; k < kTasks; ++k) {
        const Task& t = tasks[(k * (i + 1) * 7 + i) % kTasks];
        auto r = wq.Complete(t);
        if (!r.ok()) {
          errors++;
          continue;
        }
        counted += r->counted;
        finished += r->round_finished;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(counted.load(), kTasks);
  EXPECT_EQ(finished.load(), 1);
  auto p = q.Progress("r1");
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->kinds[0].done, kTasks);
  EXPECT_EQ(EventCount(q), 1);
}

TEST_F(WorkQueueTest, ExtendedLeaseIsNotTakenAndLostLeaseIsReported) {
  WorkQueue q(conn_.get(), Opts(absl::Milliseconds(300)));
  ASSERT_THAT(q.EnqueueRound("r1", MakeTasks("crawl", 1)), IsOk());
  auto held = TakeUntil(q, "slow", 1);
  ASSERT_EQ(held.size(), 1u);
  for (int i = 0; i < 6; ++i) {  // 600 ms: twice the lease
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto ok = q.ExtendLease(held[0], "slow");
    ASSERT_THAT(ok, IsOk());
    EXPECT_TRUE(*ok);
    auto stolen = q.Take("crawl", "thief", 1, absl::ZeroDuration());
    ASSERT_THAT(stolen, IsOk());
    EXPECT_TRUE(stolen->empty());
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  auto taken = TakeUntil(q, "thief", 1);
  ASSERT_EQ(taken.size(), 1u);
  auto lost = q.ExtendLease(held[0], "slow");
  ASSERT_THAT(lost, IsOk());
  EXPECT_FALSE(*lost);
}

TEST_F(WorkQueueTest, ReEnqueueAfterCrashKeepsTotals) {
  WorkQueue q(conn_.get(), Opts());
  auto tasks = MakeTasks("crawl", 5);
  ASSERT_THAT(q.EnqueueRound("r1", tasks), IsOk());
  auto got = TakeUntil(q, "a", 5);
  ASSERT_EQ(got.size(), 5u);
  for (int i = 0; i < 2; ++i) ASSERT_THAT(q.Complete(got[i]), IsOk());
  // The coordinator died mid-way and enqueues the round again.
  ASSERT_THAT(q.EnqueueRound("r1", tasks), IsOk());
  auto more = TakeUntil(q, "b", 5);
  ASSERT_EQ(more.size(), 5u);
  int finished = 0;
  for (const auto& t : more) {
    auto c = q.Complete(t);
    ASSERT_THAT(c, IsOk());
    finished += c->round_finished;
  }
  for (int i = 2; i < 5; ++i) ASSERT_THAT(q.Complete(got[i]), IsOk());
  auto p = q.Progress("r1");
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->total, 5);
  EXPECT_EQ(p->finished, 5);
  EXPECT_EQ(finished, 1);
}

TEST_F(WorkQueueTest, CompleteManyCountsEachTaskOnce) {
  WorkQueue q(conn_.get(), Opts());
  ASSERT_THAT(q.EnqueueRound("r1", MakeTasks("crawl", 50)), IsOk());
  auto tasks = TakeUntil(q, "a", 50);
  ASSERT_EQ(tasks.size(), 50u);
  std::vector<Task> batch = tasks;
  batch.insert(batch.end(), tasks.begin(), tasks.begin() + 10);  // duplicates in one batch
  auto results = q.CompleteMany(batch);
  ASSERT_THAT(results, IsOk());
  ASSERT_EQ(results->size(), 60u);
  int counted = 0, finished = 0;
  for (const auto& r : *results) {
    counted += r.counted;
    finished += r.round_finished;
  }
  EXPECT_EQ(counted, 50);
  EXPECT_EQ(finished, 1);
  EXPECT_EQ(EventCount(q), 1);
}

// Redis full (maxmemory with noeviction): writes are refused with a status IsWriteRefused
// recognises, but the queue's bookkeeping still runs, so that a task whose result cannot be
// stored is given up as lost — recorded for its round, counted dead, dead-lettered — and the
// round still finishes.
TEST_F(WorkQueueTest, TaskGivenUpAsLostIsRecordedWhileRedisRefusesWrites) {
  WorkQueue q(conn_.get(), Opts());
  ASSERT_THAT(q.EnqueueRound("r1", MakeTasks("crawl", 2)), IsOk());
  auto tasks = TakeUntil(q, "w1", 2);
  ASSERT_EQ(tasks.size(), 2u);
  ASSERT_THAT(conn_->Command({"CONFIG", "SET", "maxmemory-policy", "noeviction"}), IsOk());
  ASSERT_THAT(conn_->Command({"CONFIG", "SET", "maxmemory", "1"}), IsOk());

  auto refused = conn_->Command({"HSET", "govinspect:round:r1:obs", "sites/s0", "x"});
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(IsWriteRefused(refused.status())) << refused.status();
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "redis refused the write: OOM"))
      << refused.status();
  // Context prefixed by a caller keeps it recognisable; other errors are not refusals.
  EXPECT_TRUE(IsWriteRefused(absl::Status(refused.status().code(),
                                          absl::StrCat("units/u1: ", refused.status().message()))));
  EXPECT_FALSE(IsWriteRefused(absl::UnavailableError("redis connect: refused")));
  EXPECT_FALSE(IsWriteRefused(absl::ResourceExhaustedError("executor full")));

  auto lost = q.GiveUpLost(tasks[0], "result not stored: redis refused the write: OOM");
  ASSERT_THAT(lost, IsOk());
  EXPECT_TRUE(lost->counted);
  auto done = q.Complete(tasks[1]);
  ASSERT_THAT(done, IsOk());
  EXPECT_TRUE(done->round_finished);
  // Given up twice (another worker): recorded and counted once.
  ASSERT_THAT(q.GiveUpLost(tasks[0], "again"), IsOk());

  auto targets = q.LostTargets("r1");
  ASSERT_THAT(targets, IsOk());
  ASSERT_EQ(targets->size(), 1u);
  EXPECT_EQ(targets->begin()->first, tasks[0].target);
  EXPECT_EQ(targets->begin()->second, "result not stored: redis refused the write: OOM");
  auto p = q.Progress("r1");
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->finished, 2);
  EXPECT_EQ(p->kinds[0].dead, 1);
  EXPECT_EQ(p->kinds[0].done, 1);
  EXPECT_EQ(EventCount(q), 1);
  auto stats = q.Stats("crawl");
  ASSERT_THAT(stats, IsOk());
  EXPECT_EQ(stats->dead_letters, 1);
  EXPECT_EQ(stats->pending, 0);
  auto empty = q.LostTargets("r2");
  ASSERT_THAT(empty, IsOk());
  EXPECT_TRUE(empty->empty());
}

TEST(WorkQueueRestartTest, TasksSurviveRedisRestartWithAof) {
  testing::RedisServer::Options o;
  o.appendonly = true;
  testing::RedisServer redis(o);
  ASSERT_THAT(redis.Start(), IsOk());
  RedisConnection conn(redis.connection_options());
  WorkQueue q(&conn, WorkQueueOptions{});
  ASSERT_THAT(q.EnqueueRound("r1", MakeTasks("crawl", 10)), IsOk());
  // appendfsync everysec: give the fsync a moment, then kill hard.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  redis.Kill();
  ASSERT_THAT(redis.Start(), IsOk());
  std::vector<Task> got;
  absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (got.size() < 10 && absl::Now() < deadline) {
    auto t = q.Take("crawl", "a", 10, absl::Milliseconds(50));
    if (t.ok()) got.insert(got.end(), t->begin(), t->end());
  }
  EXPECT_EQ(got.size(), 10u);
}

TEST(RedisAddressTest, Parses) {
  RedisOptions o;
  ASSERT_THAT(ParseRedisAddress("10.0.0.1:6380", &o), IsOk());
  EXPECT_EQ(o.host, "10.0.0.1");
  EXPECT_EQ(o.port, 6380);
  ASSERT_THAT(ParseRedisAddress("unix:/tmp/r.sock", &o), IsOk());
  EXPECT_EQ(o.unix_socket, "/tmp/r.sock");
  ASSERT_THAT(ParseRedisAddress("[::1]:7000", &o), IsOk());
  EXPECT_EQ(o.host, "::1");
  EXPECT_FALSE(ParseRedisAddress("localhost", &o).ok());
  EXPECT_FALSE(ParseRedisAddress("h:0", &o).ok());
  EXPECT_FALSE(ParseRedisAddress("unix:", &o).ok());
}

// Redis down: every call fails UNAVAILABLE after the reconnect attempts (docs/bad-input.md).
TEST(RedisDownTest, UnreachableServerIsUnavailableAfterTheRetries) {
  RedisOptions o;
  o.unix_socket = "/nonexistent/redis.sock";
  o.reconnect_attempts = 2;
  o.reconnect_backoff = absl::Milliseconds(20);
  RedisConnection c(o);
  const absl::Time start = absl::Now();
  auto r = c.Command({"PING"});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(r.status().message(), "redis connect: No such file or directory");
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(60));  // 20 ms + 40 ms of backoff
  WorkQueue q(&c, WorkQueueOptions{});
  EXPECT_EQ(q.EnqueueRound("r1", MakeTasks("crawl", 1)).code(), absl::StatusCode::kUnavailable);
}

// Redis too slow: a command that gets no answer within command_timeout fails UNAVAILABLE (the
// caller retries if it is idempotent); the next call reconnects.
TEST(RedisSlowTest, CommandTimeoutIsUnavailableAndTheNextCallReconnects) {
  testing::RedisServer redis;
  ASSERT_THAT(redis.Start(), IsOk());
  RedisOptions o = redis.connection_options();
  o.command_timeout = absl::Milliseconds(200);
  RedisConnection slow(o);
  ASSERT_THAT(slow.Command({"PING"}), IsOk());
  RedisConnection admin(redis.connection_options());
  ASSERT_THAT(admin.Command({"CLIENT", "PAUSE", "1500", "ALL"}), IsOk());
  const absl::Time start = absl::Now();
  auto r = slow.Command({"PING"});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StartsWith(r.status().message(), "redis PING: ")) << r.status();
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(1200));
  EXPECT_FALSE(slow.connected());
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_THAT(slow.Command({"PING"}), IsOk());
}

TEST(RedisAuthTest, PasswordIsRequiredAndUsed) {
  testing::RedisServer::Options o;
  o.password = "s3cret";
  testing::RedisServer redis(o);
  ASSERT_THAT(redis.Start(), IsOk());
  RedisOptions good = redis.connection_options();
  RedisConnection c(good);
  EXPECT_THAT(c.Command({"PING"}), IsOk());
  RedisOptions bad = good;
  bad.password = "wrong";
  bad.reconnect_attempts = 0;
  RedisConnection c2(bad);
  EXPECT_FALSE(c2.Command({"PING"}).ok());
}

}  // namespace
}  // namespace govinspect::common
