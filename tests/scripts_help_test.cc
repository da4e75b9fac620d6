// Every script a user is pointed to answers -h/--help with its usage and does nothing else:
// `scripts/test --help` used to start the whole CI run, `scripts/ci-compare --help` the CI gate,
// `scripts/capture-external --help` its servers and clients.
#include <gtest/gtest.h>

#include <string>

#include "shell_command.h"

namespace h2race {
namespace {

const std::string kScripts = std::string(H2RACE_SOURCE_DIR) + "/scripts/";

TEST(ScriptsHelp, EveryUserScriptPrintsItsUsageAndStops) {
  // A script that ran instead of printing would fail here or reach the test's ctest timeout.
  for (const char* s : {"back-off-wakes",
                        "bench",
                        "calibration-summary",
                        "capture-external",
                        "ci-compare",
                        "flight-race",
                        "fuzz",
                        "fuzz-smoke",
                        "go-read-loop",
                        "go-window-cores",
                        "host-check",
                        "log-shares",
                        "package",
                        "refresh-results",
                        "repro",
                        "sanitize",
                        "sched-wakes",
                        "seed-rate",
                        "server-zoo-check",
                        "setup",
                        "slow-request-curve",
                        "soak",
                        "sysmon-ticks",
                        "test",
                        "wire-gaps",
                        "with-load"}) {
    for (const char* flag : {"-h", "--help"}) {
      const ShellResult r = shell(kScripts + s + " " + flag);
      EXPECT_EQ(r.code, 0) << s << " " << flag << "\n" << r.output;
      EXPECT_GT(r.output.size(), 40u) << s << " " << flag << "\n" << r.output;
      // What a script prints when it starts its work instead.
      for (const char* working :
           {"scripts/test: '", "scripts/repro: from", "[0/", "same h", "Traceback"}) {
        EXPECT_EQ(r.output.find(working), std::string::npos)
            << s << " " << flag << " did more than print its usage:\n"
            << r.output;
      }
    }
  }
}

TEST(ScriptsHelp, BadArgumentsAreExit2) {
  // scripts/test took any argument and ran the whole CI run (`scripts/test --quick`).
  for (const char* args :
       {"ci-compare --rebas", "capture-external -n x", "calibration-summary /nonexistent-dir",
        "server-zoo-check x", "test --quick", "fuzz-smoke x", "slow-request-curve --us 5,x",
        "host-check --handoffs 4,x", "host-check --rounds 0", "host-check x",
        "go-read-loop --keep /nonexistent-h2race-dir",
        "go-window-cores --from /nonexistent-h2race-dir", "back-off-wakes --requests 5"}) {
    const ShellResult r = shell(kScripts + args);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.output;
  }
  // Its own refusal, not calibrate's: a count among the calibrate flags would be run twice.
  // The same for the scripts that record a run under perf, before perf is looked for.
  for (const char* count : {"-n 5", "-n5", "-n=5", "--iterations=5"}) {
    expect_refused(kScripts + "slow-request-curve -- " + count,
                   "among the calibrate flags: this script sets it");
    expect_refused(kScripts + "flight-race -- " + count, "a count among the run flags");
  }
  expect_refused(kScripts + "slow-request-curve -- --fit",
                 "--fit: a fit is not a calibration at one timing");
  // A flag without its value is named, not answered with the whole usage.
  expect_refused(kScripts + "go-read-loop -n", "go-read-loop: -n needs a value");
  expect_refused(kScripts + "wire-gaps -n", "wire-gaps: -n needs a value");
}

}  // namespace
}  // namespace h2race
