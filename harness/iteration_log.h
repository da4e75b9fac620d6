// --log FILE: one JSON line per iteration, as it ends (JSON Lines). The histogram says how often
// each class came; the log says when and where: drift within a run, or how a program's class
// depends on how many requests its process had made before (docs/usage.md, "The iteration log").
#pragma once

#include <cstdint>
#include <fstream>
#include <mutex>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace h2race {

// Where the lines of one run (or one calibrate batch) belong.
struct LogPlace {
  std::string client;  // the scenario's client
  int64_t batch = -1;  // calibrate's batch (0-based); -1: not calibrate
  uint64_t first = 0;  // the batch's first iteration in the whole run
};

// What one iteration left.
struct LogEntry {
  uint64_t iteration = 0;  // counted from the run's start (calibrate: per client)
  int worker = 0;          // which job ran it
  uint64_t in_batch = 0;   // its place in the worker's batch: for a program, the process's n-th
  std::string_view cls;
  std::string_view truth;
};

class IterationLog {
 public:
  // Opens (truncates) path; `-` is refused (stdout holds the table). Throws std::runtime_error
  // naming the path when it cannot be written.
  explicit IterationLog(const std::string& path);
  // From any worker thread. Lines are buffered and written out at the end (or when the buffer
  // fills), so the log costs the iteration a formatting, not a system call.
  void add(const LogPlace& place, const LogEntry& entry);

 private:
  std::mutex mu_;
  std::ofstream out_;
  const Clock::time_point start_ = Clock::now();
};

}  // namespace h2race
