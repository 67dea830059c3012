// QueueWorker against a real Redis: many threads taking one queue, lease extension while a
// handler runs, redelivery and dead letters, corrupt payloads, cancelled rounds, a Redis restart.
// Also run under ThreadSanitizer (label tsan).
#include "common/worker/queue_worker.h"

#include <prometheus/registry.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/redis/observation_store.h"
#include "common/testing/redis_server.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace govinspect::common {
namespace {

using ::govinspect::testing::IsOk;
using ::govinspect::testing::OomErrors;

constexpr char kKind[] = "crawl";

std::string Payload(const std::string& round, const std::string& site) {
  v1::TaskPayload p;
  p.set_round(absl::StrCat("rounds/", round));
  p.set_as_of("2020-06-30");
  p.mutable_site()->set_name(site);
  p.mutable_site()->set_unit("units/u1");
  p.add_units()->set_name("units/u1");
  return p.SerializeAsString();
}

std::vector<TaskSpec> Tasks(const std::string& round, int n) {
  std::vector<TaskSpec> v;
  for (int i = 0; i < n; ++i) {
    const std::string site = absl::StrCat("sites/s", i);
    v.push_back({kKind, site, Payload(round, site)});
  }
  return v;
}

// Polls `done` every 20 ms for up to `timeout`.
template <typename F>
bool WaitFor(F done, absl::Duration timeout = absl::Seconds(30)) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

double CounterValue(prometheus::Registry& registry, const std::string& name,
                    const std::string& outcome) {
  for (const auto& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const auto& m : family.metric) {
      for (const auto& l : m.label) {
        if (l.name == "outcome" && l.value == outcome) return m.counter.value;
      }
    }
  }
  return -1;
}

class QueueWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_THAT(redis_.Start(), IsOk());
    conn_ = std::make_unique<RedisConnection>(redis_.connection_options());
  }

  QueueWorkerOptions Options(int threads, absl::Duration lease = absl::Seconds(60),
                             int max_deliveries = 5) {
    QueueWorkerOptions o;
    o.kind = kKind;
    o.threads = threads;
    o.redis = redis_.connection_options();
    o.queue.lease = lease;
    o.queue.max_deliveries = max_deliveries;
    o.consumer_prefix = "test";
    o.block = absl::Milliseconds(100);
    return o;
  }

  WorkQueueOptions QueueOptions(absl::Duration lease = absl::Seconds(60), int max_deliveries = 5) {
    WorkQueueOptions o;
    o.lease = lease;
    o.max_deliveries = max_deliveries;
    return o;
  }

  RoundProgress Progress(const std::string& round) {
    RedisConnection c(redis_.connection_options());
    WorkQueue q(&c, QueueOptions());
    auto p = q.Progress(round);
    return p.ok() ? *p : RoundProgress{};
  }

  testing::RedisServer redis_;
  std::unique_ptr<RedisConnection> conn_;
};

TEST_F(QueueWorkerTest, ManyThreadsDoEveryTaskOnceAndStoreTheObservations) {
  constexpr int kTasks = 60;
  WorkQueue q(conn_.get(), QueueOptions());
  ASSERT_THAT(q.EnsureGroup(kKind), IsOk());
  ASSERT_THAT(q.EnqueueRound("r1", Tasks("r1", kTasks)), IsOk());

  absl::Mutex mu;
  std::map<std::string, int> calls;  // target → handler calls
  prometheus::Registry registry;
  QueueWorker worker(
      Options(4),
      [&](const v1::TaskPayload& payload, const Task& task) -> absl::StatusOr<v1::Observation> {
        {
          absl::MutexLock lock(&mu);
          calls[task.target]++;
        }
        EXPECT_EQ(payload.site().name(), task.target);
        v1::Observation o;
        o.set_status(v1::TARGET_STATUS_ASSESSED);
        return o;
      },
      &registry);
  ASSERT_THAT(worker.Start(), IsOk());
  ASSERT_TRUE(WaitFor([&] { return Progress("r1").finished == kTasks; }));
  worker.Stop();
  worker.Stop();  // idempotent

  EXPECT_EQ(worker.tasks_done(), kTasks);
  {
    absl::MutexLock lock(&mu);
    EXPECT_EQ(calls.size(), static_cast<size_t>(kTasks));
    for (const auto& [target, n] : calls) EXPECT_EQ(n, 1) << target;
  }
  EXPECT_EQ(CounterValue(registry, "govinspect_worker_tasks_total", "done"), kTasks);
  EXPECT_EQ(CounterValue(registry, "govinspect_worker_tasks_total", "failed"), 0);

  ObservationStore store(conn_.get());
  auto count = store.Count("r1");
  ASSERT_THAT(count, IsOk());
  EXPECT_EQ(*count, kTasks);
  auto o = store.Get("r1", "sites/s7");
  ASSERT_THAT(o, IsOk());
  EXPECT_EQ(o->name(), "rounds/r1/observations/sites/s7");
  EXPECT_EQ(o->round(), "rounds/r1");
  EXPECT_EQ(o->unit(), "units/u1");
  EXPECT_THAT(o->worker(), ::testing::StartsWith("test-"));
  EXPECT_TRUE(o->has_observe_time());
}

TEST_F(QueueWorkerTest, LeaseIsExtendedWhileTheHandlerRuns) {
  WorkQueue q(conn_.get(), QueueOptions(absl::Milliseconds(300)));
  ASSERT_THAT(q.EnsureGroup(kKind), IsOk());
  ASSERT_THAT(q.EnqueueRound("r1", Tasks("r1", 1)), IsOk());
  std::atomic<int> calls{0};
  QueueWorker worker(Options(1, absl::Milliseconds(300)),
                     [&](const v1::TaskPayload&, const Task&) -> absl::StatusOr<v1::Observation> {
                       calls++;
                       // Four leases long: the keeper must extend it meanwhile.
                       std::this_thread::sleep_for(std::chrono::milliseconds(1200));
                       return v1::Observation();
                     },
                     nullptr);
  ASSERT_THAT(worker.Start(), IsOk());
  ASSERT_TRUE(WaitFor([&] { return calls.load() == 1; }));
  const absl::Time until = absl::Now() + absl::Milliseconds(900);
  while (absl::Now() < until) {
    auto stolen = q.Take(kKind, "thief", 1, absl::ZeroDuration());
    ASSERT_THAT(stolen, IsOk());
    EXPECT_TRUE(stolen->empty()) << "a task being worked was given to another consumer";
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(WaitFor([&] { return Progress("r1").finished == 1; }));
  worker.Stop();
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(Progress("r1").kinds[0].done, 1);
}

TEST_F(QueueWorkerTest, FailingTaskIsDeliveredAgainThenDeadLettered) {
  WorkQueue q(conn_.get(), QueueOptions(absl::Milliseconds(200), 3));
  ASSERT_THAT(q.EnsureGroup(kKind), IsOk());
  ASSERT_THAT(q.EnqueueRound("r1", Tasks("r1", 1)), IsOk());
  std::atomic<int> calls{0};
  prometheus::Registry registry;
  QueueWorker worker(Options(2, absl::Milliseconds(200), 3),
                     [&](const v1::TaskPayload&, const Task&) -> absl::StatusOr<v1::Observation> {
                       calls++;
                       return absl::UnavailableError("site down");
                     },
                     &registry);
  ASSERT_THAT(worker.Start(), IsOk());
  ASSERT_TRUE(WaitFor([&] { return Progress("r1").finished == 1; }));
  worker.Stop();
  RoundProgress p = Progress("r1");
  ASSERT_EQ(p.kinds.size(), 1u);
  EXPECT_EQ(p.kinds[0].dead, 1);
  EXPECT_EQ(p.kinds[0].done, 0);
  EXPECT_EQ(calls.load(), 3);  // max_deliveries, then the dead letter
  EXPECT_EQ(CounterValue(registry, "govinspect_worker_tasks_total", "failed"), 3);
  auto stats = q.Stats(kKind);
  ASSERT_THAT(stats, IsOk());
  EXPECT_EQ(stats->dead_letters, 1);
  ObservationStore store(conn_.get());
  auto count = store.Count("r1");
  ASSERT_THAT(count, IsOk());
  EXPECT_EQ(*count, 0);  // the coordinator marks it not assessed
}

TEST_F(QueueWorkerTest, HandlerWithoutObservationIsAFailure) {
  WorkQueue q(conn_.get(), QueueOptions(absl::Milliseconds(200), 1));
  ASSERT_THAT(q.EnsureGroup(kKind), IsOk());
  ASSERT_THAT(q.EnqueueRound("r1", Tasks("r1", 1)), IsOk());
  std::atomic<int> calls{0};
  QueueWorker worker(Options(1, absl::Milliseconds(200), 1),
                     MultiTaskHandler([&](const v1::TaskPayload&, const Task&)
                                          -> absl::StatusOr<std::vector<v1::Observation>> {
                       calls++;
                       return std::vector<v1::Observation>{};
                     }),
                     nullptr);
  ASSERT_THAT(worker.Start(), IsOk());
  ASSERT_TRUE(WaitFor([&] { return Progress("r1").finished == 1; }));
  worker.Stop();
  EXPECT_EQ(Progress("r1").kinds[0].dead, 1);
  EXPECT_EQ(calls.load(), 1);
}

// Redis full (maxmemory, noeviction) when a task's result is to be stored: the write is retried,
// and stored once Redis has room again — the task is not redone.
TEST_F(QueueWorkerTest, ResultRefusedByRedisIsStoredOnceRedisAcceptsWritesAgain) {
  WorkQueue q(conn_.get(), QueueOptions());
  ASSERT_THAT(q.EnsureGroup(kKind), IsOk());
  ASSERT_THAT(q.EnqueueRound("r1", Tasks("r1", 1)), IsOk());
  ASSERT_THAT(conn_->Command({"CONFIG", "SET", "maxmemory-policy", "noeviction"}), IsOk());
  std::atomic<int> calls{0};
  QueueWorkerOptions o = Options(1);
  o.result_retry = absl::Minutes(5);  // never runs out here
  QueueWorker worker(
      o,
      [&](const v1::TaskPayload&, const Task&) -> absl::StatusOr<v1::Observation> {
        calls++;
        RedisConnection admin(redis_.connection_options());
        EXPECT_THAT(admin.Command({"CONFIG", "SET", "maxmemory", "1"}), IsOk());
        v1::Observation obs;
        obs.set_status(v1::TARGET_STATUS_ASSESSED);
        return obs;
      },
      nullptr);
  ASSERT_THAT(worker.Start(), IsOk());
  ASSERT_TRUE(WaitFor([&] { return OomErrors(*conn_) >= 1; }, absl::Seconds(60)));
  ASSERT_THAT(conn_->Command({"CONFIG", "SET", "maxmemory", "0"}), IsOk());
  ASSERT_TRUE(WaitFor([&] { return Progress("r1").finished == 1; }, absl::Seconds(60)));
  worker.Stop();
  EXPECT_EQ(Progress("r1").kinds[0].done, 1);
  EXPECT_EQ(calls.load(), 1);
  ObservationStore store(conn_.get());
  auto obs = store.Get("r1", "sites/s0");
  ASSERT_THAT(obs, IsOk());
  EXPECT_EQ(obs->status(), v1::TARGET_STATUS_ASSESSED);
}

// Redis refusing writes on every delivery: the task is delivered again (the write retried each
// time), and on its last delivery given up as lost with the reason — recorded for the round (the
// coordinator fails it naming the target), dead-lettered, counted "lost".
TEST_F(QueueWorkerTest, ResultRefusedOnEveryDeliveryIsGivenUpAsLost) {
  WorkQueue q(conn_.get(), QueueOptions(absl::Milliseconds(300), 2));
  ASSERT_THAT(q.EnsureGroup(kKind), IsOk());
  ASSERT_THAT(q.EnqueueRound("r1", Tasks("r1", 1)), IsOk());
  ASSERT_THAT(conn_->Command({"CONFIG", "SET", "maxmemory-policy", "noeviction"}), IsOk());
  std::atomic<int> calls{0};
  QueueWorkerOptions o = Options(1, absl::Milliseconds(300), 2);
  o.result_retry = absl::Milliseconds(200);
  prometheus::Registry registry;
  QueueWorker worker(
      o,
      [&](const v1::TaskPayload&, const Task&) -> absl::StatusOr<v1::Observation> {
        calls++;
        RedisConnection admin(redis_.connection_options());
        EXPECT_THAT(admin.Command({"CONFIG", "SET", "maxmemory", "1"}), IsOk());
        return v1::Observation();
      },
      &registry);
  ASSERT_THAT(worker.Start(), IsOk());
  ASSERT_TRUE(WaitFor([&] { return Progress("r1").finished == 1; }, absl::Seconds(60)));
  worker.Stop();
  auto lost = q.LostTargets("r1");
  ASSERT_THAT(lost, IsOk());
  ASSERT_EQ(lost->size(), 1u);
  EXPECT_EQ(lost->begin()->first, "sites/s0");
  EXPECT_THAT(lost->begin()->second,
              ::testing::StartsWith("result not stored: redis refused the write: OOM"));
  EXPECT_EQ(calls.load(), 2);  // max_deliveries
  RoundProgress p = Progress("r1");
  EXPECT_EQ(p.kinds[0].dead, 1);
  EXPECT_EQ(p.kinds[0].done, 0);
  EXPECT_EQ(CounterValue(registry, "govinspect_worker_tasks_total", "lost"), 1);
  EXPECT_EQ(CounterValue(registry, "govinspect_worker_tasks_total", "failed"), 1);
  ASSERT_THAT(conn_->Command({"CONFIG", "SET", "maxmemory", "0"}), IsOk());
  ObservationStore store(conn_.get());
  auto count = store.Count("r1");
  ASSERT_THAT(count, IsOk());
  EXPECT_EQ(*count, 0);
}

TEST(RetryResultWriteTest, OnlyUnavailableAndRefusedWritesAreRetried) {
  int calls = 0;
  absl::Status s = RetryResultWrite(
      [&] {
        ++calls;
        return absl::FailedPreconditionError("WRONGTYPE");
      },
      absl::Minutes(5), [] { return false; });
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(calls, 1);
  calls = 0;
  s = RetryResultWrite(
      [&]() -> absl::Status {
        if (++calls == 1) return absl::UnavailableError("redis connect: refused");
        if (calls == 2) return absl::ResourceExhaustedError("redis refused the write: OOM");
        return absl::OkStatus();
      },
      absl::Minutes(5), [] { return false; });
  EXPECT_THAT(s, IsOk());
  EXPECT_EQ(calls, 3);
  calls = 0;
  s = RetryResultWrite(
      [&] {
        ++calls;
        return absl::UnavailableError("redis connect: refused");
      },
      absl::Minutes(5), [] { return true; });  // stopping: no retry
  EXPECT_EQ(calls, 1);
}

TEST_F(QueueWorkerTest, CorruptPayloadIsDeadLetteredWithoutRunningTheHandler) {
  WorkQueue q(conn_.get(), QueueOptions());
  ASSERT_THAT(q.EnsureGroup(kKind), IsOk());
  // Field 1, length 5, two bytes: not a TaskPayload.
  ASSERT_THAT(q.EnqueueRound("r1", {{kKind, "sites/bad", std::string("\x0a\x05" "ab", 4)}}),
              IsOk());
  std::atomic<int> calls{0};
  QueueWorker worker(Options(1),
                     [&](const v1::TaskPayload&, const Task&) -> absl::StatusOr<v1::Observation> {
                       calls++;
                       return v1::Observation();
                     },
                     nullptr);
  ASSERT_THAT(worker.Start(), IsOk());
  ASSERT_TRUE(WaitFor([&] { return Progress("r1").finished == 1; }));
  worker.Stop();
  EXPECT_EQ(calls.load(), 0);
  EXPECT_EQ(Progress("r1").kinds[0].dead, 1);
  auto dead = conn_->Command({"XRANGE", q.DeadKey(kKind), "-", "+"});
  ASSERT_THAT(dead, IsOk());
  ASSERT_EQ(dead->elements.size(), 1u);
}

TEST_F(QueueWorkerTest, TasksOfACancelledRoundAreDropped) {
  WorkQueue q(conn_.get(), QueueOptions());
  ASSERT_THAT(q.EnsureGroup(kKind), IsOk());
  ASSERT_THAT(q.EnqueueRound("r1", Tasks("r1", 5)), IsOk());
  ASSERT_THAT(q.MarkCancelled("r1"), IsOk());
  std::atomic<int> calls{0};
  prometheus::Registry registry;
  QueueWorker worker(Options(2),
                     [&](const v1::TaskPayload&, const Task&) -> absl::StatusOr<v1::Observation> {
                       calls++;
                       return v1::Observation();
                     },
                     &registry);
  ASSERT_THAT(worker.Start(), IsOk());
  ASSERT_TRUE(WaitFor([&] { return Progress("r1").finished == 5; }));
  worker.Stop();
  EXPECT_EQ(calls.load(), 0);
  EXPECT_EQ(CounterValue(registry, "govinspect_worker_tasks_total", "dropped"), 5);
}

TEST_F(QueueWorkerTest, StartRejectsBadOptionsAndAnUnreachableRedis) {
  auto handler = [](const v1::TaskPayload&, const Task&) -> absl::StatusOr<v1::Observation> {
    return v1::Observation();
  };
  QueueWorkerOptions no_kind = Options(1);
  no_kind.kind.clear();
  QueueWorker a(no_kind, handler, nullptr);
  absl::Status s = a.Start();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "queue worker without a kind");

  QueueWorker b(Options(0), handler, nullptr);
  s = b.Start();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "worker threads must be ≥ 1");

  QueueWorkerOptions down = Options(1);
  down.redis.unix_socket = "/nonexistent/redis.sock";
  down.redis.reconnect_attempts = 0;
  QueueWorker c(down, handler, nullptr);
  s = c.Start();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(s.message()), ::testing::StartsWith("redis connect: "));
}

// A Redis with AOF, restarted by the tests below, and workers that reconnect to it quickly.
QueueWorkerOptions RestartOptions(const testing::RedisServer& redis, int threads) {
  QueueWorkerOptions o;
  o.kind = kKind;
  o.threads = threads;
  o.redis = redis.connection_options();
  o.redis.reconnect_attempts = 1;
  o.redis.reconnect_backoff = absl::Milliseconds(50);
  o.consumer_prefix = "test";
  o.block = absl::Milliseconds(100);
  return o;
}

absl::Status EnqueueRound(const testing::RedisServer& redis, const std::string& round, int n) {
  RedisConnection c(redis.connection_options());
  WorkQueue q(&c, WorkQueueOptions{});
  return q.EnqueueRound(round, Tasks(round, n));
}

int64_t Finished(const testing::RedisServer& redis, const std::string& round) {
  RedisConnection c(redis.connection_options());
  WorkQueue q(&c, WorkQueueOptions{});
  auto p = q.Progress(round);
  return p.ok() ? p->finished : -1;
}

TEST(QueueWorkerRestartTest, KeepsWorkingAcrossARedisRestart) {
  testing::RedisServer::Options ro;
  ro.appendonly = true;
  testing::RedisServer redis(ro);
  ASSERT_THAT(redis.Start(), IsOk());
  QueueWorkerOptions o = RestartOptions(redis, 2);
  std::atomic<int> calls{0};
  QueueWorker worker(o,
                     [&](const v1::TaskPayload&, const Task&) -> absl::StatusOr<v1::Observation> {
                       calls++;
                       return v1::Observation();
                     },
                     nullptr);
  ASSERT_THAT(worker.Start(), IsOk());
  ASSERT_THAT(EnqueueRound(redis, "r1", 5), IsOk());
  ASSERT_TRUE(WaitFor([&] { return Finished(redis, "r1") == 5; }));
  // appendfsync everysec: let the AOF catch up, then kill Redis hard while the worker polls.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  redis.Kill();
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  ASSERT_THAT(redis.Start(), IsOk());
  ASSERT_THAT(EnqueueRound(redis, "r2", 5), IsOk());
  ASSERT_TRUE(WaitFor([&] { return Finished(redis, "r2") == 5; }));
  worker.Stop();
  EXPECT_EQ(calls.load(), 10);
}

// A task that finishes while Redis is restarting is stored and completed when Redis is back,
// not redone after its lease.
TEST(QueueWorkerRestartTest, FinishedWorkIsKeptAcrossARedisRestart) {
  testing::RedisServer::Options ro;
  ro.appendonly = true;
  testing::RedisServer redis(ro);
  ASSERT_THAT(redis.Start(), IsOk());
  QueueWorkerOptions o = RestartOptions(redis, 1);
  o.result_retry = absl::Seconds(20);
  std::atomic<int> calls{0};
  absl::Notification started, release;
  QueueWorker worker(o,
                     [&](const v1::TaskPayload&, const Task&) -> absl::StatusOr<v1::Observation> {
                       if (calls++ == 0) {
                         started.Notify();
                         release.WaitForNotificationWithTimeout(absl::Seconds(30));
                       }
                       return v1::Observation();
                     },
                     nullptr);
  ASSERT_THAT(EnqueueRound(redis, "r1", 1), IsOk());
  ASSERT_THAT(worker.Start(), IsOk());
  ASSERT_TRUE(started.WaitForNotificationWithTimeout(absl::Seconds(10)));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // AOF (everysec) has the take
  redis.Kill();
  release.Notify();  // the task finishes while Redis is down
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  ASSERT_THAT(redis.Start(), IsOk());
  ASSERT_TRUE(WaitFor([&] { return Finished(redis, "r1") == 1; }));
  worker.Stop();
  EXPECT_EQ(calls.load(), 1);  // stored and completed after the restart, not redone
}

}  // namespace
}  // namespace govinspect::common
