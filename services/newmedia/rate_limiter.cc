#include "services/newmedia/rate_limiter.h"

#include <algorithm>
#include <utility>

namespace govinspect::newmedia {

RateLimiter::RateLimiter(double per_second, int burst, std::function<absl::Time()> now,
                         std::function<void(absl::Duration)> sleep)
    : per_second_(per_second),
      interval_(per_second > 0 ? absl::Seconds(1.0 / per_second) : absl::ZeroDuration()),
      burst_window_(interval_ * std::max(burst - 1, 0)),
      now_(std::move(now)),
      sleep_(std::move(sleep)) {}

absl::Duration RateLimiter::Acquire() {
  if (per_second_ <= 0) return absl::ZeroDuration();
  absl::Duration wait;
  {
    absl::MutexLock lock(&mu_);
    const absl::Time now = now_();
    // Unused capacity accumulates up to the burst.
    absl::Time start = std::max(next_, now - burst_window_);
    wait = std::max(start - now, absl::ZeroDuration());
    next_ = start + interval_;
  }
  if (wait > absl::ZeroDuration()) sleep_(wait);
  return wait;
}

}  // namespace govinspect::newmedia
