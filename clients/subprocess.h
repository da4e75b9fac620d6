// Runs a program with its stdout and stderr captured, bounded in time, stoppable by Ctrl-C: the
// external client adapters use it for curl, nghttp and go-net-http.
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
// on_stdout_line (if set) sees each complete stdout line as it arrives (batch programs).
// Throws std::runtime_error when the program cannot be started.
ProcessResult run_process(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                          const std::function<void(const std::string&)>& on_stdout_line = {});

// name with a '/' is taken as is; otherwise the first executable of that name in $PATH.
std::optional<std::filesystem::path> find_program(const std::string& name);

}  // namespace h2race
