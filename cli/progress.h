// A progress line on stderr ("done/total iterations  N it/s"), only when a person watches stderr.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

namespace h2race::cli {

class Progress {
 public:
  Progress(const std::atomic<uint64_t>& done, uint64_t total);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

 private:
  void loop();
  const std::atomic<uint64_t>& done_;
  uint64_t total_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace h2race::cli
