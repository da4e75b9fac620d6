#include "core/wake_latency.h"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <random>
#include <thread>
#include <vector>

#include "core/futex.h"

namespace h2race {
namespace {

using Clock = std::chrono::steady_clock;

void pin_to(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

}  // namespace

std::optional<WakeLatency> measure_wake_latency(int rounds) {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (rounds <= 0 || sched_getaffinity(0, sizeof allowed, &allowed) != 0) return std::nullopt;
  std::vector<int> cpus;
  for (int c = 0; c < CPU_SETSIZE && cpus.size() < 2; ++c) {
    if (CPU_ISSET(c, &allowed)) cpus.push_back(c);
  }
  if (cpus.size() < 2) return std::nullopt;

  // 0: the wakee may sleep; 1: woken; 2: stop.
  std::atomic<int> word{0};
  std::atomic<bool> ran{false};
  std::atomic<int64_t> woken_at{0};
  std::vector<Clock::duration> latencies;
  latencies.reserve(rounds);
  {
    std::jthread wakee([&] {
      pin_to(cpus[1]);
      for (;;) {
        int w;
        while ((w = word.load()) == 0) futex_wait(word, 0);
        if (w == 2) return;
        latencies.push_back(Clock::now().time_since_epoch() - Clock::duration(woken_at.load()));
        word.store(0);
        ran.store(true);
      }
    });
    std::jthread waker([&] {
      pin_to(cpus[0]);
      std::minstd_rand rng(1);  // the same gaps every time
      std::uniform_int_distribution<int> gap_us(100, 300);
      for (int i = 0; i < rounds; ++i) {
        std::this_thread::sleep_for(std::chrono::microseconds(gap_us(rng)));
        ran.store(false);
        woken_at.store(Clock::now().time_since_epoch().count());
        word.store(1);
        futex_wake(word);
        // Spinning keeps this core busy while the other one wakes, as the race's writer does.
        while (!ran.load()) {
        }
      }
      word.store(2);
      futex_wake(word);
    });
  }
  std::sort(latencies.begin(), latencies.end());
  const auto at = [&](double q) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
        latencies[static_cast<size_t>(q * double(latencies.size() - 1))]);
  };
  return WakeLatency{at(0.5), at(0.9), rounds};
}

}  // namespace h2race
