#include "clients/go_runtime.h"

#include <sys/prctl.h>
#include <time.h>

#include <algorithm>
#include <array>
#include <thread>

namespace h2race {

void precise_sleeps_on_this_thread() {
  thread_local const int slack_set = prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  (void)slack_set;
}

std::chrono::nanoseconds thread_cpu_time() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

namespace {

// The thread CPU time of kSteps steps of a dependent integer chain (multiply, add, shift, xor:
// each step needs the last), the fastest of kRounds after a warm-up round. CPU time, so that a
// preempted round does not count another program's share; the fastest, because what else slows a
// round (a cold cache, a page fault) only ever adds. Until 2026-12-03 the yardstick was 16 X25519
// key agreements (the median of 9): on an idle VM one process start measured 1.05, the next 1.63
// times the fit's (20 starts), and within one process X25519 rounds 30 ms apart ranged 533-902 us
// while this chain's ranged 298-402 us (40 rounds, 2026-12-03); each jump moved every model step.
std::chrono::nanoseconds measure_reference() {
  constexpr int kRounds = 9;
  constexpr int kSteps = 200'000;
  uint64_t x = 1;
  auto round = [&] {
    const auto start = thread_cpu_time();
    for (int i = 0; i < kSteps; ++i) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      x ^= x >> 29;
    }
    const auto took = thread_cpu_time() - start;
    // Keeps the chain from being optimised away: its result is used.
    if (x == 0) std::this_thread::yield();
    return took;
  };
  (void)round();  // warm-up
  auto fastest = std::chrono::nanoseconds::max();
  for (int r = 0; r < kRounds; ++r) fastest = std::min(fastest, round());
  return fastest;
}

}  // namespace

const MachineSpeed& machine_speed() {
  static const MachineSpeed speed = [] {
    const auto reference = measure_reference();
    return MachineSpeed{reference, kReferenceAtFit,
                        double(reference.count()) / double(kReferenceAtFit.count())};
  }();
  return speed;
}

std::chrono::nanoseconds scaled_cpu_work(std::chrono::microseconds d) {
  return std::chrono::nanoseconds(
      static_cast<int64_t>(double(std::chrono::nanoseconds(d).count()) * machine_speed().factor));
}

void spin_for(std::chrono::microseconds d) {
  if (d.count() <= 0) return;
  const auto until = thread_cpu_time() + scaled_cpu_work(d);
  while (thread_cpu_time() < until) {
  }
}

void off_cpu_for(std::chrono::microseconds d) {
  if (d.count() <= 0) return;
  precise_sleeps_on_this_thread();
  std::this_thread::sleep_for(d);
}

Processor& processor() {
  thread_local Processor p;
  return p;
}

}  // namespace h2race
