// `h2race report FILES|DIR --md OUT.md --svg OUT.svg`: Markdown table and SVG chart of runs.
#include <fmt/format.h>

#include <cctype>
#include <filesystem>
#include <set>

#include "analysis/report.h"
#include "analysis/sequence_diagram.h"
#include "analysis/servers_report.h"
#include "cli/commands.h"
#include "cli/histogram_files.h"
#include "cli/user_files.h"
#include "clients/client_kinds.h"

namespace h2race::cli {
namespace {

// Puts each run of a model (a client kind a program's definition says it is modeled by) just
// before the run of that program in the same scenario, so the two rows are read together; the rest
// keep their order (file names, sorted).
std::vector<RunRecord> models_beside_programs(std::vector<RunRecord> runs) {
  std::vector<std::vector<size_t>> models_of(runs.size());
  std::vector<bool> placed(runs.size(), false);
  for (size_t i = 0; i < runs.size(); ++i) {
    const std::string_view program = program_modeled_by(runs[i].scenario.client);
    if (program.empty()) continue;
    Scenario as_program = runs[i].scenario;
    as_program.client = program;
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

// The examples' sequence diagrams, as files in "<md>-diagrams/" next to the Markdown, and the
// Markdown section that shows them.
std::string write_diagrams(const std::vector<RunRecord>& runs, const std::string& md_path) {
  namespace fs = std::filesystem;
  const fs::path md(md_path);
  const fs::path dir = md.parent_path() / (md.stem().string() + "-diagrams");
  std::string section;
  std::set<std::string> names;  // two inputs may share a scenario id (e.g. a run and a probe)
  for (const RunRecord& run : runs) {
    for (const auto& [cls, ex] : run.examples) {
      if (section.empty()) {
        make_output_dir("--md", dir.string());
        section = "\n## Examples (`--explain`)\n";
      }
      std::string name = run.scenario.id() + "-" + cls + ".svg";
      for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') c = '_';
      }
      const std::string stem = name.substr(0, name.size() - 4);
      for (int n = 2; !names.insert(name).second; ++n) name = fmt::format("{}-{}.svg", stem, n);
      write_output("--md", (dir / name).string(),
                   sequence_svg(fmt::format("{}: {} ({})", run.scenario.id(), cls, ex.key), ex));
      section += fmt::format("\n### `{}`: `{}`\n\n![{}]({})\n", run.scenario.id(), cls, cls,
                             (fs::path(dir.filename()) / name).string());
    }
  }
  return section;
}

}  // namespace

int report_command(const ReportFlags& f) {
  if (f.md_path.empty() && f.svg_path.empty() && f.servers_md_path.empty()) {
    throw UsageError(
        "nothing to write: give --md OUT.md, --svg OUT.svg and/or --servers-md OUT.md");
  }
  check_distinct_outputs(
      {{"--md", f.md_path}, {"--svg", f.svg_path}, {"--servers-md", f.servers_md_path}});
  if (!f.servers_md_path.empty()) check_output_path("--servers-md", f.servers_md_path);
  if (!f.md_path.empty()) check_output_path("--md", f.md_path);
  if (!f.svg_path.empty()) check_output_path("--svg", f.svg_path);
  std::vector<RunRecord> runs;
  for (const auto& path : expand_json_inputs(f.inputs)) runs.push_back(load_run(path));
  runs = models_beside_programs(std::move(runs));
  if (!f.md_path.empty()) {
    // Diagrams sit next to a Markdown file; a report on stdout has none.
    const std::string diagrams = f.md_path == kStdoutPath ? "" : write_diagrams(runs, f.md_path);
    write_output("--md", f.md_path, markdown_report(runs) + diagrams);
  }
  if (!f.svg_path.empty()) write_output("--svg", f.svg_path, svg_report(runs));
  if (!f.servers_md_path.empty()) {
    write_output("--servers-md", f.servers_md_path, servers_report(runs));
  }
  // With a report on stdout (`-`), the summary goes to stderr so stdout is the report alone.
  const bool to_stdout = f.md_path == kStdoutPath || f.svg_path == kStdoutPath;
  print_summary(
      fmt::format("report: {} runs{}{}\n", runs.size(), f.md_path.empty() ? "" : " -> " + f.md_path,
                  f.svg_path.empty() ? "" : " -> " + f.svg_path),
      to_stdout);
  return 0;
}

}  // namespace h2race::cli
