#include "analysis/compare.h"

#include <gtest/gtest.h>

namespace h2race {
namespace {

const std::string kTruth = "tls_alert:certificate_required";

Histogram make(uint64_t n, const std::vector<std::pair<std::string, uint64_t>>& others) {
  Histogram h;
  uint64_t rest = n;
  for (const auto& [cls, count] : others) {
    h.add_pair(kTruth, cls, count, cls);
    rest -= count;
  }
  h.add_pair(kTruth, kTruth, rest, "alert");
  return h;
}

TEST(Fisher, KnownValues) {
  // Fisher's tea tasting: 3 of 4 vs 1 of 4, two-sided p = 0.4857.
  EXPECT_NEAR(fisher_exact_two_sided(3, 4, 1, 4), 0.485714, 1e-5);
  // 10/10 vs 0/10: p = 2 / C(20,10) = 1.0825e-5.
  EXPECT_NEAR(fisher_exact_two_sided(10, 10, 0, 10), 1.0825e-5, 1e-8);
  EXPECT_DOUBLE_EQ(fisher_exact_two_sided(0, 100, 0, 100), 1.0);
}

// Counts are valid up to 2^53; Boost's hypergeometric distribution stops at 2^32 - 1 (unsigned),
// and compare died with an internal error (exit 3) on such a histogram.
TEST(Fisher, CountsPast2Pow32) {
  const uint64_t big = uint64_t{1} << 40;
  // None of 2^40 in the baseline, the one current iteration in the class: p = 1 / (2^40 + 1).
  EXPECT_NEAR(fisher_exact_two_sided(0, big, 1, 1) * static_cast<double>(big + 1), 1.0, 1e-9);
  // The same counts scaled by 2^33 are as far apart as can be: p underflows toward 0.
  EXPECT_LT(fisher_exact_two_sided(10ull << 33, 10ull << 33, 0, 10), 1e-9);
  // The observed table is the most likely one: p near 1.
  const uint64_t n = (uint64_t{1} << 53) - 100;
  EXPECT_GT(fisher_exact_two_sided(n - 5, n, 100, 100), 0.99);
  EXPECT_LE(fisher_exact_two_sided(n - 5, n, 100, 100), 1.0);
}

TEST(ChiSquare2x2, KnownValue) {
  // [[90, 10], [70, 30]]: chi2 = 12.5, df 1, p = 4.07e-4.
  EXPECT_NEAR(chi_square_2x2(10, 100, 30, 100), 4.069e-4, 1e-6);
}

TEST(Compare, SmallCountsUseTheExactTestLargeOnesChiSquare) {
  const Comparison c =
      compare_histograms(make(50000, {{"h2:no_connection", 15000}}),
                         make(2000, {{"h2:no_connection", 620}, {"read:EOF", 1}}), 0.001);
  for (const auto& cc : c.classes) {
    EXPECT_EQ(cc.test, cc.cls == "read:EOF" ? "fisher" : "chi2") << cc.cls;
  }
}

TEST(Compare, CountsPast2Pow32AreTested) {
  const uint64_t big = uint64_t{5} << 32;
  const Comparison same = compare_histograms(make(100, {{"write:EPIPE", 20}}),
                                             make(big, {{"write:EPIPE", big / 5}}), 0.001);
  EXPECT_FALSE(same.differs) << text_table(same);
  const Comparison differs =
      compare_histograms(make(100, {{"write:EPIPE", 20}}), make(big, {{"write:EPIPE", 7}}), 0.001);
  EXPECT_TRUE(differs.differs) << text_table(differs);
  for (const auto& cc : differs.classes) {
    EXPECT_GE(cc.p, 0.0) << cc.cls;
    EXPECT_LE(cc.p, 1.0) << cc.cls;
  }
}

TEST(Compare, IdenticalHistogramsAreTheSame) {
  const Histogram h = make(50000, {{"write:EPIPE", 50}});
  const Comparison c = compare_histograms(h, h, 0.001);
  EXPECT_FALSE(c.differs) << text_table(c);
  EXPECT_TRUE(c.homogeneity_tested);
  EXPECT_NEAR(c.p_homogeneity, 1.0, 1e-9);
}

TEST(Compare, ShiftFromPointOnePercentToFivePercentDiffers) {
  const Comparison c = compare_histograms(make(50000, {{"write:EPIPE", 50}}),
                                          make(2000, {{"write:EPIPE", 100}}), 0.001);
  EXPECT_TRUE(c.differs) << text_table(c);
  EXPECT_NE(c.verdict.find("write:EPIPE"), std::string::npos) << c.verdict;
}

TEST(Compare, NewClassAtTwoPercentDiffers) {
  const Comparison c =
      compare_histograms(make(50000, {}), make(2000, {{"write:ECONNRESET", 40}}), 0.001);
  EXPECT_TRUE(c.differs) << text_table(c);
}

TEST(Compare, RareNewClassSeenOnceIsWhatTheBaselineCouldHaveMissed) {
  // A class at 0.05%: the baseline of 50,000 did not see it, the current 2,000 shows it once.
  const Comparison c = compare_histograms(make(50000, {}), make(2000, {{"read:EOF", 1}}), 0.001);
  EXPECT_FALSE(c.differs) << text_table(c);
  const auto& row = *std::find_if(c.classes.begin(), c.classes.end(),
                                  [](const auto& cc) { return cc.cls == "read:EOF"; });
  EXPECT_NE(row.note.find("rule of three"), std::string::npos) << row.note;
}

TEST(Compare, SamplingNoiseOfTheSameRateIsTheSame) {
  // 30% vs 31% with 50,000 and 2,000 iterations: well inside sampling noise.
  const Comparison c = compare_histograms(make(50000, {{"h2:no_connection", 15000}}),
                                          make(2000, {{"h2:no_connection", 620}}), 0.001);
  EXPECT_FALSE(c.differs) << text_table(c);
}

TEST(Compare, HomogeneityPValueMatchesChiSquare) {
  // 2 x 2: [[90, 10], [70, 30]] -> chi2 = 12.5, df 1, p = 4.07e-4.
  Histogram a, b;
  a.add_pair(kTruth, kTruth, 90, "");
  a.add_pair(kTruth, "write:EPIPE", 10, "");
  b.add_pair(kTruth, kTruth, 70, "");
  b.add_pair(kTruth, "write:EPIPE", 30, "");
  const Comparison c = compare_histograms(a, b, 0.001);
  ASSERT_TRUE(c.homogeneity_tested);
  EXPECT_EQ(c.df, 1);
  EXPECT_NEAR(c.chi2, 12.5, 1e-9);
  EXPECT_NEAR(c.p_homogeneity, 4.069e-4, 1e-6);
  EXPECT_TRUE(c.differs);
}

TEST(Compare, JsonCarriesTheVerdict) {
  const auto j = to_json(compare_histograms(make(100, {}), make(100, {}), 0.001));
  EXPECT_EQ(j["schema"], "h2race/compare/1");
  EXPECT_FALSE(j["differs"].get<bool>());
  EXPECT_EQ(j["classes"][0]["class"], kTruth);
}

}  // namespace
}  // namespace h2race
