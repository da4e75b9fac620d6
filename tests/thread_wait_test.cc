// The waits the `go` model's threads use for one another (clients/go_runtime.h): a waiter returns
// once the word changes, whether it changed before the wait, during its looks or while it slept in
// the futex. A lost wake would leave a read loop that must run never running.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "clients/go_runtime.h"

namespace h2race {
namespace {

TEST(ThreadWait, ReturnsAtOnceWhenTheWordAlreadyChanged) {
  std::atomic<int> word{1};
  wait_while(word, 0);  // would hang if it slept regardless
  futex_wait(word, 0);
  SUCCEED();
}

TEST(ThreadWait, EveryWakeReachesAWaiterWhereverItIs) {
  // Each round the waiter may be in its looks, in sched_yield or asleep in the futex when the
  // word changes; 2,000 rounds cover all three on two cores. A lost wake hangs the test (ctest's
  // timeout fails it).
  std::atomic<int> word{0};
  std::atomic<int> rounds_done{0};
  constexpr int kRounds = 2000;
  std::thread waiter([&] {
    for (int r = 0; r < kRounds; ++r) {
      wait_while(word, 2 * r);  // the waker moves the word to 2r+1
      word.store(2 * r + 2);    // and waits for this
      futex_wake(word);
      rounds_done.store(r + 1);
    }
  });
  for (int r = 0; r < kRounds; ++r) {
    word.store(2 * r + 1);
    futex_wake(word);
    while (word.load() == 2 * r + 1) futex_wait(word, 2 * r + 1);
  }
  waiter.join();
  EXPECT_EQ(rounds_done.load(), kRounds);
  EXPECT_EQ(word.load(), 2 * kRounds);
}

}  // namespace
}  // namespace h2race
