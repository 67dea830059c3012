#include "common/concurrency/bounded_executor.h"

#include <atomic>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace govinspect::common {
namespace {

TEST(BoundedExecutorTest, RunsEverythingSubmitted) {
  std::atomic<int> n{0};
  {
    BoundedExecutor ex("t", 2, 1000);
    for (int i = 0; i < 500; ++i) ASSERT_TRUE(ex.TrySubmit([&n] { n++; }));
  }
  EXPECT_EQ(n.load(), 500);
}

TEST(BoundedExecutorTest, RefusesWhenFull) {
  BoundedExecutor ex("t", 1, 2);
  absl::Notification release, started;
  ASSERT_TRUE(ex.TrySubmit([&] {
    started.Notify();
    release.WaitForNotification();
  }));
  started.WaitForNotification();
  EXPECT_TRUE(ex.TrySubmit([] {}));
  EXPECT_TRUE(ex.TrySubmit([] {}));
  EXPECT_FALSE(ex.TrySubmit([] {}));
  release.Notify();
  ex.Shutdown();
  EXPECT_FALSE(ex.TrySubmit([] {}));
}

}  // namespace
}  // namespace govinspect::common
