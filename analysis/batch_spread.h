// How much a class's share moves from batch to batch of one run, against what sampling alone
// moves it. A share that moves more than sampling explains (overdispersion) drifts within the run:
// a single run's confidence interval then understates how far the next run may land.
#pragma once

#include <string>
#include <vector>

#include "core/histogram.h"

namespace h2race {

struct ShareSpread {
  double min = 0, max = 0;  // of the batches' shares (0..1)
  double sd = 0;            // of the batches' shares, sample SD (0 with one batch)
  double sampling_sd = 0;   // what sampling alone gives one batch: sqrt(p(1-p)/n), p pooled,
                            // n the mean batch size
  size_t batches = 0;       // batches with at least one iteration
};

// The share of `cls` in each non-empty batch.
ShareSpread share_spread(const std::vector<Histogram>& batches, const std::string& cls);

}  // namespace h2race
