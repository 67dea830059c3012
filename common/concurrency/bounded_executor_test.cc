#include "common/concurrency/bounded_executor.h"

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

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

// Submitters racing Shutdown: every accepted task runs exactly once, none after Shutdown
// returned, and nothing is accepted once it has started.
TEST(BoundedExecutorTest, SubmittersRacingShutdown) {
  for (int round = 0; round < 20; ++round) {
    std::atomic<int> accepted{0}, ran{0};
    std::atomic<bool> shut{false};
    std::atomic<int> ran_after_shutdown{0};
    BoundedExecutor ex("t", 3, 64);
    std::vector<std::thread> submitters;
    for (int i = 0; i < 3; ++i) {
      submitters.emplace_back([&] {
        for (int k = 0; k < 200; ++k) {
          if (ex.TrySubmit([&] {
                ran++;
                if (shut.load()) ran_after_shutdown++;
              })) {
            accepted++;
          }
        }
      });
    }
    ex.Shutdown();
    shut = true;
    for (auto& t : submitters) t.join();
    EXPECT_EQ(ran.load(), accepted.load());
    EXPECT_EQ(ran_after_shutdown.load(), 0);
    EXPECT_FALSE(ex.TrySubmit([] {}));
  }
}

// Shutdown is idempotent from any thread: several callers at once (a signal handler thread and
// the owner, say) each return once the pool is joined.
TEST(BoundedExecutorTest, ConcurrentShutdownJoinsOnce) {
  std::atomic<int> ran{0};
  BoundedExecutor ex("t", 2, 100);
  absl::Notification release;
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(ex.TrySubmit([&] {
      release.WaitForNotificationWithTimeout(absl::Seconds(5));
      ran++;
    }));
  }
  std::vector<std::thread> stoppers;
  std::atomic<int> returned_early{0};
  for (int i = 0; i < 3; ++i) {
    stoppers.emplace_back([&] {
      ex.Shutdown();
      if (ran.load() != 10) returned_early++;
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  release.Notify();
  for (auto& t : stoppers) t.join();
  EXPECT_EQ(ran.load(), 10);
  EXPECT_EQ(returned_early.load(), 0);
}

}  // namespace
}  // namespace govinspect::common
