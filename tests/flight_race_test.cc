// scripts/flight-race --from: where the kernel puts the server thread a client's last handshake
// flight wakes, and whether the server's close comes before the client's preface and HEADERS
// (docs/go-model.md, "Go's Ms, tried"). A hand-made perf script text with two
// connections on the same fd of one client process: the first's flight wakes the server on the
// other CPU and the preface goes out before the server's close; the second's wakes it on the
// writer's CPU, where the writer's thread sleeps first and another of the client's threads runs,
// the server waits 47 us and closes before the preface. The ClientHello's own wake-up is no
// flight, and a write by the server is no client write.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "perf_script_lines.h"
#include "shell_command.h"

namespace h2race {
namespace {

namespace fs = std::filesystem;

const std::string kScript = std::string(H2RACE_SOURCE_DIR) + "/scripts/flight-race";

std::string client(const char* time, int cpu, const std::string& what) {
  return perf_line("go1.26-net-http", 200, 201, cpu, time, what);
}
std::string server(int tid, const char* time, int cpu, const std::string& what) {
  return perf_line("h2race-server", 300, tid, cpu, time, what);
}
std::string write(int fd) {
  return "syscalls:sys_enter_write: fd: 0x0000000" + std::to_string(fd) +
         ", buf: 0x7f00, count: 0x0000005e";
}
std::string close_fd(int fd) {
  return "syscalls:sys_enter_close: fd: 0x0000000" + std::to_string(fd);
}
std::string wake(int tid, int target) { return wakeup_fields("h2race-server", tid, target); }
std::string runs(int tid) { return switch_fields("stress-ng-cpu", 9, 'R', "h2race-server", tid); }

TEST(FlightRace, SplitsTheOrderByWhereTheFlightPutTheServer) {
  const std::string text =
      // The first connection: ClientHello (its wake-up is not the flight), flight, preface.
      client("100.000000", 0, write(7)) + client("100.000005", 0, wake(301, 1)) +
      client("100.000100", 0, write(7)) + client("100.000102", 0, wake(301, 1)) +
      server(301, "100.000110", 1, runs(301)) + server(301, "100.000112", 1, write(5)) +
      client("100.000130", 0, write(7)) + server(301, "100.000140", 1, close_fd(9)) +
      client("100.000200", 0, close_fd(7)) +
      // The second, on the same fd: the server waits on the writer's CPU and closes first.
      client("100.001000", 0, write(7)) + client("100.001100", 0, write(7)) +
      client("100.001103", 0, wake(302, 0)) +
      client("100.001120", 0, switch_fields("go1.26-net-http", 201, 'S', "go1.26-net-http", 205)) +
      server(302, "100.001150", 0, runs(302)) + server(302, "100.001160", 0, close_fd(9)) +
      client("100.001170", 0, write(7)) + client("100.001180", 0, write(7)) +
      client("100.001300", 0, close_fd(7));
  const fs::path f = write_temp_file("h2race_flight_race", text);
  const ShellResult r = shell(kScript + " --from " + f.string());
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("closed by it: 2"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("writer's CPU  50.0 %   waited for a core p50    47"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("other CPU     50.0 %   waited for a core p50     8"), std::string::npos)
      << r.output;
  EXPECT_NE(
      r.output.find("the server's close first                    50.0%      100.0%       0.0%"),
      std::string::npos)
      << r.output;
  EXPECT_NE(
      r.output.find("the preface, then the close                 50.0%        0.0%     100.0%"),
      std::string::npos)
      << r.output;
  // The second flight's: what its writer's CPU switched to first, and the server's wait after.
  EXPECT_NE(r.output.find("first switch after the flight (1)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("  the writer, asleep -> go1.26-net-http                100.0 %     "
                          "47 /    47"),
            std::string::npos)
      << r.output;
  // Spans from the flight's wake-up: the second connection's preface 67 us, HEADERS 77, close 57.
  EXPECT_NE(r.output.find("writer's CPU  preface 67 / 67 / 67; HEADERS 77 / 77 / 77; "
                          "server's close 57 / 57 / 57"),
            std::string::npos)
      << r.output;
  // No HEADERS after the first connection's flight: no HEADERS span on the other CPU's line.
  EXPECT_NE(r.output.find("other CPU     preface 28 / 28 / 28; server's close 38 / 38 / 38"),
            std::string::npos)
      << r.output;
  fs::remove(f);
}

// The recording path (scripts/perf_recording.py, which scripts/sched-wakes shares): a short run
// of the go model under perf, looked at with --load, gives its connections' flights and the load
// estimate of the model's request threads.
TEST(FlightRace, RecordsARunUnderPerf) {
  if (geteuid() != 0) GTEST_SKIP() << "perf on all CPUs needs root";
  const ShellResult r = shell(kScript + " -n 500 --load -- --client go -q");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("closed by it: "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("  h2race-request "), std::string::npos) << r.output;
}

// The poller rows: of three flown connections the server wakes a client thread out of epoll before
// its close in two: once on its own CPU, where that thread last ran and takes the server's core
// at once; once on the other CPU, where it last ran. A thread out of epoll that the server wakes
// after its close, or a thread whose last system call was not an epoll wait, is no poller.
TEST(FlightRace, SaysWhereTheServerPutTheClientsPoller) {
  auto go = [](int tid, const char* time, int cpu, const std::string& what) {
    return perf_line("go1.26-net-http", 200, tid, cpu, time, what);
  };
  const std::string epoll = "syscalls:sys_enter_epoll_pwait: epfd: 0x00000004, events: 0x7f00";
  auto flight = [&](const char* hello, const char* flown, const char* woken, int server_tid,
                    int server_cpu) {
    return go(201, hello, 0, write(7)) + go(201, flown, 0, write(7)) +
           go(201, woken, 0, wake(server_tid, server_cpu));
  };
  const std::string text =
      // The poller (tid 210) last runs on CPU 1 and waits in epoll; the request's writer is 201.
      go(210, "100.000000", 1, switch_fields("swapper/1", 0, 'R', "go1.26-net-http", 210)) +
      go(210, "100.000001", 1, epoll) +
      // 1: the server runs on CPU 1, wakes the poller there; it takes the server's core.
      flight("100.000010", "100.000100", "100.000102", 301, 1) +
      server(301, "100.000110", 1, runs(301)) +
      server(301, "100.000120", 1, wakeup_fields("go1.26-net-http", 210, 1)) +
      server(301, "100.000122", 1,
             switch_fields("h2race-server", 301, 'R', "go1.26-net-http", 210)) +
      go(210, "100.000125", 1, epoll) +
      go(210, "100.000126", 1, switch_fields("go1.26-net-http", 210, 'S', "h2race-server", 301)) +
      server(301, "100.000130", 1, close_fd(9)) + go(201, "100.000200", 0, close_fd(7)) +
      // 2: the poller runs on CPU 0 and waits again; the server on CPU 1 wakes it onto CPU 0.
      go(210, "100.001000", 0, switch_fields("swapper/0", 0, 'R', "go1.26-net-http", 210)) +
      go(210, "100.001001", 0, epoll) + flight("100.001010", "100.001100", "100.001102", 302, 1) +
      server(302, "100.001110", 1, runs(302)) +
      server(302, "100.001120", 1, wakeup_fields("go1.26-net-http", 210, 0)) +
      server(302, "100.001130", 1, close_fd(9)) + go(201, "100.001200", 0, close_fd(7)) +
      // 3: the server wakes a thread whose last system call was a write, then the poller after
      // its close.
      go(211, "100.002000", 1, write(8)) +
      flight("100.002010", "100.002100", "100.002102", 303, 1) +
      server(303, "100.002110", 1, runs(303)) +
      server(303, "100.002120", 1, wakeup_fields("go1.26-net-http", 211, 1)) +
      server(303, "100.002130", 1, close_fd(9)) +
      server(303, "100.002140", 1, wakeup_fields("go1.26-net-http", 210, 1)) +
      go(201, "100.002200", 0, close_fd(7));
  const fs::path f = write_temp_file("h2race_flight_race_poller", text);
  const ShellResult r = shell(kScript + " --from " + f.string());
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("closed by it: 3"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("out of epoll before its close: 66.7 % of the connections (2)"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("put on the server's CPU  50.0 %   its last CPU the server's 100.0 %   "
                          "took the server's core at once 100.0 %"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("put on the other CPU     50.0 %   its last CPU the server's   0.0 %"),
            std::string::npos)
      << r.output;
  fs::remove(f);
}

TEST(FlightRace, BadInputsNameWhatIsWrongAndExit2) {
  const fs::path junk = write_temp_file("h2race_flight_race_junk", "not a perf line\n");
  auto expect_refused = [](const std::string& args, const std::string& message) {
    h2race::expect_refused(kScript + " " + args, message);
  };
  expect_refused("--from " + junk.string(), junk.string() + ": no perf events read");
  expect_refused("-n 0", "-n 0: a positive count");
  expect_refused("--from " + junk.string() + " --client go", "--from reads a saved recording");
  expect_refused("--from " + junk.string() + " -n 5", "-n records a run; with --from leave it out");
  expect_refused("-- --client go -n500", "a count among the run flags");
  expect_refused("--from " + junk.string() + " --load",
                 "--load looks at a run as it goes; not with --from");
  fs::remove(junk);
}

}  // namespace
}  // namespace h2race
