// scripts/sysmon-ticks --from: the per-request table of Go's sysmon beside the go models' that
// docs/go-model.md ("Go's sysmon backs off") quotes. A hand-made perf script text: a Go process
// whose second thread (its sysmon) ticks three times, sleeps deep 500 us, ticks once, sleeps
// 1000 us (a doubled sleep) and ticks twice more, beside another thread of that process that
// sleeps and waits too; and a model's sysmon that ticks three times and waits on a lock for 10 us.
// Only the sysmons count, a futex wait under 20 us is no deep sleep, and the shares of time are
// of each sysmon's own span.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "shell_command.h"

namespace h2race {
namespace {

namespace fs = std::filesystem;

const std::string kScript = std::string(H2RACE_SOURCE_DIR) + "/scripts/sysmon-ticks";

std::string event(const char* comm, int pid, int tid, const char* time, const std::string& what) {
  return std::string("  ") + comm + " " + std::to_string(pid) + "/" + std::to_string(tid) + " " +
         time + ": " + what + "\n";
}

const std::string kSleep = "syscalls:sys_enter_nanosleep: rqtp: 0x7f00, rmtp: 0x0";
const std::string kWait = "syscalls:sys_enter_futex: uaddr: 0xa34080, op: 0x00000080, val: 0x0";
const std::string kWake = "syscalls:sys_enter_futex: uaddr: 0xa34080, op: 0x00000081, val: 0x1";
const std::string kDone = "syscalls:sys_exit_futex: 0x0";

std::string go(int tid, const char* time, const std::string& what) {
  return event("go1.26-net-http", 500, tid, time, what);
}
std::string model(int tid, const char* comm, const char* time, const std::string& what) {
  return event(comm, 800, tid, time, what);
}

TEST(SysmonTicks, CountsTheSysmonsTicksDeepSleepsAndLongGapsPerRequest) {
  const std::string text =
      go(500, "99.999990", kWake) + go(501, "100.000000", kSleep) + go(502, "100.000050", kSleep) +
      go(502, "100.000060", kWait) + go(501, "100.000090", kSleep) + go(501, "100.000180", kSleep) +
      go(501, "100.000200", kWait) + go(501, "100.000700", kDone) + go(501, "100.000710", kSleep) +
      go(502, "100.000900", kDone) + go(501, "100.001710", kSleep) + go(501, "100.001800", kSleep) +
      model(800, "h2race", "100.000000", kWake) +
      model(810, "h2race-sysmon", "100.000000",
            "syscalls:sys_enter_clock_nanosleep: which_clock: 0x0, flags: 0x0") +
      model(810, "h2race-sysmon", "100.000080", kSleep) +
      model(810, "h2race-sysmon", "100.000160", kSleep) +
      model(810, "h2race-sysmon", "100.000170", kWait) +
      model(810, "h2race-sysmon", "100.000180", kDone);
  const fs::path f = write_temp_file("h2race_sysmon_ticks", text);
  const ShellResult r = shell(kScript + " --from " + f.string() + " --requests 2");
  EXPECT_EQ(r.code, 0) << r.output;
  // Go's: 6 ticks and 1 deep sleep over 2 requests; runs of 3 and 3 ticks; of its 1800 us, 500
  // deep and 1000 after the fourth tick.
  EXPECT_NE(r.output.find("go1.26-net-http            1   3.00         0.50   3 /   3 /    3"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("28 % /  56 %"), std::string::npos) << r.output;
  // The model's: 3 ticks, the 10 us wait no deep sleep, no long gap.
  EXPECT_NE(r.output.find("h2race-sysmon              1   1.50         0.00   3 /   3 /    3"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("0 % /   0 %"), std::string::npos) << r.output;
  // Neither the other Go thread nor h2race's main thread is a sysmon: one each above, no h2race
  // row.
  EXPECT_EQ(r.output.find("\n  h2race "), std::string::npos) << r.output;
  fs::remove(f);
}

// The recording path: a short run of the go model under perf shows its sysmon ticking.
TEST(SysmonTicks, RecordsARunUnderPerf) {
  if (geteuid() != 0) GTEST_SKIP() << "perf on all CPUs needs root";
  const ShellResult r = shell(kScript + " -n 200 -- --client go -q");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("sysmon, per request (200 requests"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("h2race-sysmon"), std::string::npos) << r.output;
}

TEST(SysmonTicks, BadInputsNameWhatIsWrongAndExit2) {
  const fs::path junk = write_temp_file("h2race_sysmon_ticks_junk", "not a perf line\n");
  const ShellResult no_events = shell(kScript + " --from " + junk.string() + " --requests 2");
  EXPECT_EQ(no_events.code, 2) << no_events.output;
  EXPECT_NE(no_events.output.find(junk.string() + ": no perf events read"), std::string::npos)
      << no_events.output;
  const ShellResult warm = shell(kScript + " -n 10 -- --client go1.26-net-http --warm-up 5");
  EXPECT_EQ(warm.code, 2) << warm.output;
  EXPECT_NE(warm.output.find("--warm-up: its requests would tick without being counted"),
            std::string::npos)
      << warm.output;
  const ShellResult zero = shell(kScript + " -n 0");
  EXPECT_EQ(zero.code, 2) << zero.output;
  EXPECT_NE(zero.output.find("-n 0: a positive count"), std::string::npos) << zero.output;
  fs::remove(junk);
}

}  // namespace
}  // namespace h2race
