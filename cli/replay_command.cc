// `h2race replay FILE [--times K]`: runs a schedule K times, one connection at a time, with the
// scenario from its "# scenario:" header; prints each replay's class; exit 0 iff all K gave the
// same class (and, when the file has "# expect: CLASS", that class), with no expired wait.
#include <fmt/format.h>

#include <iostream>
#include <map>
#include <mutex>
#include <variant>

#include "cli/commands.h"
#include "core/inject.h"
#include "core/interrupt.h"
#include "core/pki.h"
#include "run/driver.h"

namespace h2race::cli {

int replay_command(const ReplayFlags& f) {
  auto loaded = load_schedule(f.file);
  if (auto* err = std::get_if<ScheduleError>(&loaded)) throw UsageError(err->to_string());
  const Schedule schedule = std::get<Schedule>(std::move(loaded));

  Scenario scenario;
  parse_scenario_text(schedule.scenario_flags, scenario, f.file);
  scenario.iterations = f.times;
  scenario.jobs = 1;  // replays are one at a time: each is judged on its own
  scenario.schedule = f.file;
  PcapOutput pcap(f.pcap_path, f.explain, scenario.fresh_server, /*stdout_busy=*/true);

  install_interrupt_handlers();
  const Pki pki(scenario.key_type);
  std::mutex mu;
  uint64_t index = 0;
  DriverHooks hooks;
  hooks.on_iteration = [&](const Outcome& o, std::string_view truth) {
    std::lock_guard lock(mu);
    ++index;
    if (!f.quiet) fmt::print("replay {:>3}: {:<34} truth {}\n", index, o.cls, truth);
  };
  hooks.explain = f.explain;
  hooks.capture = pcap.capture();
  const RunRecord run = run_scenario(scenario, pki, hooks, &schedule);
  if (run.partial && interrupted()) return interrupt_exit_code();

  const auto classes = run.histogram.classes();
  std::string summary;
  for (const auto& c : classes) summary += fmt::format(" {} {}/{}", c.cls, c.count, f.times);
  fmt::print("{}:{}\n{}", f.file, summary, f.quiet ? "" : format_examples(run.examples));
  pcap.write(run.examples);
  if (run.schedule_failures > 0) {
    fmt::print(stderr, "{}: schedule did not hold: {} waits expired (first: {})\n", f.file,
               run.schedule_failures, run.first_schedule_failure);
    return kExitCheckFailed;
  }
  if (classes.size() != 1) {
    fmt::print(stderr, "{}: not stable: {} classes in {} replays\n", f.file, classes.size(),
               f.times);
    return kExitCheckFailed;
  }
  if (!schedule.expect.empty() && classes[0].cls != schedule.expect) {
    fmt::print(stderr, "{}: stable, but gave {} instead of the expected {}\n", f.file,
               classes[0].cls, schedule.expect);
    return kExitCheckFailed;
  }
  return 0;
}

}  // namespace h2race::cli
