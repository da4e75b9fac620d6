// `h2race report FILES|DIR --md OUT.md --svg OUT.svg`: Markdown table and SVG chart of runs.
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/histogram_files.h"
#include "clients/client_kinds.h"
#include "core/report.h"

namespace h2race::cli {
namespace {

// Puts each run of a model (a client kind that `models` a program) just before the run of that
// program in the same scenario, so the two rows are read together; the rest keep their order
// (file names, sorted).
std::vector<RunRecord> models_beside_programs(std::vector<RunRecord> runs) {
  std::vector<std::vector<size_t>> models_of(runs.size());
  std::vector<bool> placed(runs.size(), false);
  for (size_t i = 0; i < runs.size(); ++i) {
    const ClientKindInfo* kind = find_client(runs[i].scenario.client);
    if (!kind || kind->models.empty()) continue;
    Scenario as_program = runs[i].scenario;
    as_program.client = kind->models;
    for (size_t j = 0; j < runs.size(); ++j) {
      if (runs[j].scenario.client == as_program.client &&
          runs[j].scenario.id() == as_program.id()) {
        models_of[j].push_back(i);
        placed[i] = true;
        break;
      }
    }
  }
  std::vector<RunRecord> out;
  for (size_t j = 0; j < runs.size(); ++j) {
    for (size_t i : models_of[j]) out.push_back(std::move(runs[i]));
    if (!placed[j]) out.push_back(std::move(runs[j]));
  }
  return out;
}

}  // namespace

int report_command(const ReportFlags& f) {
  if (f.md_path.empty() && f.svg_path.empty()) {
    throw UsageError("nothing to write: give --md OUT.md and/or --svg OUT.svg");
  }
  if (!f.md_path.empty()) check_output_path("--md", f.md_path);
  if (!f.svg_path.empty()) check_output_path("--svg", f.svg_path);
  std::vector<RunRecord> runs;
  for (const auto& path : expand_json_inputs(f.inputs)) runs.push_back(load_run(path));
  runs = models_beside_programs(std::move(runs));
  if (!f.md_path.empty()) write_file_atomically(f.md_path, markdown_report(runs));
  if (!f.svg_path.empty()) write_file_atomically(f.svg_path, svg_report(runs));
  fmt::print("report: {} runs{}{}\n", runs.size(), f.md_path.empty() ? "" : " -> " + f.md_path,
             f.svg_path.empty() ? "" : " -> " + f.svg_path);
  return 0;
}

}  // namespace h2race::cli
