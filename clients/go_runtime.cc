#include "clients/go_runtime.h"

#include <openssl/curve25519.h>
#include <sys/prctl.h>
#include <time.h>

#include <algorithm>
#include <array>

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

// The thread CPU time of kAgreements X25519 key agreements, the median of kRounds: CPU time,
// so that a preempted round does not count the other program's share.
std::chrono::nanoseconds measure_reference() {
  constexpr int kRounds = 9;
  constexpr int kAgreements = 16;
  std::array<uint8_t, 32> pub{}, priv{}, peer_pub{}, peer_priv{}, shared{};
  X25519_keypair(pub.data(), priv.data());
  X25519_keypair(peer_pub.data(), peer_priv.data());
  std::array<std::chrono::nanoseconds, kRounds> rounds{};
  for (auto& r : rounds) {
    const auto start = thread_cpu_time();
    for (int i = 0; i < kAgreements; ++i) {
      if (X25519(shared.data(), priv.data(), peer_pub.data()) != 1) break;
      priv[0] ^= shared[0];  // each agreement depends on the last: nothing to hoist
    }
    r = thread_cpu_time() - start;
  }
  std::nth_element(rounds.begin(), rounds.begin() + kRounds / 2, rounds.end());
  return rounds[kRounds / 2];
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
