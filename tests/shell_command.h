// Runs a command line through the shell for the tests that drive the h2race binary or a script: its
// exit code (128 + signal if a signal ended it) and its stdout and stderr together, or only what
// the command's own redirections send to stdout; and writes the input file such a command reads.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace h2race {

struct ShellResult {
  int code = -1;
  std::string output;
};

// `sh -c cmd` as written: output is its stdout, stderr and stdin are the test's unless cmd
// redirects them (the tests of closed or full output streams need that).
inline ShellResult shell_stdout(const std::string& cmd) {
  ShellResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof(buf), p)) > 0;) r.output.append(buf, n);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

// As a user's shell runs it with no input: stdout and stderr together, stdin empty.
inline ShellResult shell(const std::string& cmd) { return shell_stdout(cmd + " 2>&1 </dev/null"); }

// A command refused as bad usage: exit 2, and the output says what is wrong (message).
inline void expect_refused(const std::string& cmd, const std::string& message) {
  const ShellResult r = shell(cmd);
  EXPECT_EQ(r.code, 2) << cmd << "\n" << r.output;
  EXPECT_NE(r.output.find(message), std::string::npos) << cmd << "\n" << r.output;
}

inline ShellResult h2race(const std::string& args) {
  return shell(std::string(H2RACE_BIN) + " " + args);
}

// h2race with args refused as bad usage: exit 2, and the output names what is wrong (names).
inline void expect_usage_error(const std::string& args, const std::string& names) {
  expect_refused(std::string(H2RACE_BIN) + " " + args, names);
}

// A file in the temp directory holding text, its name made from stem and this process's id (tests
// run in parallel); the caller removes it.
inline std::filesystem::path write_temp_file(const std::string& stem, const std::string& text) {
  const std::filesystem::path p =
      std::filesystem::temp_directory_path() / (stem + std::to_string(getpid()) + ".txt");
  std::ofstream(p) << text;
  return p;
}

}  // namespace h2race
