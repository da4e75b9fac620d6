// scripts/back-off-wakes --from: where the client's back-off sleeps end, per request, which
// docs/go-model.md ("What holds the request up") sets beside real Go's. Hand-made perf script
// texts: a go model's thief whose timer fires beside the request thread and takes its core for
// 30 us, one that fires on an idle CPU with the sysmon's in the same interrupt, and one beside the
// request thread with the sysmon's, which takes the core first; the sysmon's sleeps are no
// back-off, and neither is a nanosleep the thread did not leave its core for. For a real Go
// program, the thread that sleeps most in its process is its sysmon and is left out.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "perf_script_lines.h"
#include "shell_command.h"

namespace h2race {
namespace {

namespace fs = std::filesystem;

const std::string kScript = std::string(H2RACE_SOURCE_DIR) + "/scripts/back-off-wakes";

std::string sleep_call(const std::string& comm, int pid, int tid, int cpu, const char* time) {
  return perf_line(comm, pid, tid, cpu, time, "syscalls:sys_enter_nanosleep: rqtp: 0x1, rmtp: 0x0");
}

std::string wake(const std::string& comm, int pid, int tid, int cpu, const char* time,
                 const std::string& woken, int woken_tid, int target) {
  return perf_line(comm, pid, tid, cpu, time, wakeup_fields(woken, woken_tid, target));
}

std::string switch_to(const std::string& comm, int pid, int tid, int cpu, const char* time,
                      char state, const std::string& next, int next_tid) {
  return perf_line(comm, pid, tid, cpu, time, switch_fields(comm, tid, state, next, next_tid));
}

TEST(BackOffWakes, TheModelsThiefTakingTheRequestThreadsCoreIsCountedWithItsWait) {
  const std::string thief = "h2race-readloop";
  const std::string request = "h2race-request";
  const std::string text =
      sleep_call(thief, 100, 201, 1, "100.000000") +
      switch_to(thief, 100, 201, 1, "100.000001", 'S', "swapper/1", 0) +
      // Its timer fires on CPU 0, where the request thread runs, and it takes that core.
      wake(request, 100, 202, 0, "100.000050", thief, 201, 0) +
      switch_to(request, 100, 202, 0, "100.000052", 'R', thief, 201) +
      switch_to(thief, 100, 201, 0, "100.000082", 'S', request, 202) +
      // The sysmon's sleep: its ticks, not a back-off.
      sleep_call("h2race-sysmon", 100, 203, 1, "100.000090") +
      sleep_call(thief, 100, 201, 0, "100.000100") +
      switch_to(thief, 100, 201, 0, "100.000101", 'S', request, 202) +
      wake("swapper/1", 0, 0, 1, "100.000160", thief, 201, 1) +
      wake("swapper/1", 0, 0, 1, "100.000161", "h2race-sysmon", 203, 1) +
      // A nanosleep too short to leave the core, then a futex wake-up later: no back-off.
      sleep_call(thief, 100, 201, 1, "100.000170") +
      wake(thief, 100, 201, 1, "100.000171", request, 202, 0) +
      wake(request, 100, 202, 0, "100.000200", thief, 201, 1) +
      // Beside the request thread again, with the sysmon's timer in the same interrupt: the
      // request leaves its core to the sysmon, then the thief runs.
      sleep_call("h2race-sysmon", 100, 203, 0, "100.000290") +
      sleep_call(thief, 100, 201, 0, "100.000300") +
      switch_to(thief, 100, 201, 0, "100.000301", 'S', request, 202) +
      wake(request, 100, 202, 0, "100.000350", thief, 201, 0) +
      wake(request, 100, 202, 0, "100.000351", "h2race-sysmon", 203, 0) +
      switch_to(request, 100, 202, 0, "100.000352", 'R', "h2race-sysmon", 203) +
      switch_to("h2race-sysmon", 100, 203, 0, "100.000360", 'S', thief, 201) +
      switch_to(thief, 100, 201, 0, "100.000380", 'S', request, 202);
  const fs::path f = write_temp_file("h2race_back_off_wakes", text);
  const ShellResult r = shell(kScript + " --from " + f.string() + " --requests 2");
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("per request (2 requests): 1.50"), std::string::npos) << r.output;
  // Two ends beside the request thread: one thief took its core, both times it left it runnable,
  // once with the sysmon's timer; its wait counts only where the thief took it.
  EXPECT_NE(r.output.find("  the client's own thread                1.000           0.500"
                          "           1.000         0.500   p50   30.0 p90   30.0"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("  idle                                   0.500           0.000"
                          "           0.000         0.500\n"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("the client's sysmon "), std::string::npos) << r.output;
  fs::remove(f);
}

TEST(BackOffWakes, ARealProgramsSysmonIsTheThreadThatSleepsMost) {
  const std::string go = "go1.26-net-http";
  std::string text;
  // Thread 301 sleeps four times (Go's sysmon), 302 and 304 once each, beside 303 of the same
  // process: their timers and the sysmon's fire in one interrupt on CPU 0, where 303 runs.
  for (const char* t : {"100.000000", "100.000100", "100.000200"}) {
    text += sleep_call(go, 300, 301, 1, t) + wake("swapper/1", 0, 0, 1, t, go, 301, 1);
  }
  text += sleep_call(go, 300, 301, 0, "100.000290") + sleep_call(go, 300, 304, 0, "100.000296") +
          switch_to(go, 300, 304, 0, "100.000297", 'S', go, 302) +
          sleep_call(go, 300, 302, 0, "100.000300") +
          switch_to(go, 300, 302, 0, "100.000301", 'S', go, 303) +
          wake(go, 300, 303, 0, "100.000350", go, 302, 0) +
          wake(go, 300, 303, 0, "100.000350", go, 304, 0) +
          wake(go, 300, 303, 0, "100.000350", go, 301, 0) +
          switch_to(go, 300, 303, 0, "100.000351", 'R', go, 302) +
          switch_to(go, 300, 302, 0, "100.000360", 'S', go, 304) +
          switch_to(go, 300, 304, 0, "100.000370", 'S', go, 301) +
          switch_to(go, 300, 301, 0, "100.000380", 'S', go, 303);
  const fs::path f = write_temp_file("h2race_back_off_wakes_go", text);
  const ShellResult r = shell(kScript + " --from " + f.string() + " --requests 1");
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("per request (1 requests): 2.00"), std::string::npos) << r.output;
  // Both ends beside 303: one woken thread took its core, which it left once for both, with the
  // sysmon's timer in the same interrupt; it waited 29 us to run again.
  EXPECT_NE(r.output.find("  the client's own thread                2.000           1.000"
                          "           2.000         2.000   p50   29.0 p90   29.0"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("idle"), std::string::npos) << r.output;
  fs::remove(f);
}

TEST(BackOffWakes, BadInputsNameWhatIsWrongAndExit2) {
  const fs::path junk = write_temp_file("h2race_back_off_wakes_junk", "not a perf line\n");
  auto expect_refused = [](const std::string& args, const std::string& message) {
    h2race::expect_refused(kScript + " " + args, message);
  };
  expect_refused("--from " + junk.string() + " --requests 2", junk.string() + ": no perf events");
  expect_refused("--from " + junk.string(), "--from needs --requests N");
  expect_refused("-n 0", "-n 0: a positive count");
  expect_refused("-- --client go -n 5", "a count among the run flags");
  fs::remove(junk);
}

}  // namespace
}  // namespace h2race
