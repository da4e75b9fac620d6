// --log FILE: one JSON line per iteration, as it ends (JSON Lines). The histogram says how often
// each class came; the log says when and where: drift within a run, or how a program's class
// depends on how many requests its process had made before (docs/usage.md, "The iteration log").
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/outcome.h"

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
  const std::vector<std::pair<std::string_view, double>>* steps_us = nullptr;  // Outcome's
  const RaceWindow* window = nullptr;  // Outcome's, when it has one
};

class IterationLog {
 public:
  // Opens (truncates) path. Throws std::runtime_error naming it when it cannot.
  explicit IterationLog(const std::string& path);
  // From any worker thread. Lines are buffered (stdio) and written as the buffer fills, so the
  // log costs the iteration a formatting, not a system call each.
  void add(const LogPlace& place, const LogEntry& entry);
  // Writes out what is buffered and closes the file; throws std::runtime_error naming the file
  // and the reason when any line could not be written (a full disk), so no log is cut short
  // silently. Closing without finish() (an exception elsewhere) only flushes.
  void finish();

 private:
  struct Close {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::mutex mu_;
  std::string path_;
  std::unique_ptr<std::FILE, Close> file_;
  int error_ = 0;  // the first write's errno, 0 while all went well
  const Clock::time_point start_ = Clock::now();
};

}  // namespace h2race
