// Statistical comparison of two histograms of the same scenario: did the distribution of
// classes the user sees change, beyond what sampling noise explains?
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/run_record.h"
#include "core/stats.h"

namespace h2race {

struct ClassComparison {
  std::string cls;
  uint64_t base_count = 0, cur_count = 0;
  double base_rate = 0, cur_rate = 0;
  Interval base_ci, cur_ci;  // Wilson 95%
  double p = 1;              // two-sided: chi-square 2x2 when every expected count is >= 5,
                             // Fisher exact otherwise (small counts, where it is fast too)
  std::string test;          // "chi2" or "fisher"
  bool differs = false;      // p below alpha / number of classes (Bonferroni)
  std::string note;          // e.g. why a class new to the current run is or is not a change
};

struct Comparison {
  double alpha = 0.001;
  std::vector<ClassComparison> classes;
  // Chi-square test of homogeneity on the 2 x k table, classes with an expected count below 5
  // pooled into one column (which is dropped if even the pool is below 5).
  bool homogeneity_tested = false;
  double chi2 = 0;
  int df = 0;
  double p_homogeneity = 1;
  bool differs = false;
  std::string verdict;  // one line
};

// Two-sided Fisher exact test p-value for x successes in the current sample (size cur_n) when the
// baseline had base_x of base_n. Valid for every count a histogram holds (up to 2^53).
double fisher_exact_two_sided(uint64_t base_x, uint64_t base_n, uint64_t cur_x, uint64_t cur_n);

// Two-sided chi-square test (df 1) of one class's share in the two runs.
double chi_square_2x2(uint64_t base_x, uint64_t base_n, uint64_t cur_x, uint64_t cur_n);

// Differs when the homogeneity test rejects at alpha, or any class's test rejects at
// alpha / k: the false-alarm probability of one comparison is at most 2 * alpha.
Comparison compare_histograms(const Histogram& base, const Histogram& cur, double alpha);

nlohmann::json to_json(const Comparison& c);
std::string text_table(const Comparison& c);

}  // namespace h2race
