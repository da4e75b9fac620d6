// Runs a command line through the shell for the tests that drive the h2race binary: its exit code
// (128 + signal if a signal ended it) and its stdout and stderr together.
#pragma once

#include <sys/wait.h>

#include <cstdio>
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

inline ShellResult h2race(const std::string& args) {
  return shell(std::string(H2RACE_BIN) + " " + args);
}

}  // namespace h2race
