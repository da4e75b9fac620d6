// `h2race replay FILE... [--times K]`: runs each schedule K times, one connection at a time, with
// the scenario from its "# scenario:" header; prints each replay's class; exit 0 iff for every
// file all K gave the same class (and, when the file has "# expect: CLASS", that class), with no
// expired wait.
#include <fmt/format.h>

#include <mutex>
#include <vector>

#include "cli/commands.h"
#include "cli/replay_input.h"
#include "cli/user_files.h"
#include "core/interrupt.h"

namespace h2race::cli {
namespace {

// One file's replays; kExitCheckFailed when they were not stable, 0 when they were.
int replay_file(const std::string& file, const ReplayInput& input, const ReplayFlags& f) {
  PcapOutput pcap(f.out.pcap_path, input.scenario().fresh_server, /*stdout_busy=*/true);
  const Pki pki(input.scenario().key_type);
  std::mutex mu;
  uint64_t index = 0;
  DriverHooks hooks;
  hooks.on_iteration = [&](const Outcome& o, std::string_view truth) {
    std::lock_guard lock(mu);
    ++index;
    if (!f.out.quiet)
      print_stdout(fmt::format("replay {:>3}: {:<34} truth {}\n", index, o.cls, truth));
  };
  hooks.explain = f.out.explain;
  hooks.capture = pcap.capture();
  const RunRecord run = replay(input, pki, f.times, hooks);
  if (run.partial && interrupted()) return interrupt_exit_code();

  const auto classes = run.histogram.classes();
  std::string summary;
  for (const auto& c : classes) summary += fmt::format(" {} {}/{}", c.cls, c.count, f.times);
  print_stdout(
      fmt::format("{}:{}\n{}", file, summary,
                  f.out.quiet ? "" : format_examples(run.examples, run.histogram.class_order())));
  pcap.write(run.examples);
  if (run.schedule_failures > 0) {
    print_stderr(fmt::format("{}: schedule did not hold: {} waits expired (first: {})\n", file,
                             run.schedule_failures, run.first_schedule_failure));
    return kExitCheckFailed;
  }
  if (classes.size() != 1) {
    print_stderr(
        fmt::format("{}: not stable: {} classes in {} replays\n", file, classes.size(), f.times));
    return kExitCheckFailed;
  }
  const std::string& expect = input.schedule().expect;
  if (!expect.empty() && classes[0].cls != expect) {
    print_stderr(fmt::format("{}: stable, but gave {} instead of the expected {}\n", file,
                             classes[0].cls, expect));
    return kExitCheckFailed;
  }
  return 0;
}

}  // namespace

int replay_command(const ReplayFlags& f) {
  check_output_flags(f.out);
  // One capture holds one replay's connections; several files would mix theirs.
  if (!f.out.pcap_path.empty() && f.files.size() > 1) {
    throw UsageError("--pcap: give one schedule file (it captures that file's replays)");
  }
  // Every file is read and checked before the first replay, so a typo in the last one does not
  // surface after minutes of replays.
  std::vector<ReplayInput> inputs;
  for (const auto& file : f.files) inputs.push_back(load_replay(file));
  install_interrupt_handlers();
  int rc = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const int file_rc = replay_file(f.files[i], inputs[i], f);
    if (file_rc != 0 && file_rc != kExitCheckFailed) return file_rc;  // interrupted
    if (file_rc != 0) rc = file_rc;
  }
  return rc;
}

}  // namespace h2race::cli
