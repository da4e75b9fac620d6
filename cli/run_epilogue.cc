// How `run` and `probe` end: what they print and write, in an order that never costs the user the
// run, and the exit code their flags ask for.
#include <fmt/format.h>

#include "analysis/report.h"
#include "cli/commands.h"
#include "cli/user_files.h"
#include "core/interrupt.h"

namespace h2race::cli {

int finish_run(std::string_view command, std::string_view unit, const RunRecord& run,
               const OutputFlags& out, std::string_view examples_note, PcapOutput* pcap) {
  // The table first: a JSON path that fails now must not cost the user the run.
  if (!out.quiet) {
    std::string examples = format_examples(run.examples, run.histogram.class_order());
    if (!examples.empty() && !examples_note.empty()) {
      examples = fmt::format("\n{}\n{}", examples_note, examples);
    }
    print_stdout(text_table(run) + examples);
  }
  if (!out.json_path.empty()) write_output("--json", out.json_path, to_json(run).dump(2) + "\n");
  if (pcap) pcap->write(run.examples);
  if (run.partial && interrupted()) return interrupt_exit_code();
  if (run.schedule_failures > 0) {
    print_stderr(fmt::format("h2race {}: schedule {} did not hold: {} waits expired (first: {})\n",
                             command, run.scenario.schedule.value_or(""), run.schedule_failures,
                             run.first_schedule_failure));
    return kExitCheckFailed;
  }
  if (out.fail_on_divergence && run.histogram.divergent()) {
    print_stderr(fmt::format("h2race {}: --fail-on-divergence: the {} fell into {} classes\n",
                             command, unit, run.histogram.classes().size()));
    return kExitCheckFailed;
  }
  return 0;
}

}  // namespace h2race::cli
