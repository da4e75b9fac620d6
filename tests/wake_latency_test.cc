// `calibrate` reports how soon an idle core runs a woken thread (core/wake_latency.h): the
// measurement must leave h2race's own threads free to run anywhere, and say when it cannot be
// made rather than report a figure it did not measure.
#include "core/wake_latency.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <sched.h>

#include <optional>
#include <thread>

namespace h2race {
namespace {

cpu_set_t affinity() {
  cpu_set_t set;
  CPU_ZERO(&set);
  EXPECT_EQ(sched_getaffinity(0, sizeof set, &set), 0);
  return set;
}

TEST(WakeLatency, MeasuresOnTwoCoresAndLeavesTheCallersAffinityAlone) {
  const cpu_set_t before = affinity();
  if (CPU_COUNT(&before) < 2) GTEST_SKIP() << "needs two CPUs";
  const std::optional<WakeLatency> w = measure_wake_latency(50);
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(w->rounds, 50);
  EXPECT_GT(w->p50.count(), 0);
  EXPECT_LE(w->p50, w->p90);
  // Threads the caller starts afterwards inherit its mask: pinning it would pin them all.
  const cpu_set_t after = affinity();
  EXPECT_TRUE(CPU_EQUAL(&before, &after));
}

TEST(WakeLatency, SaysItCannotMeasureOnOneCpu) {
  std::optional<WakeLatency> w{WakeLatency{}};
  std::thread([&] {
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(sched_getcpu(), &one);
    ASSERT_EQ(pthread_setaffinity_np(pthread_self(), sizeof one, &one), 0);
    w = measure_wake_latency(50);
  }).join();
  EXPECT_FALSE(w.has_value());
}

}  // namespace
}  // namespace h2race
