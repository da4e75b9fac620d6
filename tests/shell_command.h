// Runs a command line through the shell for the tests that drive the h2race binary or a script: its
// exit code (128 + signal if a signal ended it) and its stdout and stderr together; and writes the
// input file such a command reads.
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

inline ShellResult shell(const std::string& cmd) {
  ShellResult r;
  FILE* p = popen((cmd + " 2>&1 </dev/null").c_str(), "r");
  if (!p) return r;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof(buf), p)) > 0;) r.output.append(buf, n);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

// A command refused as bad usage: exit 2, and the output says what is wrong (message).
inline void expect_refused(const std::string& cmd, const std::string& message) {
  const ShellResult r = shell(cmd);
  EXPECT_EQ(r.code, 2) << cmd << "\n" << r.output;
  EXPECT_NE(r.output.find(message), std::string::npos) << cmd << "\n" << r.output;
}

inline ShellResult h2race(const std::string& args) {
  return shell(std::string(H2RACE_BIN) + " " + args);
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
