// Runs a program with its stdout and stderr captured, bounded in time, stoppable by Ctrl-C: the
// external clients (clients/external_client.h) run their programs with it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace h2race {

struct ProcessResult {
  int exit_code = -1;   // when it exited
  int term_signal = 0;  // when a signal ended it
  bool timed_out = false;
  bool interrupted = false;  // h2race was asked to stop and killed it
  bool flooded = false;      // it printed more than kMaxOutputBytes on stdout or stderr: killed
  std::string out, err;      // the first kMaxStdoutKept / kMaxStderrKept bytes
};

// The bounds on what one process may print (docs/reliability.md, "Supervising external
// programs"). Past kMaxOutputBytes on either stream it is killed (a flood, not an answer);
// beyond the kept bytes output is read and dropped; an answer line is cut at kMaxLineBytes.
inline constexpr uint64_t kMaxOutputBytes = 8u << 20;
inline constexpr size_t kMaxStdoutKept = 64u << 10;
inline constexpr size_t kMaxStderrKept = 64u << 10;
inline constexpr size_t kMaxLineBytes = 64u << 10;

// Sees each stdout line (without its newline; the last one also without); returns whether it
// was an answer, which moves the deadline to per_line from then. Other lines do not: a program
// cannot extend its time by printing.
using LineHandler = std::function<bool(const std::string&)>;

// A request to end a program that runs until told (an external server): once *requested turns
// true, `signal` goes to its process group; what is left after `grace` is killed.
struct StopRequest {
  const std::atomic<bool>* requested = nullptr;
  int signal = 15;  // SIGTERM
  std::chrono::milliseconds grace{2000};
};

// argv[0] must be a path (see find_program). The child gets its own process group, so a Ctrl-C
// at the terminal reaches h2race, which then kills the child and returns what it had printed.
// Bounds: `timeout` for the whole process, or, with on_stdout_line and per_line > 0, for its
// first answer and then per_line from each answer. Past the deadline, on Ctrl-C, on a flood,
// or 200 ms after the program exited while something it started still holds its pipes, the
// program's process group and every process that inherited its environment mark (a daemonising
// grandchild that left the group) are killed and reaped (h2race is their subreaper): nothing it
// started outlives the call.
// ack_lines: the child's stdin is a pipe, and a newline goes down it after on_stdout_line has
// returned for each line (a paced program waits for it before its next request); otherwise its
// stdin is /dev/null. stop_request: see StopRequest (the program's end then counts as neither
// timed out nor interrupted).
// Throws std::runtime_error when the program cannot be started.
ProcessResult run_process(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                          const LineHandler& on_stdout_line = {},
                          std::chrono::milliseconds per_line = std::chrono::milliseconds(0),
                          bool ack_lines = false, const StopRequest& stop_request = {});

// name with a '/' is taken as is; otherwise the first executable of that name in $PATH.
std::optional<std::filesystem::path> find_program(const std::string& name);
// As find_program, but a name without a '/' is first looked for where a program h2race builds
// sits (the Go client and servers, the adapters' runtimes): next to the running binary, then one
// dir up (a build dir's tests).
std::optional<std::filesystem::path> find_built_program(const std::string& name);

}  // namespace h2race
