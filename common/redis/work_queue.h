#ifndef GOVINSPECT_COMMON_REDIS_WORK_QUEUE_H_
#define GOVINSPECT_COMMON_REDIS_WORK_QUEUE_H_

// The work queue: one Redis stream per task kind, read through a consumer group.
//
//   EnqueueRound  records each kind's total, then XADDs every task (pipelined, batched).
//   Take          XAUTOCLAIMs entries whose lease (idle time) ran out, then XREADGROUPs new ones.
//   ExtendLease   resets a held entry's idle time (only if this consumer still owns it).
//   Complete      XACK + XDEL, and counts the task done exactly once per round, however often
//                 it was delivered (a per-round set of finished task keys); when the last task
//                 of a round finishes, an event is appended to the events stream.
//   DeadLetter    after max_deliveries, copies the entry to <stream>:dead and counts it dead.
//   GiveUpLost    dead-letters a task whose result Redis refused to store, and records its
//                 target in the round's lost hash (the coordinator then fails the round).
//
// Keys (prefix = options.key_prefix, default "govinspect"):
//   <p>:queue:<kind>            stream of tasks         <p>:queue:<kind>:dead   dead letters
//   <p>:round:<round>:done      finished task keys      <p>:round:<round>:progress  counters
//   <p>:round:<round>:lost      target → why its result was not stored
//   <p>:events                  round events (consumed by the coordinator's group)

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/redis/redis_client.h"

namespace govinspect::common {

struct WorkQueueOptions {
  std::string key_prefix = "govinspect";
  std::string group = "workers";
  // An entry held longer than this without ExtendLease is given to another worker.
  absl::Duration lease = absl::Seconds(120);
  // Deliveries after which an entry is dead-lettered instead of delivered again.
  int max_deliveries = 5;
  // Tasks per pipelined batch when enqueueing.
  int enqueue_batch = 1000;
  // How long a round's counters and done set are kept.
  absl::Duration round_retention = absl::Hours(24 * 400);
};

// What to enqueue.
struct TaskSpec {
  std::string kind;     // queue name, e.g. "crawl", "account", "portal"
  std::string target;   // e.g. "sites/zs-portal"
  std::string payload;  // opaque bytes for the worker
};

// A delivered task.
struct Task {
  std::string kind;
  std::string entry_id;  // stream entry id
  std::string round;     // round id (not the resource name)
  std::string target;
  std::string payload;
  int64_t deliveries = 1;
};

struct CompleteResult {
  bool counted = false;        // false if the task had already finished before
  int64_t remaining = 0;       // tasks of the round not finished yet
  bool round_finished = false; // this call finished the round's last task
};

struct RoundProgress {
  struct Kind {
    std::string kind;
    int64_t total = 0;
    int64_t done = 0;
    int64_t dead = 0;
  };
  std::vector<Kind> kinds;
  int64_t total = 0;
  int64_t finished = 0;  // done + dead (+ dropped because cancelled)
  bool cancelled = false;
};

struct QueueStats {
  int64_t length = 0;      // entries in the stream (not yet finished)
  int64_t pending = 0;     // delivered, not acked
  int64_t lag = 0;         // not yet delivered to the group
  int64_t dead_letters = 0;
};

class WorkQueue {
 public:
  // `conn` is borrowed; the WorkQueue is as thread-unsafe as the connection.
  WorkQueue(RedisConnection* conn, WorkQueueOptions options);

  // Creates the consumer group of `kind` if absent.
  absl::Status EnsureGroup(const std::string& kind);

  // Enqueues every task of a round. Totals are written before any task, so completion is exact.
  // Re-running it for the same round (after a crash) re-sends the tasks without changing totals;
  // finished tasks are not counted twice.
  absl::Status EnqueueRound(const std::string& round, const std::vector<TaskSpec>& tasks);

  // Up to `max` tasks of `kind`: expired leases first, then new entries, waiting up to `block`
  // for new ones (0 = don't wait). Entries past max_deliveries are dead-lettered, not returned.
  absl::StatusOr<std::vector<Task>> Take(const std::string& kind, const std::string& consumer,
                                         int max, absl::Duration block);

  // Returns false if the lease was lost (another consumer took the entry, or it finished).
  absl::StatusOr<bool> ExtendLease(const Task& task, const std::string& consumer);

  // Marks the task finished (after its observation is stored). Idempotent per (round, target).
  absl::StatusOr<CompleteResult> Complete(const Task& task);

  // Complete for many tasks in one pipeline; results in the same order.
  absl::StatusOr<std::vector<CompleteResult>> CompleteMany(const std::vector<Task>& tasks);

  // Gives the task up: it is copied to the dead-letter stream and counted dead.
  absl::StatusOr<CompleteResult> DeadLetter(const Task& task, const std::string& reason);

  // Gives the task up because its result could not be stored (Redis refused the write): like
  // DeadLetter, and the target is recorded with `reason` in the round's lost hash. Allowed while
  // Redis refuses other writes (maxmemory).
  absl::StatusOr<CompleteResult> GiveUpLost(const Task& task, const std::string& reason);
  // The round's targets given up by GiveUpLost, with their reasons.
  absl::StatusOr<std::map<std::string, std::string>> LostTargets(const std::string& round);

  // Drops the task because its round was cancelled (counted as finished, not done).
  absl::StatusOr<CompleteResult> Drop(const Task& task);

  absl::StatusOr<RoundProgress> Progress(const std::string& round);
  absl::Status MarkCancelled(const std::string& round);
  absl::StatusOr<bool> IsCancelled(const std::string& round);

  absl::StatusOr<QueueStats> Stats(const std::string& kind);

  // Deletes a round's counters, done set and lost hash (retention).
  absl::Status ForgetRound(const std::string& round);

  std::string StreamKey(const std::string& kind) const;
  std::string DeadKey(const std::string& kind) const;
  std::string EventsKey() const;
  std::string ProgressKey(const std::string& round) const;
  std::string DoneKey(const std::string& round) const;
  std::string LostKey(const std::string& round) const;

 private:
  absl::StatusOr<CompleteResult> Finish(const Task& task, const std::string& outcome,
                                        const std::string& reason);
  std::pair<std::vector<std::string>, std::vector<std::string>> FinishCall(
      const Task& task, const std::string& outcome, const std::string& reason) const;
  absl::StatusOr<std::vector<Task>> Reclaim(const std::string& kind, const std::string& consumer,
                                            int max);

  RedisConnection* conn_;
  WorkQueueOptions options_;
  std::map<std::string, std::string> reclaim_cursors_;  // per kind
};

// The task key counted in a round's done set.
std::string TaskKey(const std::string& kind, const std::string& target);

}  // namespace govinspect::common

#endif  // GOVINSPECT_COMMON_REDIS_WORK_QUEUE_H_
