#include "analysis/batch_spread.h"

#include <algorithm>
#include <cmath>

namespace h2race {

ShareSpread share_spread(const std::vector<Histogram>& batches, const std::string& cls) {
  ShareSpread s;
  std::vector<double> shares;
  uint64_t count = 0, iterations = 0;
  for (const auto& b : batches) {
    if (b.iterations() == 0) continue;
    shares.push_back(double(b.count(cls)) / double(b.iterations()));
    count += b.count(cls);
    iterations += b.iterations();
  }
  s.batches = shares.size();
  if (shares.empty()) return s;
  const auto [lo, hi] = std::minmax_element(shares.begin(), shares.end());
  s.min = *lo;
  s.max = *hi;
  if (shares.size() > 1) {
    double mean = 0;
    for (double x : shares) mean += x;
    mean /= double(shares.size());
    double ss = 0;
    for (double x : shares) ss += (x - mean) * (x - mean);
    s.sd = std::sqrt(ss / double(shares.size() - 1));
  }
  const double p = double(count) / double(iterations);
  const double n = double(iterations) / double(shares.size());
  s.sampling_sd = std::sqrt(p * (1 - p) / n);
  return s;
}

}  // namespace h2race
