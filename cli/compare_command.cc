// `h2race compare BASELINE.json CURRENT.json [--alpha A] [--force] [--json OUT]`:
// exit 0 same, 1 differs, 2 bad input.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "analysis/compare.h"
#include "cli/commands.h"
#include "cli/histogram_files.h"
#include "cli/user_files.h"

namespace h2race::cli {

namespace {

// What the id does not say and the two runs differ in (a go model's timing, --jobs): a comparison
// of two timings is a question a user may ask, but the table alone would not say it is one.
std::string scenario_note(const RunRecord& base, const RunRecord& cur) {
  const auto d = scenario_differences(base.scenario, cur.scenario);
  return d.empty() ? "" : fmt::format("the scenarios differ in {}\n", fmt::join(d, ", "));
}

}  // namespace

int compare_command(const CompareFlags& f) {
  check_json_stdout(f.out, "the comparison", /*quiet_frees_it=*/false);
  const RunRecord base = load_run(f.baseline);
  const RunRecord cur = load_run(f.current);
  if (base.id() != cur.id() && !f.force) {
    throw UsageError(
        fmt::format("different scenarios: {} is {}, {} is {} (--force compares anyway)", f.baseline,
                    base.id(), f.current, cur.id()));
  }
  if (base.histogram.iterations() == 0 || cur.histogram.iterations() == 0) {
    throw UsageError(fmt::format("{}: no iterations to compare",
                                 base.histogram.iterations() == 0 ? f.baseline : f.current));
  }
  if (!f.out.json_path.empty()) check_output_path("--json", f.out.json_path);
  const Comparison c = compare_histograms(base.histogram, cur.histogram, f.alpha);
  print_stdout(fmt::format("baseline {} ({} iterations{})\ncurrent  {} ({} iterations{})\n",
                           f.baseline, base.histogram.iterations(), base.partial ? ", PARTIAL" : "",
                           f.current, cur.histogram.iterations(), cur.partial ? ", PARTIAL" : "") +
               scenario_note(base, cur) + text_table(c));
  if (!f.out.json_path.empty()) {
    nlohmann::json j = to_json(c);
    j["baseline"] = f.baseline;
    j["current"] = f.current;
    j["scenario"] = base.id();
    write_output("--json", f.out.json_path, j.dump(2) + "\n");
  }
  return c.differs ? kExitCheckFailed : 0;
}

}  // namespace h2race::cli
