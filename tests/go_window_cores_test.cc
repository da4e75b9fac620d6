// scripts/go-window-cores --from: what the request's thread did in the window in which the read
// loop can close the connection before the stream's ID, on the kernel's side, which
// docs/go-model.md ("What holds the request up") sets side by side for real Go and the go model.
// Hand-made recordings: a model's window (from its iteration log) in which its thief, its
// back-off timer firing beside the request thread, takes that thread's core for 35 of 60 us, and
// a real Go window (go-trace's WINDOWS file) in which
// another thread of Go's process and then the other Go process do. Each must land in its class's
// row, with who held the core.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "perf_script_lines.h"
#include "shell_command.h"

namespace h2race {
namespace {

namespace fs = std::filesystem;

const std::string kScript = std::string(H2RACE_SOURCE_DIR) + "/scripts/go-window-cores";

// A switch on CPU 0, the request thread's.
std::string switch_line(const std::string& comm, int pid, int tid, const char* time, char state,
                        const std::string& next, int next_tid) {
  return perf_line(comm, pid, tid, 0, time, switch_fields(comm, tid, state, next, next_tid));
}

fs::path recording(const std::string& name, const std::string& perf,
                   const std::string& windows_file, const std::string& windows) {
  const fs::path dir = fs::temp_directory_path() / (name + std::to_string(getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "perf.txt") << perf;
  std::ofstream(dir / windows_file) << windows;
  return dir;
}

TEST(GoWindowCores, TheModelsWindowSplitsIntoOnACoreAndPreemptedByItsThief) {
  const std::string req = "h2race-request";
  const std::string thief = "h2race-readloop";
  const fs::path dir = recording(
      "h2race_go_window_cores_model",
      // The thief backs off on CPU 1; its timer fires on CPU 0, beside the request thread.
      perf_line(thief, 100, 201, 1, "99.999990000", "syscalls:sys_enter_clock_nanosleep: x") +
          perf_line(thief, 100, 201, 1, "99.999991000",
                    switch_fields(thief, 201, 'S', "swapper/1", 0)) +
          switch_line("h2race-client", 100, 199, "99.999999000", 'S', req, 202) +
          perf_line(req, 100, 202, 0, "100.000019000", wakeup_fields(thief, 201, 0)) +
          switch_line(req, 100, 202, "100.000020000", 'R', thief, 201) +
          switch_line(thief, 100, 201, "100.000055000", 'S', req, 202) +
          switch_line(req, 100, 202, "100.000200000", 'S', "swapper/0", 0),
      "run.log",
      R"({"class":"h2:no_connection","window":{"start_ns":100000010000,"end_ns":100000070000,"tid":202}}
{"class":"tls_alert:certificate_required","window":{"start_ns":100000100000,"end_ns":100000106000,"tid":202}}
{"class":"timeout"}
)");
  const fs::path json = dir / "out.json";
  const ShellResult r = shell(kScript + " --from " + dir.string() + " --json " + json.string());
  ASSERT_EQ(r.code, 0) << r.output;
  // 60 us: on a core 10 + 15, preempted 35, so a long window mostly preempted.
  EXPECT_NE(r.output.find("h2:no_connection                      1      25.0 /     25.0      "
                          "35.0 /     35.0       0.0 /      0.0   1: 0 / 100 / 0 %"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("tls_alert:certificate_required        1       6.0 /      6.0"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("h2:no_connection                h2race-readloop 35.0"),
            std::string::npos)
      << r.output;
  // Of the two windows, the early close's had the back-off end beside the request thread.
  EXPECT_NE(r.output.find("beside the request thread: 50.0 %; h2:no_connection among them "
                          "100.0 %, among the others 0.0 %"),
            std::string::npos)
      << r.output;
  std::ifstream in(json);
  const auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j["classes"]["h2:no_connection"]["us_p50_p90"]["preempted"][0].get<double>(), 35.0);
  EXPECT_EQ(j["classes"]["h2:no_connection"]["long_holders_us"]["h2race-readloop"].get<double>(),
            35.0);
  EXPECT_FALSE(j["classes"].contains("timeout"));  // no window logged
  EXPECT_EQ(j["classes"]["h2:no_connection"]["backed_off_beside"].get<int>(), 1);
  fs::remove_all(dir);
}

TEST(GoWindowCores, RealGosHoldersAreItsOwnThreadsOrTheOtherProcess) {
  const std::string go = "go1.26-net-http";
  const fs::path dir =
      recording("h2race_go_window_cores_go",
                switch_line(go, 300, 301, "99.999999000", 'S', go, 302) +
                    switch_line(go, 300, 302, "100.000020000", 'R', go, 303) +
                    switch_line(go, 300, 303, "100.000040000", 'S', go, 302) +
                    switch_line(go, 300, 302, "100.000045000", 'R', go, 401) +
                    switch_line(go, 400, 401, "100.000060000", 'S', go, 302) +
                    switch_line(go, 300, 302, "100.000200000", 'S', "swapper/0", 0),
                "1.windows",
                "class\tloop_created_ns\twriter_created_ns\tloop_thread\twriter_thread\n"
                "h2:no_connection\t100000010000\t100000070000\t301\t302\n"
                "write:EPIPE\t100000100000\t0\t302\t0\n");
  const ShellResult r = shell(kScript + " --from " + dir.string());
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("another thread of its process 20.0, the other Go process 15.0"),
            std::string::npos)
      << r.output;
  // A connection whose request never made `go cs.doRequest` has no window.
  EXPECT_EQ(r.output.find("write:EPIPE"), std::string::npos) << r.output;
  fs::remove_all(dir);
}

TEST(GoWindowCores, BadInputsNameWhatIsWrongAndExit2) {
  const fs::path empty =
      fs::temp_directory_path() / ("h2race_gwc_empty" + std::to_string(getpid()));
  fs::create_directories(empty);
  std::ofstream(empty / "perf.txt") << "not a perf line\n";
  auto expect_refused = [](const std::string& args, const std::string& message) {
    h2race::expect_refused(kScript + " " + args, message);
  };
  expect_refused("--from " + empty.string(), "no run.log or *.windows files");
  expect_refused("--client go1.26-net-http -- --go-handoff-us 8", "flags after --, for a model");
  // A recording's flags with --from would be ignored: refused instead.
  expect_refused("--from " + empty.string() + " --keep /tmp",
                 "--from reads a kept recording; a recording's flags: --keep");
  expect_refused("--from " + empty.string() + " -n 5", "a recording's flags: -n");
  expect_refused("--bogus", "unknown flags: --bogus (a model's run flags go after --)");
  expect_refused("--client go -- -n 5", "-n: this script sets it");
  expect_refused("-n 0", "-n 0: a positive count");
  expect_refused("--keep /nonexistent-h2race-dir",
                 "--keep /nonexistent-h2race-dir: not an empty directory");
  // A kept directory in use would mix two recordings.
  expect_refused("--keep " + empty.string(), "not an empty directory");
  std::ofstream(empty / "run.log") << R"({"class":"x","window":{"start_ns":1,"end_ns":2,"tid":3}})"
                                   << "\n";
  expect_refused("--from " + empty.string(), "no sched_switch events");
  std::ofstream(empty / "run.log") << R"({"class":"x","window":{"start_ns":1}})"
                                   << "\n";
  expect_refused("--from " + empty.string(), "run.log:1: not an iteration log line with a window");
  fs::remove_all(empty);
}

}  // namespace
}  // namespace h2race
