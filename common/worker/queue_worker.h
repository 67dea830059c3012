#ifndef GOVINSPECT_COMMON_WORKER_QUEUE_WORKER_H_
#define GOVINSPECT_COMMON_WORKER_QUEUE_WORKER_H_

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "common/redis/redis_client.h"
#include "common/redis/work_queue.h"
#include "govinspect/common/v1/observation.pb.h"
#include "govinspect/common/v1/task.pb.h"

namespace govinspect::common {

struct QueueWorkerOptions {
  // The queue to work, e.g. "crawl".
  std::string kind;
  int threads = 4;
  RedisOptions redis;
  WorkQueueOptions queue;
  // Consumer names are <consumer_prefix>-<thread>; default <hostname>-<pid>.
  std::string consumer_prefix;
  // How long one Take waits for new work (also bounds how fast Stop returns).
  absl::Duration block = absl::Seconds(1);
  // Storing a finished task's observations and completing it (both idempotent) are retried this
  // long while Redis is unavailable (restarting, failing over) or refuses writes (maxmemory), so
  // that finished work is kept instead of being redone after the lease (RetryResultWrite). A
  // result Redis still refuses is not acknowledged: the task is delivered again, and given up on
  // its last delivery as lost (WorkQueue::GiveUpLost), which fails its round.
  absl::Duration result_retry = absl::Seconds(20);
};

// Runs `write`, an idempotent Redis write of a task's result, again with backoff (100 ms
// doubling to 2 s) while it fails because Redis is unavailable or refuses writes
// (IsWriteRefused), for up to `retry_for` or until `stopping()` is true. Every worker's result
// writes go through it (the queue worker's, newmedia's unit parts).
absl::Status RetryResultWrite(const std::function<absl::Status()>& write, absl::Duration retry_for,
                              const std::function<bool()>& stopping);

// The reason recorded for a task given up because its result could not be stored.
std::string ResultNotStoredReason(const absl::Status& status);

// Does one task. Returns the observation to store (round/target/unit are filled in if empty).
// An error leaves the task unacknowledged: it is delivered again after its lease and
// dead-lettered after max_deliveries. An error for which IsWriteRefused holds (the handler's own
// Redis write was refused) is treated like a refused result: given up as lost on the last
// delivery.
using TaskHandler =
    std::function<absl::StatusOr<v1::Observation>(const v1::TaskPayload& payload, const Task& task)>;
// A task that observes several targets (e.g. a portal task observes every unit on it). The
// first observation is the task's own target; all are stored before the task completes.
using MultiTaskHandler = std::function<absl::StatusOr<std::vector<v1::Observation>>(
    const v1::TaskPayload& payload, const Task& task)>;

// Threads that take tasks of one kind, run the handler, store the observation and complete the
// task; a keeper thread extends the leases of tasks being worked.
class QueueWorker {
 public:
  QueueWorker(QueueWorkerOptions options, TaskHandler handler, prometheus::Registry* registry);
  QueueWorker(QueueWorkerOptions options, MultiTaskHandler handler,
              prometheus::Registry* registry);
  ~QueueWorker();

  absl::Status Start();
  // Stops taking tasks, lets the current ones finish, joins. Idempotent.
  void Stop();

  int64_t tasks_done() const { return done_.load(); }

 private:
  void Loop(int index);
  void KeepLeases();
  void Process(RedisConnection& conn, WorkQueue& queue, const std::string& consumer,
               const Task& task);

  QueueWorkerOptions options_;
  MultiTaskHandler handler_;
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> done_{0};
  std::vector<std::thread> threads_;
  std::thread keeper_;
  absl::Notification keeper_stop_;

  absl::Mutex mu_;
  // consumer → task being worked
  std::map<std::string, Task> held_ ABSL_GUARDED_BY(mu_);

  prometheus::Counter* done_counter_ = nullptr;
  prometheus::Counter* failed_counter_ = nullptr;
  prometheus::Counter* dropped_counter_ = nullptr;
  prometheus::Counter* dead_counter_ = nullptr;
  prometheus::Counter* lost_counter_ = nullptr;
  prometheus::Counter* duplicate_counter_ = nullptr;
  prometheus::Gauge* in_progress_ = nullptr;
  prometheus::Histogram* duration_ = nullptr;
};

}  // namespace govinspect::common

#endif  // GOVINSPECT_COMMON_WORKER_QUEUE_WORKER_H_
