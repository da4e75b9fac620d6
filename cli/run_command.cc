// `h2race run`: one scenario, N iterations, the histogram table and optionally its JSON.
#include <fmt/format.h>

#include <variant>

#include "analysis/report.h"
#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/user_files.h"
#include "core/inject.h"
#include "core/interrupt.h"
#include "core/pki.h"
#include "harness/driver.h"

namespace h2race::cli {

int run_command(RunFlags& f) {
  std::optional<Schedule> schedule;
  if (!f.schedule_path.empty()) {
    auto loaded = load_schedule(f.schedule_path);
    if (auto* err = std::get_if<ScheduleError>(&loaded)) {
      throw UsageError(err->line == 0 ? "--schedule: " + err->to_string() : err->to_string());
    }
    schedule = std::get<Schedule>(std::move(loaded));
    f.scenario.schedule = f.schedule_path;
  }
  if (!f.json_path.empty()) check_output_path("--json", f.json_path);
  const RunPlan plan =
      plan_run(f.scenario, {.schedule = std::move(schedule), .explain = f.explain});

  PcapOutput pcap(f.pcap_path, f.explain, f.scenario.fresh_server, /*stdout_busy=*/!f.quiet);
  install_interrupt_handlers();
  const Pki pki(f.scenario.key_type);
  std::atomic<uint64_t> done{0};
  RunRecord run;
  {
    Progress progress(done, f.scenario.iterations);
    DriverHooks hooks;
    hooks.done = &done;
    hooks.explain = f.explain;
    hooks.capture = pcap.capture();
    run = run_scenario(plan, pki, hooks);
  }
  // The table first: a JSON path that fails now must not cost the user the run.
  if (!f.quiet) print_stdout(text_table(run) + format_examples(run.examples));
  if (!f.json_path.empty()) write_output("--json", f.json_path, to_json(run).dump(2) + "\n");
  pcap.write(run.examples);
  if (run.partial && interrupted()) return interrupt_exit_code();
  if (run.schedule_failures > 0) {
    fmt::print(stderr, "h2race run: schedule {} did not hold: {} waits expired (first: {})\n",
               f.schedule_path, run.schedule_failures, run.first_schedule_failure);
    return kExitCheckFailed;
  }
  if (f.fail_on_divergence && run.histogram.divergent()) {
    fmt::print(stderr, "h2race run: --fail-on-divergence: the iterations fell into {} classes\n",
               run.histogram.classes().size());
    return kExitCheckFailed;
  }
  return 0;
}

}  // namespace h2race::cli
