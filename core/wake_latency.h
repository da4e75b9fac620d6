// How long this machine takes to run a thread woken on an idle core. On a virtual machine an
// idle virtual CPU halts, and a thread woken there runs only once the host has woken that CPU;
// the go models' and Go's shares both move with it, in opposite directions (docs/go-model.md,
// "Idle cores that halt"), and the yardstick of the models' CPU work does not see it. So
// `calibrate` measures it beside the load average, for the reader: a condition, not an input.
#pragma once

#include <chrono>
#include <optional>

namespace h2race {

struct WakeLatency {
  std::chrono::nanoseconds p50{0};
  std::chrono::nanoseconds p90{0};
  int rounds = 0;
};

// `rounds` times: a thread on one CPU sleeps 100-300 us, then futex-wakes a thread blocked on
// another CPU, which had that long to go idle; the latency is from the wake call to the woken
// thread running. Both threads are new and pinned; the caller's own CPU affinity is untouched.
// nullopt when this process may run on fewer than two CPUs.
std::optional<WakeLatency> measure_wake_latency(int rounds);

}  // namespace h2race
