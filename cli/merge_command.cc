// `h2race merge A.json B.json ... -o OUT.json`: sums histograms of the same scenario (shards run
// on several machines or at several times); refuses mixed scenarios.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <vector>

#include "cli/commands.h"
#include "cli/histogram_files.h"
#include "cli/user_files.h"

namespace h2race::cli {

int merge_command(const MergeFlags& f) {
  check_output_path("-o", f.out);
  RunRecord total;
  std::string first_path;
  std::vector<std::string> seen;  // each input once: a file given twice would count twice
  for (const auto& path : f.inputs) {
    RunRecord r = load_run(path);
    for (const auto& earlier : seen) {
      if (std::filesystem::equivalent(earlier, path)) {  // also another name or a hard link
        throw UsageError(fmt::format("{}: given twice (as {}); its iterations would count twice",
                                     path, earlier));
      }
    }
    seen.push_back(path);
    if (first_path.empty()) {
      total = std::move(r);
      first_path = path;
      continue;
    }
    if (r.scenario.id() != total.scenario.id()) {
      throw UsageError(fmt::format("{} is scenario {}, but {} is {}: merge sums one scenario only",
                                   path, r.scenario.id(), first_path, total.scenario.id()));
    }
    // The id leaves out what else makes a scenario (a go model's timing, --jobs): a sum of
    // two such runs was labelled with the first one's settings.
    auto d = scenario_differences(r.scenario, total.scenario);
    // A schedule is recorded by the path it was given as: shards run elsewhere name one schedule
    // differently. Said, not refused; with a schedule on one side only the runs differ.
    if (r.scenario.schedule && total.scenario.schedule &&
        *r.scenario.schedule != *total.scenario.schedule) {
      std::erase_if(d, [](const std::string& s) { return s.starts_with("schedule "); });
      print_stderr(fmt::format("merge: {} ran schedule {}, {} ran {}; merged as one schedule\n",
                               first_path, *total.scenario.schedule, path, *r.scenario.schedule));
    }
    if (!d.empty()) {
      throw UsageError(fmt::format("{} and {} differ in {}: merge sums one scenario only", path,
                                   first_path, fmt::join(d, ", ")));
    }
    // Each file is valid alone (counts <= 2^53); their sum must be too.
    if (r.histogram.iterations() > kMaxCount - total.histogram.iterations()) {
      throw UsageError(fmt::format("{}: the merged iterations would exceed 2^53", path));
    }
    // Each elapsed_s is finite; their sum may not be, and JSON has no infinity: it would be
    // written as null, which no loader (h2race's included) takes as a time.
    if (!std::isfinite(total.elapsed_s + r.elapsed_s)) {
      throw UsageError(fmt::format("{}: the merged elapsed_s would not be a finite number", path));
    }
    absorb(total, r);
  }
  write_output("-o", f.out, to_json(total).dump(2) + "\n");
  // With the JSON on stdout (-o -), the summary goes to stderr so stdout stays one JSON document.
  print_summary(fmt::format("merged {} files: {} iterations of {}{} -> {}\n", f.inputs.size(),
                            total.histogram.iterations(), total.scenario.id(),
                            total.partial ? " (PARTIAL)" : "", f.out),
                /*stdout_is_output=*/f.out == kStdoutPath);
  return 0;
}

}  // namespace h2race::cli
