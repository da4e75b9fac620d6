// scripts/sched-wakes --from: the per-request table of wake-ups and taken cores that
// docs/go-model.md ("Who takes whose core") sets beside real Go's. A hand-made perf script text:
// one thread wakes another on its own CPU with a futex call and is preempted by it 6 us later,
// the wakee then yields, a sleeper's timer fires, the first thread wakes the server on the other
// CPU and sleeps. Each kind must land in its own row, the sleep in none.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "shell_command.h"

namespace h2race {
namespace {

namespace fs = std::filesystem;

const std::string kScript = std::string(H2RACE_SOURCE_DIR) + "/scripts/sched-wakes";

std::string event(int tid, const char* time, const std::string& what) {
  return " go1.26-net-http   " + std::to_string(tid) + " [000]   " + time + ": " + what + "\n";
}

std::string switch_out(int prev, char state, const std::string& next_comm, int next) {
  return "sched:sched_switch: prev_comm=go1.26-net-http prev_pid=" + std::to_string(prev) +
         " prev_prio=120 prev_state=" + state + " ==> next_comm=" + next_comm +
         " next_pid=" + std::to_string(next) + " next_prio=120";
}

TEST(SchedWakes, SplitsPreemptionByTheWakeeFromYieldsAndCountsPerRequest) {
  const std::string text =
      event(101, "99.999998",
            "syscalls:sys_enter_futex: uaddr: 0x00a32738, op: 0x00000081, val: 0x00000001") +
      event(101, "100.000000",
            "sched:sched_wakeup: comm=go1.26-net-http pid=102 prio=120 target_cpu=000") +
      event(101, "100.000006", switch_out(101, 'R', "go1.26-net-http", 102)) +
      event(102, "100.000010", "syscalls:sys_enter_sched_yield:") +
      event(102, "100.000011", switch_out(102, 'R', "go1.26-net-http", 101)) +
      event(101, "100.000012", "timer:hrtimer_expire_entry: hrtimer=0x1 function=hrtimer_wakeup") +
      event(101, "100.000013",
            "sched:sched_wakeup: comm=go1.26-net-http pid=103 prio=120 target_cpu=000") +
      event(101, "100.000040",
            "sched:sched_wakeup: comm=h2race-server pid=7 prio=120 target_cpu=001") +
      event(101, "100.000050", switch_out(101, 'S', "swapper/0", 0));
  const fs::path f = write_temp_file("h2race_sched_wakes", text);
  const ShellResult r = shell(kScript + " --from " + f.string() + " --requests 2");
  EXPECT_EQ(r.code, 0) << r.output;
  // The futex wake-up, the timer's (the kernel names the thread the timer interrupted) and the
  // server's, which neither came just before.
  EXPECT_NE(r.output.find("go1.26-net-http      -> go1.26-net-http      own CPU    futex    0.50"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("go1.26-net-http      -> go1.26-net-http      own CPU    timer    0.50"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("go1.26-net-http      -> h2race-server        other CPU  other    0.50"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("preempted by its wakee    0.50   p50    6.0 p90    6.0"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("yielded                   0.50"), std::string::npos) << r.output;
  // The sleep (state S) is no taken core: two rows, no more.
  EXPECT_EQ(r.output.find("swapper"), std::string::npos) << r.output;
  fs::remove(f);
}

// The recording path (scripts/perf_recording.py, which scripts/flight-race shares): a short run
// of the go model under perf gives the model's request thread among the wakers.
TEST(SchedWakes, RecordsARunUnderPerf) {
  if (geteuid() != 0) GTEST_SKIP() << "perf on all CPUs needs root";
  const ShellResult r = shell(kScript + " -n 200 -- --client go -q");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("per request (200 requests"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("h2race-request"), std::string::npos) << r.output;
}

TEST(SchedWakes, BadInputsNameWhatIsWrongAndExit2) {
  const fs::path junk = write_temp_file("h2race_sched_wakes_junk", "not a perf line\n");
  auto expect_refused = [](const std::string& args, const std::string& message) {
    h2race::expect_refused(kScript + " " + args, message);
  };
  expect_refused("--from " + junk.string() + " --requests 2", junk.string() + ": no perf events");
  expect_refused("--from " + junk.string(), "--from needs --requests N");
  expect_refused("--from " + junk.string() + " --requests 0", "--requests 0: a positive count");
  expect_refused("--from " + junk.string() + " --requests 2 -n 5", "-n records a run");
  // An abbreviation is not ours: --mi could be a run flag.
  expect_refused("--from " + junk.string() + " --requests 2 --mi 1", "unknown or run flags: --mi");
  expect_refused("-n 10 -- --client go --warm-up 5", "--warm-up: its requests would be seen");
  expect_refused("-- --client go --iterations=500", "a count among the run flags");
  expect_refused("-n 0", "-n 0: a positive count");
  expect_refused("-n 10 --requests 10", "--requests goes with --from");
  expect_refused("--min -1", "--min -1.0: not negative");
  fs::remove(junk);
}

}  // namespace
}  // namespace h2race
