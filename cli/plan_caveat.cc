// What a plan's results will not stand for, said on stderr before its first iteration, so that a
// user can stop a long run that would not answer their question.
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/user_files.h"
#include "clients/client_kinds.h"

namespace h2race::cli {

void print_plan_caveat(std::string_view command, const RunPlan& plan) {
  const std::string caveat =
      go_model_jobs_caveat(*plan.kind, plan.scenario.jobs, plan.schedule.has_value());
  if (!caveat.empty()) print_stderr(fmt::format("h2race {}: note: {}\n", command, caveat));
}

}  // namespace h2race::cli
