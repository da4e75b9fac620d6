#include "clients/go_runtime.h"

#include <sys/prctl.h>

namespace h2race {

void precise_sleeps_on_this_thread() {
  thread_local const int slack_set = prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  (void)slack_set;
}

void spin_for(std::chrono::microseconds d) {
  const auto until = Clock::now() + d;
  while (Clock::now() < until) {
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
