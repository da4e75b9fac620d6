// Waits for a child process to be ready for what a test does to it next, instead of sleeping a
// guess: a signal sent before the child installed its handler kills it by the default action, and
// a run interrupted before its first iteration has nothing to write.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "eventually.h"

namespace h2race {

// Until process pid catches sig (the signal's bit in SigCgt of /proc/PID/status); false once
// bound passed or the process is gone or has exited (a zombie, not yet reaped, keeps its status).
inline bool wait_until_catching(pid_t pid, int sig,
                                std::chrono::seconds bound = std::chrono::seconds(60)) {
  const std::string status = "/proc/" + std::to_string(pid) + "/status";
  bool caught = false;
  eventually(
      [&] {  // true once it is known: caught, or never will be
        std::ifstream in(status);
        if (!in) return true;
        for (std::string line; std::getline(in, line);) {
          if (line.starts_with("State:") && line.find_first_of("ZX", 6) != std::string::npos) {
            return true;
          }
          if (line.starts_with("SigCgt:")) {
            caught = std::stoull(line.substr(7), nullptr, 16) & (uint64_t{1} << (sig - 1));
            if (caught) return true;
          }
        }
        return false;
      },
      bound, std::chrono::milliseconds(5));
  return caught;
}

// Until the file at path has a whole line; false once bound passed. A run's --log is buffered,
// so its first line shows once a buffer's worth of iterations (10-30) has ended.
inline bool wait_for_a_line(const std::filesystem::path& path,
                            std::chrono::seconds bound = std::chrono::seconds(60)) {
  return eventually(
      [&] {
        std::ifstream in(path);
        std::stringstream text;
        text << in.rdbuf();
        return text.str().find('\n') != std::string::npos;
      },
      bound, std::chrono::milliseconds(5));
}

}  // namespace h2race
