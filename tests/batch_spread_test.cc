// calibrate's per-batch spread: what a user reads to tell a share that drifts within a run from
// one that moves only by sampling.
#include "analysis/batch_spread.h"

#include <gtest/gtest.h>

#include <cmath>

namespace h2race {
namespace {

Histogram batch(int of_class, int others) {
  Histogram h;
  for (int i = 0; i < of_class; ++i) h.add(Outcome{"h2:no_connection", "x", "h2", 0, -1}, "t");
  for (int i = 0; i < others; ++i) h.add(Outcome{"write:EPIPE", "x", "write", 0, -1}, "t");
  return h;
}

TEST(BatchSpread, MinMaxAndSdOfTheBatchShares) {
  // Shares 0.10, 0.20, 0.30 of 100 each: SD 0.10; pooled p 0.20, sampling SD sqrt(.2*.8/100).
  const ShareSpread s =
      share_spread({batch(10, 90), batch(20, 80), batch(30, 70)}, "h2:no_connection");
  EXPECT_EQ(s.batches, 3u);
  EXPECT_DOUBLE_EQ(s.min, 0.10);
  EXPECT_DOUBLE_EQ(s.max, 0.30);
  EXPECT_NEAR(s.sd, 0.10, 1e-12);
  EXPECT_NEAR(s.sampling_sd, std::sqrt(0.2 * 0.8 / 100), 1e-12);
}

TEST(BatchSpread, EmptyBatchesDoNotCountAndOneBatchHasNoSd) {
  const ShareSpread s = share_spread({Histogram{}, batch(5, 45), Histogram{}}, "h2:no_connection");
  EXPECT_EQ(s.batches, 1u);
  EXPECT_DOUBLE_EQ(s.min, 0.10);
  EXPECT_DOUBLE_EQ(s.sd, 0.0);
  EXPECT_EQ(share_spread({}, "h2:no_connection").batches, 0u);
}

TEST(BatchSpread, AClassAbsentFromEveryBatchIsZeroEverywhere) {
  const ShareSpread s =
      share_spread({batch(0, 10), batch(0, 20)}, "tls_alert:certificate_required");
  EXPECT_DOUBLE_EQ(s.max, 0.0);
  EXPECT_DOUBLE_EQ(s.sampling_sd, 0.0);
}

}  // namespace
}  // namespace h2race
