// scripts/sysmon-ticks --from: the per-request table of Go's sysmon beside the go models' that
// docs/go-model.md ("Go's sysmon backs off") quotes. A hand-made perf script text: h2race (800)
// forks a Go client (500) and a Go server (600, whose thread name Linux cuts to the client's);
// another program (700) runs beside them. The client's second thread (its sysmon) ticks three
// times, waits on a lock 30 us (no timeout: not a deep sleep), sleeps deep 500 us (with a
// timeout), ticks once, sleeps 1000 us (a doubled sleep) and ticks twice more, and a futex wake
// of its own is no wait; another thread of that process sleeps and waits too. Two model sysmons:
// one ticks three times and waits 10 us (too short), the other ticks twice around a 100 us
// FUTEX_WAIT_BITSET wait and wakes someone; a request thread sleeps. Only the sysmons count, per
// kind, with the shares of time of their summed spans; --root keeps h2race's tree only.
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
const std::string kLockWait =
    "syscalls:sys_enter_futex: uaddr: 0xa34088, op: 0x00000080, val: 0x0, utime: 0x00000000";
const std::string kDeepWait =
    "syscalls:sys_enter_futex: uaddr: 0xa34080, op: 0x00000080, val: 0x0, utime: 0x7f0012345678";
const std::string kBitsetWait =
    "syscalls:sys_enter_futex: uaddr: 0x7f01, op: 0x00000089, val: 0x1, utime: 0x00000000";
const std::string kWake = "syscalls:sys_enter_futex: uaddr: 0xa34080, op: 0x00000081, val: 0x1";
const std::string kDone = "syscalls:sys_exit_futex: 0x0";

std::string go(int tid, const char* time, const std::string& what) {
  return event("go1.26-net-http", 500, tid, time, what);
}
std::string model(int tid, const char* comm, const char* time, const std::string& what) {
  return event(comm, 800, tid, time, what);
}

const std::string kRecording =
    model(800, "h2race", "99.999980",
          "sched:sched_process_fork: comm=h2race pid=800 "
          "child_comm=h2race child_pid=500") +
    event("go1.26-net-http", 500, 500, "99.999985",
          "sched:sched_process_exec: filename=/b/go1.26-net-http pid=500 old_pid=500") +
    model(800, "h2race", "99.999986",
          "sched:sched_process_fork: comm=h2race pid=800 "
          "child_comm=h2race child_pid=600") +
    event("go1.26-net-http", 600, 600, "99.999987",
          "sched:sched_process_exec: filename=/b/go1.26-net-http-server pid=600 old_pid=600") +
    go(500, "99.999990", kWake) + go(501, "100.000000", kSleep) + go(502, "100.000050", kSleep) +
    go(502, "100.000060", kDeepWait) + go(501, "100.000090", kSleep) +
    go(501, "100.000100", kLockWait) + go(501, "100.000130", kDone) +
    go(501, "100.000180", kSleep) + go(501, "100.000200", kDeepWait) +
    go(501, "100.000700", kDone) + go(501, "100.000710", kSleep) + go(502, "100.000900", kDone) +
    go(501, "100.001000", kWake) + go(501, "100.001100", kDone) + go(501, "100.001710", kSleep) +
    go(501, "100.001800", kSleep) + event("go1.26-net-http", 600, 601, "100.000000", kSleep) +
    event("go1.26-net-http", 600, 601, "100.000100", kSleep) +
    event("other", 700, 701, "100.000000", kSleep) +
    event("other", 700, 701, "100.000100", kSleep) +
    model(810, "h2race-sysmon", "100.000000",
          "syscalls:sys_enter_clock_nanosleep: which_clock: 0x0, flags: 0x0") +
    model(810, "h2race-sysmon", "100.000080", kSleep) +
    model(810, "h2race-sysmon", "100.000160", kSleep) +
    model(810, "h2race-sysmon", "100.000170", kLockWait) +
    model(810, "h2race-sysmon", "100.000180", kDone) +
    model(811, "h2race-sysmon", "100.000000", kSleep) +
    model(811, "h2race-sysmon", "100.000010", kBitsetWait) +
    model(811, "h2race-sysmon", "100.000110", kDone) +
    model(811, "h2race-sysmon", "100.000120", kSleep) +
    model(811, "h2race-sysmon", "100.000130", kWake) +
    model(811, "h2race-sysmon", "100.000160", kDone) +
    model(820, "h2race-request", "100.000050", kSleep) +
    model(820, "h2race-request", "100.000150", kSleep);

TEST(SysmonTicks, CountsTheSysmonsTicksDeepSleepsAndLongGapsPerRequest) {
  const fs::path f = write_temp_file("h2race_sysmon_ticks", kRecording);
  const ShellResult r = shell(kScript + " --from " + f.string() + " --requests 2");
  EXPECT_EQ(r.code, 0) << r.output;
  // Go's client: 6 ticks and 1 deep sleep over 2 requests; runs of 3 and 3 ticks; of its 1800
  // us, 500 deep and 1000 after the fourth tick.
  EXPECT_NE(
      r.output.find("  go1.26-net-http              1   3.00         0.50             3 / 3 / "
                    "3           0.0     28 %      56 %\n"),
      std::string::npos)
      << r.output;
  // The server, named by its program although its thread reads as the client's.
  EXPECT_NE(r.output.find("  go1.26-net-http-server       1   1.00         0.00"),
            std::string::npos)
      << r.output;
  // The model's two: 5 ticks, one deep sleep (the 100 us bitset wait; its 30 us wake is no
  // wait); runs 3, then 1 and 1; of 180 + 160 us, 100 deep.
  EXPECT_NE(
      r.output.find("  h2race-sysmon                2   2.50         0.50             1 / 1 / "
                    "3           0.0     29 %       0 %\n"),
      std::string::npos)
      << r.output;
  // Without --root every process counts: the other program's second thread too.
  EXPECT_NE(r.output.find("\n  other "), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("\n  h2race "), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("h2race-request"), std::string::npos) << r.output;
  // --root keeps h2race (800) and what it forked, as a recorded run does.
  const ShellResult rooted = shell(kScript + " --from " + f.string() + " --requests 2 --root 800");
  EXPECT_EQ(rooted.code, 0) << rooted.output;
  EXPECT_EQ(rooted.output.find("\n  other "), std::string::npos) << rooted.output;
  EXPECT_NE(rooted.output.find("  go1.26-net-http "), std::string::npos) << rooted.output;
  EXPECT_NE(rooted.output.find("  h2race-sysmon "), std::string::npos) << rooted.output;
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
  auto expect_refused = [](const std::string& args, const std::string& message) {
    h2race::expect_refused(kScript + " " + args, message);
  };
  expect_refused("--from " + junk.string() + " --requests 2", junk.string() + ": no perf events");
  expect_refused("--from " + junk.string(), "--from needs --requests N");
  expect_refused("--from " + junk.string() + " --requests 0", "--requests 0: a positive count");
  expect_refused("--from " + junk.string() + " --requests 2 -n 5", "-n records a run");
  expect_refused("--from " + junk.string() + " --requets 2", "unknown or run flags: --requets 2");
  expect_refused("-n 10 -- --client go1.26-net-http --warm-up 5",
                 "--warm-up: its requests would be seen without being counted");
  expect_refused("-- --client go -n 500", "a count among the run flags");
  expect_refused("-n 0", "-n 0: a positive count");
  expect_refused("--root 5", "--root goes with --from");
  expect_refused("-n 10 --requests 10", "--requests goes with --from");
  fs::remove(junk);
}

}  // namespace
}  // namespace h2race
