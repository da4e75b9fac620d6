// `h2race matrix [-n N] [--out DIR] [--zoo]`: every scenario of the built-in matrix (or the client
// zoo), one JSON each in DIR (named by scenario id) and a summary table (stdout and
// DIR/summary.md).
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "analysis/report.h"
#include "analysis/servers_report.h"
#include "cli/commands.h"
#include "cli/user_files.h"
#include "clients/client_kinds.h"
#include "core/interrupt.h"
#include "core/pki.h"
#include "harness/driver.h"
#include "harness/matrix.h"

namespace h2race::cli {

int matrix_command(const MatrixFlags& f) {
  std::error_code ec;
  std::filesystem::create_directories(f.out_dir, ec);
  if (ec || !std::filesystem::is_directory(f.out_dir)) {
    throw UsageError(fmt::format("--out {}: cannot create directory: {}", f.out_dir, ec.message()));
  }
  // Every scenario is resolved before the first runs: a program that is missing stops the matrix
  // now, not after an hour.
  std::vector<RunPlan> plans;
  for (Scenario s : f.servers ? servers_matrix() : f.zoo ? zoo_matrix() : builtin_matrix()) {
    s.jobs = f.jobs;
    plans.push_back(plan_run(s));
  }
  std::set<std::string_view> noted;  // one note per client kind, not one per server
  for (const RunPlan& plan : plans) {
    if (noted.insert(plan.kind->name).second) print_plan_caveat("matrix", plan);
  }
  install_interrupt_handlers();
  std::map<KeyType, std::unique_ptr<Pki>> pkis;
  std::vector<RunRecord> runs;
  for (RunPlan& plan : plans) {
    if (interrupted()) break;
    Scenario& s = plan.scenario;
    // A process per connection (or a runtime's start-up per batch) runs at tens or hundreds per
    // second, not thousands.
    s.iterations =
        plan.kind->program ? std::min(f.iterations, f.external_iterations) : f.iterations;
    auto& pki = pkis[s.key_type];
    if (!pki) pki = std::make_unique<Pki>(s.key_type);
    RunRecord run = run_scenario(plan, *pki);
    const std::string path = (std::filesystem::path(f.out_dir) / (s.id() + ".json")).string();
    write_output("--out", path, to_json(run).dump(2) + "\n");
    print_stderr(fmt::format("{:<48} {:>7} iterations  fidelity {:.4f}{}\n", s.id(),
                             run.histogram.iterations(), run.histogram.fidelity(),
                             run.partial ? "  (partial)" : ""));
    runs.push_back(std::move(run));
  }
  const std::string md = markdown_report(runs);
  print_stdout(md);
  write_output("--out", (std::filesystem::path(f.out_dir) / "summary.md").string(), md);
  if (f.servers) {
    const std::filesystem::path out(f.out_dir);
    write_output("--out", (out / "servers.md").string(), servers_report(runs));
    write_output("--out", (out / "servers.svg").string(), svg_report(runs));
  }
  if (interrupted()) return interrupt_exit_code();
  return 0;
}

}  // namespace h2race::cli
