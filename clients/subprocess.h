// Runs a program with its stdout and stderr captured, bounded in time, stoppable by Ctrl-C: the
// external clients (clients/external_client.h) run their programs with it.
#pragma once

#include <chrono>
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
  std::string out, err;
};

// argv[0] must be a path (see find_program). The child gets its own process group, so a Ctrl-C
// at the terminal reaches h2race, which then kills the child and returns what it had printed.
// on_stdout_line (if set) sees each complete stdout line as it arrives (batch programs); with
// per_line > 0 each line moves the deadline to per_line from then (timeout bounds the first).
// Past the deadline, or on Ctrl-C, the child's whole process group is killed (a runtime's helper
// processes too) and the child reaped: no zombie, and the pipes close with the result.
// ack_lines: the child's stdin is a pipe, and a newline goes down it after on_stdout_line has
// returned for each line (a paced program waits for it before its next request); otherwise its
// stdin is /dev/null.
// Throws std::runtime_error when the program cannot be started.
ProcessResult run_process(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                          const std::function<void(const std::string&)>& on_stdout_line = {},
                          std::chrono::milliseconds per_line = std::chrono::milliseconds(0),
                          bool ack_lines = false);

// name with a '/' is taken as is; otherwise the first executable of that name in $PATH.
std::optional<std::filesystem::path> find_program(const std::string& name);

}  // namespace h2race
