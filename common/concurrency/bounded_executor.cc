#include "common/concurrency/bounded_executor.h"

#include <utility>

namespace govinspect::common {

BoundedExecutor::BoundedExecutor(std::string name, int threads, size_t max_queue)
    : name_(std::move(name)), max_queue_(max_queue) {
  if (threads < 1) threads = 1;
  absl::MutexLock lock(&mu_);
  threads_.reserve(threads);
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Loop(); });
}

BoundedExecutor::~BoundedExecutor() { Shutdown(); }

bool BoundedExecutor::TrySubmit(absl::AnyInvocable<void() &&> fn) {
  absl::MutexLock lock(&mu_);
  if (stopping_ || queue_.size() >= max_queue_) return false;
  queue_.push_back(std::move(fn));
  return true;
}

void BoundedExecutor::Shutdown() {
  // The first caller takes the threads and joins them; a concurrent caller waits until that is
  // done (joining one std::thread from two threads is undefined: it hung in pthread_join).
  std::vector<std::thread> threads;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    threads.swap(threads_);
    if (threads.empty()) {
      mu_.Await(absl::Condition(&joined_));
      return;
    }
  }
  for (auto& t : threads) t.join();
  absl::MutexLock lock(&mu_);
  joined_ = true;
}

size_t BoundedExecutor::QueueSize() const {
  absl::MutexLock lock(&mu_);
  return queue_.size();
}

void BoundedExecutor::Loop() {
  while (true) {
    absl::AnyInvocable<void() &&> fn;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return stopping_ || !queue_.empty(); };
      mu_.Await(absl::Condition(&ready));
      if (queue_.empty()) return;  // stopping and drained
      fn = std::move(queue_.front());
      queue_.pop_front();
    }
    std::move(fn)();
  }
}

}  // namespace govinspect::common
