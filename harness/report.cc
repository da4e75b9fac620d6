#include "harness/report.h"

#include <fmt/format.h>

namespace h2race {
namespace {
std::string one_line(std::string s, size_t max) {
  for (char& c : s) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  if (s.size() > max) s = s.substr(0, max - 3) + "...";
  return s;
}
}  // namespace

std::string text_table(const RunRecord& run) {
  const Histogram& h = run.histogram;
  const double n = static_cast<double>(h.iterations());
  std::string out = fmt::format("scenario {}{}\n", run.scenario.id(), run.partial ? " (PARTIAL)" : "");
  out += fmt::format("iterations {}  elapsed {:.2f} s  {:.0f} it/s\n", h.iterations(), run.elapsed_s,
                     run.elapsed_s > 0 ? n / run.elapsed_s : 0.0);
  std::string truths;
  for (const auto& [t, c] : h.truth()) truths += fmt::format("  {} {}", t, c);
  out += fmt::format("truth{}\n\n", truths);
  out += fmt::format("{:<34} {:>9} {:>8}  {}\n", "class", "count", "%", "example");
  for (const auto& c : h.classes()) {
    out += fmt::format("{:<34} {:>9} {:>7.2f}%  {}\n", c.cls, c.count,
                       n > 0 ? 100.0 * static_cast<double>(c.count) / n : 0.0,
                       one_line(c.example, 90));
  }
  const Interval b = wilson95(h.matched(), h.iterations());
  out += fmt::format("\nfidelity {:.4f} (95% CI {:.4f}..{:.4f})  divergent: {}", h.fidelity(), b.low,
                     b.high, h.divergent() ? "yes" : "no");
  if (!h.divergent() && h.iterations() > 0) {
    out += fmt::format("  (any other class < {:.3g}% at 95%, rule of three)",
                       100.0 * rule_of_three(h.iterations()));
  }
  out += "\n";
  if (const auto& g = h.grace(); g.iterations > 0) {
    out += fmt::format(
        "alert grace: {} iterations kept reading after a transport error; extra latency mean "
        "{:.0f} us, max {} us\n",
        g.iterations, static_cast<double>(g.total_us) / static_cast<double>(g.iterations),
        g.max_us);
  }
  if (run.schedule_failures > 0) {
    out += fmt::format("SCHEDULE FAILED in {} waits (first: {})\n", run.schedule_failures,
                       run.first_schedule_failure);
  }
  return out;
}

}  // namespace h2race
