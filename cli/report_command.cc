// `h2race report FILES|DIR --md OUT.md --svg OUT.svg`: Markdown table and SVG chart of runs.
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/histogram_files.h"
#include "cli/user_files.h"
#include "core/report.h"

namespace h2race::cli {

int report_command(const ReportFlags& f) {
  if (f.md_path.empty() && f.svg_path.empty()) {
    throw UsageError("nothing to write: give --md OUT.md and/or --svg OUT.svg");
  }
  if (!f.md_path.empty()) check_output_path("--md", f.md_path);
  if (!f.svg_path.empty()) check_output_path("--svg", f.svg_path);
  std::vector<RunRecord> runs;
  for (const auto& path : expand_json_inputs(f.inputs)) runs.push_back(load_run(path));
  if (!f.md_path.empty()) write_output("--md", f.md_path, markdown_report(runs));
  if (!f.svg_path.empty()) write_output("--svg", f.svg_path, svg_report(runs));
  // With a report on stdout (`-`), the summary goes to stderr so stdout is the report alone.
  const bool to_stdout = f.md_path == kStdoutPath || f.svg_path == kStdoutPath;
  fmt::print(to_stdout ? stderr : stdout, "report: {} runs{}{}\n", runs.size(),
             f.md_path.empty() ? "" : " -> " + f.md_path,
             f.svg_path.empty() ? "" : " -> " + f.svg_path);
  return 0;
}

}  // namespace h2race::cli
