// This test process's threads as /proc lists them, for the tests that look at h2race's own threads
// by name (the names `top -H`, `perf sched` and scripts/sched-wakes show).
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace h2race {

struct ProcessThread {
  std::filesystem::path task;  // /proc/self/task/TID: its status, syscall ... files
  std::string name;            // its comm
};

inline std::vector<ProcessThread> process_threads() {
  std::vector<ProcessThread> threads;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::string name;
    if (std::getline(std::ifstream(task.path() / "comm"), name)) {
      threads.push_back({task.path(), name});
    }
  }
  return threads;
}

}  // namespace h2race
