#include "core/stats.h"

#include <boost/math/distributions/normal.hpp>
#include <cmath>

namespace h2race {

Interval wilson95(uint64_t successes, uint64_t n) {
  if (n == 0) return {0, 1};
  static const double z = boost::math::quantile(boost::math::normal_distribution<double>(), 0.975);
  const double nn = static_cast<double>(n);
  const double p = static_cast<double>(successes) / nn;
  const double z2 = z * z;
  const double denom = 1 + z2 / nn;
  const double centre = (p + z2 / (2 * nn)) / denom;
  const double half = z * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / denom;
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

double rule_of_three(uint64_t n) { return n <= 3 ? 1.0 : 3.0 / static_cast<double>(n); }

}  // namespace h2race
