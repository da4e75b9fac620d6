// `h2race serve --ready-file DIR/ready FLAGS...` in its own process, for the tests that need a
// server h2race did not start in-process (probe, hostile clients): once it listens, its URL and
// CA path from the ready file. stop() sends a signal and returns the wait status; the destructor
// stops it with SIGTERM if the test did not.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "eventually.h"

namespace h2race::testing {

class ServeProcess {
 public:
  explicit ServeProcess(const std::filesystem::path& dir, std::vector<std::string> flags = {}) {
    const std::string ready = (dir / "ready").string();
    std::vector<std::string> args{H2RACE_BIN, "serve", "-q", "--ready-file", ready};
    args.insert(args.end(), flags.begin(), flags.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = fork();
    if (pid_ == 0) {
      execv(H2RACE_BIN, argv.data());
      _exit(127);
    }
    eventually([&] { return std::filesystem::exists(ready); }, std::chrono::seconds(30),
               std::chrono::milliseconds(100));
    std::ifstream in(ready);
    in >> url_ >> ca_;
  }
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;
  ~ServeProcess() { stop(); }

  // Empty when it never became ready.
  const std::string& url() const { return url_; }
  const std::string& ca() const { return ca_; }
  uint16_t port() const {
    return static_cast<uint16_t>(std::stoi(url_.substr(url_.rfind(':') + 1)));
  }
  int stop(int sig = SIGTERM) {
    int status = 0;
    if (pid_ > 0) {
      kill(pid_, sig);
      waitpid(pid_, &status, 0);
    }
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_ = -1;
  std::string url_, ca_;
};

}  // namespace h2race::testing
