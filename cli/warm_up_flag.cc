// --warm-up (run and calibrate): only a program that answers in lines keeps a process alive across
// requests, so only it has a young process whose answers can be left out.
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/user_files.h"
#include "clients/client_kinds.h"

namespace h2race::cli {

void apply_warm_up(RunPlan& plan, uint64_t warm_up, std::string_view who) {
  if (warm_up > 0 && !answers_in_lines(*plan.kind)) {
    throw UsageError(fmt::format(
        "--warm-up: {} {}", who,
        plan.kind->program ? "answers one request per process (answers exit-status); there is no "
                             "process to warm up"
                           : "is not a program; only a program that answers in lines has "
                             "processes to warm up"));
  }
  plan.warm_up = warm_up;
}

}  // namespace h2race::cli
