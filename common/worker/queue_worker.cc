#include "common/worker/queue_worker.h"

#include <algorithm>

#include <unistd.h>

#include <chrono>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log/log.h"
#include "common/redis/observation_store.h"
#include "google/protobuf/util/time_util.h"

namespace govinspect::common {

absl::Status RetryResultWrite(const std::function<absl::Status()>& write, absl::Duration retry_for,
                              const std::function<bool()>& stopping) {
  const absl::Time retry_until = absl::Now() + retry_for;
  absl::Duration backoff = absl::Milliseconds(100);
  for (;;) {
    absl::Status s = write();
    if (s.ok() || (s.code() != absl::StatusCode::kUnavailable && !IsWriteRefused(s)) ||
        stopping() || absl::Now() + backoff > retry_until) {
      return s;
    }
    absl::SleepFor(backoff);
    backoff = std::min(backoff * 2, absl::Seconds(2));
  }
}

std::string ResultNotStoredReason(const absl::Status& status) {
  return absl::StrCat("result not stored: ", status.message());
}

QueueWorker::QueueWorker(QueueWorkerOptions options, TaskHandler handler,
                         prometheus::Registry* registry)
    : QueueWorker(std::move(options),
                  MultiTaskHandler([handler = std::move(handler)](
                                       const v1::TaskPayload& payload, const Task& task)
                                       -> absl::StatusOr<std::vector<v1::Observation>> {
                    auto o = handler(payload, task);
                    if (!o.ok()) return o.status();
                    return std::vector<v1::Observation>{*std::move(o)};
                  }),
                  registry) {}

QueueWorker::QueueWorker(QueueWorkerOptions options, MultiTaskHandler handler,
                         prometheus::Registry* registry)
    : options_(std::move(options)), handler_(std::move(handler)) {
  if (options_.consumer_prefix.empty()) {
    char host[256] = {0};
    gethostname(host, sizeof(host) - 1);
    options_.consumer_prefix = absl::StrCat(host, "-", getpid());
  }
  if (registry != nullptr) {
    auto& tasks = prometheus::BuildCounter()
                      .Name("govinspect_worker_tasks_total")
                      .Help("Tasks finished by this worker, by outcome.")
                      .Register(*registry);
    done_counter_ = &tasks.Add({{"queue", options_.kind}, {"outcome", "done"}});
    failed_counter_ = &tasks.Add({{"queue", options_.kind}, {"outcome", "failed"}});
    dropped_counter_ = &tasks.Add({{"queue", options_.kind}, {"outcome", "dropped"}});
    dead_counter_ = &tasks.Add({{"queue", options_.kind}, {"outcome", "dead"}});
    lost_counter_ = &tasks.Add({{"queue", options_.kind}, {"outcome", "lost"}});
    duplicate_counter_ = &tasks.Add({{"queue", options_.kind}, {"outcome", "duplicate"}});
    in_progress_ = &prometheus::BuildGauge()
                        .Name("govinspect_worker_tasks_in_progress")
                        .Help("Tasks being worked now.")
                        .Register(*registry)
                        .Add({{"queue", options_.kind}});
    duration_ = &prometheus::BuildHistogram()
                     .Name("govinspect_worker_task_duration_seconds")
                     .Help("Time to do one task, from take to completion.")
                     .Register(*registry)
                     .Add({{"queue", options_.kind}},
                          // Up to an hour: a site's crawl runs up to --crawl_budget (30m).
                          prometheus::Histogram::BucketBoundaries{0.01, 0.05, 0.1, 0.5, 1, 2.5, 5,
                                                                  10, 30, 60, 120, 300, 600, 1200,
                                                                  1800, 3600});
  }
}

QueueWorker::~QueueWorker() { Stop(); }

absl::Status QueueWorker::Start() {
  if (options_.kind.empty()) return absl::InvalidArgumentError("queue worker without a kind");
  if (options_.threads < 1) return absl::InvalidArgumentError("worker threads must be ≥ 1");
  RedisConnection conn(options_.redis);
  WorkQueue queue(&conn, options_.queue);
  if (absl::Status s = queue.EnsureGroup(options_.kind); !s.ok()) return s;
  for (int i = 0; i < options_.threads; ++i) threads_.emplace_back([this, i] { Loop(i); });
  keeper_ = std::thread([this] { KeepLeases(); });
  GI_LOG(INFO).With("queue", options_.kind).With("threads", options_.threads)
      << "queue worker started";
  return absl::OkStatus();
}

void QueueWorker::Stop() {
  if (stopping_.exchange(true)) return;
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  keeper_stop_.Notify();
  if (keeper_.joinable()) keeper_.join();
  GI_LOG(INFO).With("queue", options_.kind).With("tasks_done", done_.load())
      << "queue worker stopped";
}

void QueueWorker::Loop(int index) {
  RedisConnection conn(options_.redis);
  WorkQueue queue(&conn, options_.queue);
  const std::string consumer = absl::StrCat(options_.consumer_prefix, "-", index);
  while (!stopping_.load()) {
    auto tasks = queue.Take(options_.kind, consumer, 1, options_.block);
    if (!tasks.ok()) {
      GI_LOG_EVERY_N_SEC(WARNING, 10).With("queue", options_.kind)
          << "cannot take tasks: " << tasks.status();
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      continue;
    }
    for (const Task& task : *tasks) Process(conn, queue, consumer, task);
  }
}

void QueueWorker::Process(RedisConnection& conn, WorkQueue& queue, const std::string& consumer,
                          const Task& task) {
  auto start = std::chrono::steady_clock::now();
  v1::TaskPayload payload;
  if (!payload.ParseFromString(task.payload)) {
    GI_LOG(ERROR).With("round", task.round).With("target", task.target)
        << "task payload is corrupt; dead-lettering it";
    queue.DeadLetter(task, "corrupt payload").IgnoreError();
    if (dead_counter_) dead_counter_->Increment();
    return;
  }
  auto cancelled = queue.IsCancelled(task.round);
  if (cancelled.ok() && *cancelled) {
    queue.Drop(task).IgnoreError();
    if (dropped_counter_) dropped_counter_->Increment();
    return;
  }
  {
    absl::MutexLock lock(&mu_);
    held_[consumer] = task;
  }
  if (in_progress_) in_progress_->Increment();
  absl::StatusOr<std::vector<v1::Observation>> obs = handler_(payload, task);
  {
    absl::MutexLock lock(&mu_);
    held_.erase(consumer);
  }
  if (in_progress_) in_progress_->Decrement();
  if (obs.ok() && obs->empty()) obs = absl::InternalError("the handler returned no observation");
  // Redis refused to store the result (maxmemory reached, …): the task is delivered again after
  // its lease (there may be room by then); on its last delivery it is given up as lost, which
  // fails the round naming the target instead of letting it pass as merely not assessed.
  auto not_stored = [&](const absl::Status& s) {
    if (task.deliveries < options_.queue.max_deliveries) {
      if (failed_counter_) failed_counter_->Increment();
      GI_LOG_EVERY_N_SEC(WARNING, 5).With("round", task.round).With("target", task.target)
              .With("deliveries", task.deliveries)
          << "result not stored, Redis refuses writes (the task will be delivered again): " << s;
      return;
    }
    auto lost = queue.GiveUpLost(task, ResultNotStoredReason(s));
    if (!lost.ok()) {
      GI_LOG_EVERY_N_SEC(WARNING, 5).With("round", task.round).With("target", task.target)
          << "cannot give up the task whose result was not stored: " << lost.status();
      return;
    }
    if (lost_counter_) lost_counter_->Increment();
    GI_LOG_EVERY_N_SEC(ERROR, 5).With("round", task.round).With("target", task.target)
            .With("deliveries", task.deliveries)
        << "result lost: Redis refused to store it on every delivery; the round fails naming "
           "the target: "
        << s;
  };
  if (!obs.ok()) {
    if (IsWriteRefused(obs.status())) return not_stored(obs.status());
    if (failed_counter_) failed_counter_->Increment();
    GI_LOG_EVERY_N_SEC(WARNING, 5).With("round", task.round).With("target", task.target)
        << "task failed (will be delivered again): " << obs.status();
    return;
  }
  // Redis unavailable (a restart) or refusing writes: keep trying for a bounded time; both steps
  // are idempotent (an observation overwrites itself, a task completes once).
  auto stopping = [this] { return stopping_.load(); };
  ObservationStore store(&conn, options_.queue.key_prefix);
  for (size_t i = 0; i < obs->size(); ++i) {
    v1::Observation& o = (*obs)[i];
    if (o.round().empty()) o.set_round(payload.round());
    if (o.target().empty() && i == 0) o.set_target(task.target);
    if (o.unit().empty() && i == 0 && payload.units_size() == 1) o.set_unit(payload.units(0).name());
    o.set_name(absl::StrCat(payload.round(), "/observations/", o.target()));
    if (o.worker().empty()) o.set_worker(consumer);
    if (!o.has_observe_time()) {
      *o.mutable_observe_time() = google::protobuf::util::TimeUtil::NanosecondsToTimestamp(
          absl::GetCurrentTimeNanos());
    }
    // Units are observed by several checkers: each stores its own part.
    absl::Status s = RetryResultWrite(
        [&] {
          return o.target().rfind("units/", 0) == 0 ? store.PutPart(task.round, o, options_.kind)
                                                    : store.Put(task.round, o);
        },
        options_.result_retry, stopping);
    if (IsWriteRefused(s)) {
      // Another target of the task (a unit of a portal task): named in the reason.
      if (i > 0) s = absl::Status(s.code(), absl::StrCat(o.target(), ": ", s.message()));
      return not_stored(s);
    }
    if (!s.ok()) {
      GI_LOG_EVERY_N_SEC(WARNING, 5) << "cannot store observation: " << s;
      return;  // redelivered later
    }
  }
  absl::StatusOr<CompleteResult> done;
  absl::Status completed = RetryResultWrite(
      [&] {
        done = queue.Complete(task);
        return done.status();
      },
      options_.result_retry, stopping);
  if (!completed.ok()) {
    GI_LOG_EVERY_N_SEC(WARNING, 5) << "cannot complete task: " << completed;
    return;
  }
  done_++;
  if (done->counted) {
    if (done_counter_) done_counter_->Increment();
  } else if (duplicate_counter_) {
    duplicate_counter_->Increment();
  }
  if (duration_) {
    duration_->Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
}

void QueueWorker::KeepLeases() {
  RedisConnection conn(options_.redis);
  WorkQueue queue(&conn, options_.queue);
  absl::Duration period = options_.queue.lease / 3;
  if (period < absl::Milliseconds(50)) period = absl::Milliseconds(50);
  while (!keeper_stop_.WaitForNotificationWithTimeout(period)) {
    std::map<std::string, Task> held;
    {
      absl::MutexLock lock(&mu_);
      held = held_;
    }
    for (const auto& [consumer, task] : held) {
      auto ok = queue.ExtendLease(task, consumer);
      if (!ok.ok()) {
        GI_LOG_EVERY_N_SEC(WARNING, 10) << "cannot extend lease: " << ok.status();
      } else if (!*ok) {
        GI_LOG_EVERY_N_SEC(WARNING, 10).With("target", task.target)
            << "lease lost; another worker may redo this task";
      }
    }
  }
}

}  // namespace govinspect::common
