// The statistics h2race states its bounds with: Wilson intervals for shares and the rule of
// three for classes never seen.
#pragma once

#include <cstdint>

namespace h2race {

struct Interval {
  double low = 0;
  double high = 1;
};
// Wilson score interval at 95% confidence for successes out of n (n > 0).
Interval wilson95(uint64_t successes, uint64_t n);
// Rule of three: with zero events in n trials, the event rate is below 3/n at 95% confidence.
// Capped at 1: for n <= 3 it bounds nothing (a rate is never above 100%).
double rule_of_three(uint64_t n);

}  // namespace h2race
