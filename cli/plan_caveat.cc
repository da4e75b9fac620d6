// What a plan's results will not stand for, said on stderr before its first iteration, so that a
// user can stop a long run that would not answer their question.
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/user_files.h"
#include "clients/client_kinds.h"
#include "clients/go_runtime.h"

namespace h2race::cli {

void print_plan_caveat(std::string_view command, const RunPlan& plan) {
  // Each caveat as one line, "" saying nothing.
  auto note = [&](const std::string& text) {
    if (!text.empty()) print_stderr(fmt::format("h2race {}: note: {}\n", command, text));
  };
  const bool scheduled = plan.schedule.has_value();
  note(go_model_jobs_caveat(*plan.kind, plan.scenario.jobs, scheduled));
  note(go_model_procs_caveat(*plan.kind, go_maxprocs(), scheduled));
  // A fresh server per iteration is a fresh process of the program too, and each process makes its
  // warm-up requests first: a cost a user of both flags does not expect (101 times the requests
  // at --warm-up 100), so it is said before the run, not refused (a settled process per server
  // may be what they want).
  if (plan.warm_up > 0 && plan.scenario.fresh_server) {
    note(fmt::format(
        "--warm-up {} with --fresh-server: each iteration starts a new process of {}, which first "
        "makes its {} uncounted requests ({} connections per iteration)",
        plan.warm_up, plan.scenario.client, plan.warm_up, plan.warm_up + 1));
  }
}

}  // namespace h2race::cli
