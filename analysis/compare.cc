#include "analysis/compare.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <cmath>
#include <limits>
#include <set>

#include "core/stats.h"

namespace h2race {

namespace {

// The class's count k in a current sample of n drawn from N items, K of them the class. Its
// probabilities are walked as ratios of neighbours, each a product of counts: exact to a double's
// precision for any count a histogram holds (2^53, sums to 2^54). Boost's hypergeometric
// distribution takes unsigned parameters and refuses counts from 2^32 - 1 on.
struct Hypergeometric {
  uint64_t N, K, n;

  uint64_t lo() const { return n + K > N ? n + K - N : 0; }
  uint64_t hi() const { return std::min(K, n); }
  // log(P(k + 1) / P(k)), for lo <= k < hi.
  double log_step_up(uint64_t k) const {
    const double up = static_cast<double>(K - k) * static_cast<double>(n - k);
    const double down = static_cast<double>(k + 1) * static_cast<double>((N - K) - (n - k) + 1);
    return std::log(up / down);
  }
  // The most likely k: the distribution is unimodal, and (n+1)(K+1)/(N+2) is within one of it.
  uint64_t mode() const {
    const long double estimate =
        static_cast<long double>(n + 1) * static_cast<long double>(K + 1) / (N + 2);
    uint64_t m = std::clamp(static_cast<uint64_t>(estimate), lo(), hi());
    while (m < hi() && log_step_up(m) > 0) ++m;
    while (m > lo() && log_step_up(m - 1) < 0) --m;
    return m;
  }
  // Calls visit(k, log(P(k) / P(mode))) outward from the mode, as far as terms matter: below
  // e^-750 of the largest they are zero in a double, whatever their number. The walk is short
  // where compare uses the exact test (an expected count below 5: a variance below 5 too).
  template <typename Visit>
  void walk(Visit visit) const {
    constexpr double kNegligible = -750;
    const uint64_t m = mode();
    visit(m, 0.0);
    double l = 0;
    for (uint64_t k = m; k > lo() && l > kNegligible; --k) visit(k - 1, l -= log_step_up(k - 1));
    l = 0;
    for (uint64_t k = m; k < hi() && l > kNegligible; ++k) visit(k + 1, l += log_step_up(k));
  }
};

}  // namespace

double fisher_exact_two_sided(uint64_t base_x, uint64_t base_n, uint64_t cur_x, uint64_t cur_n) {
  const uint64_t total = base_n + cur_n;
  const uint64_t successes = base_x + cur_x;
  if (total == 0 || successes == 0 || successes == total) return 1.0;
  const Hypergeometric dist{total, successes, cur_n};
  // The observed table's log probability; it stays -inf when the table is too unlikely to be
  // walked to, and then no table is as unlikely: p is 0 to a double's precision.
  double observed = -std::numeric_limits<double>::infinity();
  double all = 0;
  dist.walk([&](uint64_t k, double l) {
    if (k == cur_x) observed = l;
    all += std::exp(l);
  });
  // Two-sided: every table at most as likely as the observed one (the tolerance keeps ties that
  // rounding split).
  double as_unlikely = 0;
  dist.walk([&](uint64_t, double l) {
    if (l <= observed + std::log1p(1e-7)) as_unlikely += std::exp(l);
  });
  return std::min(1.0, as_unlikely / all);
}

double chi_square_2x2(uint64_t base_x, uint64_t base_n, uint64_t cur_x, uint64_t cur_n) {
  const double n = static_cast<double>(base_n + cur_n);
  const double col = static_cast<double>(base_x + cur_x);
  const double obs[2][2] = {{static_cast<double>(base_x), static_cast<double>(base_n - base_x)},
                            {static_cast<double>(cur_x), static_cast<double>(cur_n - cur_x)}};
  const double rows[2] = {static_cast<double>(base_n), static_cast<double>(cur_n)};
  const double cols[2] = {col, n - col};
  double chi2 = 0;
  for (int r = 0; r < 2; ++r) {
    for (int c = 0; c < 2; ++c) {
      const double e = rows[r] * cols[c] / n;
      chi2 += (obs[r][c] - e) * (obs[r][c] - e) / e;
    }
  }
  return boost::math::cdf(
      boost::math::complement(boost::math::chi_squared_distribution<double>(1), chi2));
}

namespace {
// Smallest expected cell count of the 2x2 table (class vs rest, baseline vs current).
double min_expected(uint64_t base_x, uint64_t base_n, uint64_t cur_x, uint64_t cur_n) {
  const double n = static_cast<double>(base_n + cur_n);
  const double col = static_cast<double>(base_x + cur_x);
  const double small_col = std::min(col, n - col);
  return small_col * static_cast<double>(std::min(base_n, cur_n)) / n;
}
}  // namespace

namespace {

// One class's shares in both runs, its interval and its test (exact where counts are small).
ClassComparison compare_class(const std::string& name, const Histogram& base, const Histogram& cur,
                              double per_class_alpha) {
  const uint64_t nb = base.iterations(), nc = cur.iterations();
  ClassComparison cc;
  cc.cls = name;
  cc.base_count = base.count(name);
  cc.cur_count = cur.count(name);
  cc.base_rate = nb ? static_cast<double>(cc.base_count) / static_cast<double>(nb) : 0;
  cc.cur_rate = nc ? static_cast<double>(cc.cur_count) / static_cast<double>(nc) : 0;
  cc.base_ci = wilson95(cc.base_count, nb);
  cc.cur_ci = wilson95(cc.cur_count, nc);
  // The exact test where counts are small; chi-square where it is accurate, because the
  // exact test's sum over every table gets slow for tens of thousands of iterations.
  if (min_expected(cc.base_count, nb, cc.cur_count, nc) >= 5) {
    cc.test = "chi2";
    cc.p = chi_square_2x2(cc.base_count, nb, cc.cur_count, nc);
  } else {
    cc.test = "fisher";
    cc.p = fisher_exact_two_sided(cc.base_count, nb, cc.cur_count, nc);
  }
  cc.differs = cc.p < per_class_alpha;
  if (cc.base_count == 0 && cc.cur_count > 0) {
    // What the baseline could have missed: with none in nb, the rate is below 3/nb (95%).
    cc.note = fmt::format("new; baseline of {} could miss a rate up to {:.3g}% (rule of three)", nb,
                          100.0 * rule_of_three(nb));
  } else if (cc.cur_count == 0 && cc.base_count > 0) {
    cc.note = fmt::format("gone; current run of {} could miss a rate up to {:.3g}%", nc,
                          100.0 * rule_of_three(nc));
  }
  return cc;
}

// Chi-square test of homogeneity on the 2 x k table, rare columns pooled (into c).
void test_homogeneity(Comparison& c, uint64_t nb, uint64_t nc) {
  std::vector<std::pair<double, double>> columns;
  std::pair<double, double> pooled{0, 0};
  const double n = static_cast<double>(nb + nc);
  for (const auto& cc : c.classes) {
    const double col = static_cast<double>(cc.base_count + cc.cur_count);
    const double eb = col * static_cast<double>(nb) / n, ec = col * static_cast<double>(nc) / n;
    if (std::min(eb, ec) < 5) {
      pooled.first += static_cast<double>(cc.base_count);
      pooled.second += static_cast<double>(cc.cur_count);
    } else {
      columns.emplace_back(cc.base_count, cc.cur_count);
    }
  }
  {
    const double col = pooled.first + pooled.second;
    if (col > 0 &&
        std::min(col * static_cast<double>(nb) / n, col * static_cast<double>(nc) / n) >= 5) {
      columns.push_back(pooled);
    }
  }
  if (nb > 0 && nc > 0 && columns.size() >= 2) {
    double nb_t = 0, nc_t = 0;
    for (const auto& [b, cu] : columns) {
      nb_t += b;
      nc_t += cu;
    }
    const double nt = nb_t + nc_t;
    double chi2 = 0;
    for (const auto& [b, cu] : columns) {
      const double col = b + cu;
      const double eb = col * nb_t / nt, ec = col * nc_t / nt;
      chi2 += (b - eb) * (b - eb) / eb + (cu - ec) * (cu - ec) / ec;
    }
    c.homogeneity_tested = true;
    c.chi2 = chi2;
    c.df = static_cast<int>(columns.size()) - 1;
    c.p_homogeneity = boost::math::cdf(
        boost::math::complement(boost::math::chi_squared_distribution<double>(c.df), chi2));
  }
}

std::string verdict_of(const Comparison& c, double alpha) {
  if (!c.differs) {
    return fmt::format("SAME: no class changed beyond sampling noise (alpha {})", alpha);
  } else {
    std::string which;
    for (const auto& cc : c.classes) {
      if (cc.differs) {
        which += fmt::format("{}{} {:.3f}% -> {:.3f}%", which.empty() ? "" : ", ", cc.cls,
                             100 * cc.base_rate, 100 * cc.cur_rate);
      }
    }
    return fmt::format("DIFFERS (alpha {}): {}", alpha,
                       which.empty() ? fmt::format("distribution as a whole (chi2 {:.1f}, df "
                                                   "{}, p {:.3g})",
                                                   c.chi2, c.df, c.p_homogeneity)
                                     : which);
  }
}

}  // namespace

Comparison compare_histograms(const Histogram& base, const Histogram& cur, double alpha) {
  Comparison c;
  c.alpha = alpha;
  std::set<std::string> names;
  for (const auto& x : base.classes()) names.insert(x.cls);
  for (const auto& x : cur.classes()) names.insert(x.cls);
  const double per_class_alpha = alpha / static_cast<double>(std::max<size_t>(1, names.size()));
  for (const auto& name : names)
    c.classes.push_back(compare_class(name, base, cur, per_class_alpha));
  std::sort(c.classes.begin(), c.classes.end(), [](const auto& a, const auto& b) {
    return a.base_count + a.cur_count > b.base_count + b.cur_count;
  });
  test_homogeneity(c, base.iterations(), cur.iterations());
  const bool any_class =
      std::any_of(c.classes.begin(), c.classes.end(), [](const auto& cc) { return cc.differs; });
  const bool homogeneity_rejects = c.homogeneity_tested && c.p_homogeneity < alpha;
  c.differs = any_class || homogeneity_rejects;
  c.verdict = verdict_of(c, alpha);
  return c;
}

nlohmann::json to_json(const Comparison& c) {
  nlohmann::json classes = nlohmann::json::array();
  for (const auto& cc : c.classes) {
    classes.push_back({{"class", cc.cls},
                       {"baseline",
                        {{"count", cc.base_count},
                         {"rate", cc.base_rate},
                         {"low", cc.base_ci.low},
                         {"high", cc.base_ci.high}}},
                       {"current",
                        {{"count", cc.cur_count},
                         {"rate", cc.cur_rate},
                         {"low", cc.cur_ci.low},
                         {"high", cc.cur_ci.high}}},
                       {"p", cc.p},
                       {"test", cc.test},
                       {"differs", cc.differs},
                       {"note", cc.note}});
  }
  nlohmann::json j{{"schema", "h2race/compare/1"},
                   {"alpha", c.alpha},
                   {"differs", c.differs},
                   {"verdict", c.verdict},
                   {"classes", classes}};
  if (c.homogeneity_tested) {
    j["homogeneity"] = {{"test", "chi-square, rare classes pooled"},
                        {"chi2", c.chi2},
                        {"df", c.df},
                        {"p", c.p_homogeneity}};
  }
  return j;
}

std::string text_table(const Comparison& c) {
  std::string out =
      fmt::format("{:<32} {:>9} {:>24} {:>9} {:>24} {:>10}  {}\n", "class", "baseline",
                  "rate (95% CI)", "current", "rate (95% CI)", "p", "verdict");
  for (const auto& cc : c.classes) {
    out += fmt::format("{:<32} {:>9} {:>24} {:>9} {:>24} {:>10.3g}  {}{}\n", cc.cls, cc.base_count,
                       fmt::format("{:.3f}% ({:.3f}..{:.3f})", 100 * cc.base_rate,
                                   100 * cc.base_ci.low, 100 * cc.base_ci.high),
                       cc.cur_count,
                       fmt::format("{:.3f}% ({:.3f}..{:.3f})", 100 * cc.cur_rate,
                                   100 * cc.cur_ci.low, 100 * cc.cur_ci.high),
                       cc.p, cc.differs ? "DIFFERS" : "same",
                       cc.note.empty() ? "" : "  (" + cc.note + ")");
  }
  if (c.homogeneity_tested) {
    out +=
        fmt::format("homogeneity: chi2 {:.2f}, df {}, p {:.3g}\n", c.chi2, c.df, c.p_homogeneity);
  }
  out += c.verdict + "\n";
  // Two things a reader of the verdict needs and the numbers above do not say.
  const size_t k = std::max<size_t>(1, c.classes.size());
  out += fmt::format(
      "(each class is tested at alpha/{} = {:.3g}, Bonferroni over its {} classes, the whole at "
      "alpha {}{})\n",
      k, c.alpha / static_cast<double>(k), k, c.alpha,
      k > 1 ? "; a racy scenario's shares move with the machine's load beyond sampling noise, so "
              "two runs of it may differ with nothing changed: gate single-class scenarios, "
              "docs/ci.md"
            : "");
  return out;
}

}  // namespace h2race
