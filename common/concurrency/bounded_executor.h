#ifndef GOVINSPECT_COMMON_CONCURRENCY_BOUNDED_EXECUTOR_H_
#define GOVINSPECT_COMMON_CONCURRENCY_BOUNDED_EXECUTOR_H_

#include <cstddef>
#include <deque>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"

namespace govinspect::common {

// A fixed pool of threads with a bounded queue, for blocking work (Redis, HTTP, disk) that
// gRPC reactions must not do themselves. TrySubmit fails when the queue is full; callers answer
// RESOURCE_EXHAUSTED.
class BoundedExecutor {
 public:
  BoundedExecutor(std::string name, int threads, size_t max_queue);
  ~BoundedExecutor();  // Runs what is queued, then joins.
  BoundedExecutor(const BoundedExecutor&) = delete;
  BoundedExecutor& operator=(const BoundedExecutor&) = delete;

  // Returns false (and drops `fn`) if the queue is full or the executor is shutting down.
  bool TrySubmit(absl::AnyInvocable<void() &&> fn);

  // Stops accepting work, runs what is queued, joins. Idempotent; callable from several threads
  // at once (each returns once the pool is joined).
  void Shutdown();

  size_t QueueSize() const;

 private:
  void Loop();

  const std::string name_;
  const size_t max_queue_;
  mutable absl::Mutex mu_;
  std::deque<absl::AnyInvocable<void() &&>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // Until Shutdown takes them to join; joined_ once they are.
  std::vector<std::thread> threads_ ABSL_GUARDED_BY(mu_);
  bool joined_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace govinspect::common

#endif  // GOVINSPECT_COMMON_CONCURRENCY_BOUNDED_EXECUTOR_H_
