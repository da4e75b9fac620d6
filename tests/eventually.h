// Waits for a condition by polling it, for the tests that wait on another thread or process: a
// bound against a hang, never a timing a test asserts.
#pragma once

#include <chrono>
#include <thread>

namespace h2race {

// Polls cond every `step` until it holds (true) or `bound` has passed (false).
template <typename F>
bool eventually(F cond, std::chrono::milliseconds bound, std::chrono::milliseconds step) {
  const auto give_up = std::chrono::steady_clock::now() + bound;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(step);
  }
  return true;
}

}  // namespace h2race
