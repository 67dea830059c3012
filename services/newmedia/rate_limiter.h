#ifndef GOVINSPECT_SERVICES_NEWMEDIA_RATE_LIMITER_H_
#define GOVINSPECT_SERVICES_NEWMEDIA_RATE_LIMITER_H_

#include <functional>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace govinspect::newmedia {

// Paces calls to at most `per_second` per second (with a burst of `burst`), shared by every
// thread that calls Acquire. per_second ≤ 0 = unlimited. Thread-safe.
class RateLimiter {
 public:
  explicit RateLimiter(double per_second, int burst = 1,
                       std::function<absl::Time()> now = absl::Now,
                       std::function<void(absl::Duration)> sleep = absl::SleepFor);
  // Waits for a slot; returns how long it waited.
  absl::Duration Acquire();
  double per_second() const { return per_second_; }

 private:
  const double per_second_;
  const absl::Duration interval_;
  const absl::Duration burst_window_;
  std::function<absl::Time()> now_;
  std::function<void(absl::Duration)> sleep_;
  absl::Mutex mu_;
  // The time the next call may start (the token bucket as a "theoretical arrival time").
  absl::Time next_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace govinspect::newmedia

#endif  // GOVINSPECT_SERVICES_NEWMEDIA_RATE_LIMITER_H_
