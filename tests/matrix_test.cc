// The built-in matrix places the model of Go's client right above the real program it models,
// under the same server behaviour, so `matrix`'s summary and `report` show them side by side.
#include "run/matrix.h"

#include <gtest/gtest.h>

namespace h2race {
namespace {

TEST(Matrix, EveryRealGoRowHasItsModelInTheRowAbove) {
  const auto m = builtin_matrix();
  size_t pairs = 0;
  for (size_t i = 0; i < m.size(); ++i) {
    if (m[i].client != "go-net-http" || m[i].proto != Proto::kH2) continue;
    ASSERT_GT(i, 0u);
    Scenario model = m[i - 1];
    EXPECT_EQ(model.client, "go1.19") << m[i].id();
    model.client = m[i].client;
    model.go_timing = m[i].go_timing;  // only the model has timing
    EXPECT_EQ(model.id(), m[i].id());
    ++pairs;
  }
  EXPECT_EQ(pairs, 4u);  // immediate, linger, reset; one record-reading server
}

}  // namespace
}  // namespace h2race
