// Runs the h2race binary the way a user's shell would, for the CLI tests: exit code and output.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace h2race::testing {

struct Result {
  int code = -1;
  std::string output;  // what reached the pipe: stdout and stderr unless the command redirects
};

// Runs `sh -c command` and collects its stdout.
inline Result shell(const std::string& command) {
  Result r;
  FILE* p = popen(command.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) r.output.append(buf, n);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

// h2race with args (shell syntax), stdout and stderr together, stdin empty.
inline Result h2race(const std::string& args) {
  return shell(std::string(H2RACE_BIN) + " " + args + " 2>&1 </dev/null");
}

inline void expect_usage_error(const std::string& args, const std::string& names) {
  const Result r = h2race(args);
  EXPECT_EQ(r.code, 2) << args << "\n" << r.output;
  EXPECT_NE(r.output.find(names), std::string::npos) << args << "\n" << r.output;
}

}  // namespace h2race::testing
